import Foundation
import SCIMCore

/// What a resource query asks a store for.
public struct ResourceQuery: Sendable, Hashable {
    public var kind: ResourceKind
    public var filter: Filter?
    public var sort: Sort?
    public var page: Page
    /// The schemas filter and sort paths resolve against: the user type with custom fields, or the standard one.
    public var type: ResourceType
    /// Whether to read the groups each user on the page belongs to, with the page.
    public var withGroups: Bool

    public init(
        kind: ResourceKind, filter: Filter?, sort: Sort? = nil, page: Page, type: ResourceType? = nil,
        withGroups: Bool = false
    ) {
        self.kind = kind
        self.filter = filter
        self.sort = sort
        self.page = page
        self.type = type ?? kind.resourceType
        self.withGroups = withGroups
    }
}

extension Page {
    /// The number of all matches when a page read at this offset returned `rows` of them, if that tells: a page
    /// that is not full ends with the last match, unless it is empty past the end.
    public func totalFromShortPage(_ rows: Int) -> Int? {
        guard rows < count, rows > 0 || offset == 0 else { return nil }
        return offset + rows
    }
}

/// A page of a query's matches, the number of all matches and, when asked for, each user's groups.
public struct SearchResult: Sendable {
    public var total: Int
    public var resources: [StoredResource]
    /// The groups of each resource on the page, by id, when the query asked `withGroups`.
    public var groups: [String: [ResourceReference]]?

    public init(total: Int, resources: [StoredResource], groups: [String: [ResourceReference]]? = nil) {
        self.total = total
        self.resources = resources
        self.groups = groups
    }
}

/// RFC 7644 §3.4.2.3 sorting; ties are always broken by creation order, so pages never overlap or skip.
public struct Sort: Sendable, Hashable {
    public var path: AttributePath
    public var ascending: Bool

    public init(path: AttributePath, ascending: Bool) {
        self.path = path
        self.ascending = ascending
    }

    /// Parses `sortBy` and `sortOrder` ("ascending", the default, or "descending", in any case).
    public static func parse(sortBy: String?, sortOrder: String?, type: ResourceType) throws(SCIMError) -> Sort? {
        guard let sortBy = sortBy?.trimmingCharacters(in: .whitespaces), !sortBy.isEmpty else { return nil }
        let path: AttributePath
        do { path = try AttributePath.parse(sortBy) } catch {
            throw .invalidValue("\"sortBy\" is not an attribute: \(sortBy)")
        }
        guard type.resolve(path) != nil else {
            throw .invalidValue("Cannot sort by \"\(sortBy)\": \(type.name) has no such attribute.")
        }
        switch sortOrder?.lowercased() {
        case nil, "", "ascending": return Sort(path: path, ascending: true)
        case "descending": return Sort(path: path, ascending: false)
        default: throw .invalidValue("\"sortOrder\" must be \"ascending\" or \"descending\".")
        }
    }
}

/// A change to a group's members, applied row by row: first `removeAll`, then `removed`, then `added`.
public struct MembershipChange: Sendable, Hashable {
    public var removeAll: Bool
    public var added: [String]
    public var removed: [String]

    public init(removeAll: Bool = false, added: [String] = [], removed: [String] = []) {
        self.removeAll = removeAll
        self.added = added
        self.removed = removed
    }

    public var isEmpty: Bool { !removeAll && added.isEmpty && removed.isEmpty }
}

/// One page of a group's members, in a stable order, and where the next page starts.
public struct MemberPage: Sendable {
    public var members: [ResourceReference]
    /// Pass as `after` for the next page; nil on the last page.
    public var next: Int64?

    public init(members: [ResourceReference], next: Int64?) {
        self.members = members
        self.next = next
    }
}

/// The persistence contract every store satisfies; the contract suite runs against each store.
///
/// Stores throw `SCIMError.uniqueness` when a unique key is taken and `SCIMError.invalidValue` for a member id that
/// does not exist; anything else they throw is unexpected and becomes a 500.
public protocol Store: ConsoleStore, FieldStore {
    /// Inserts a new resource and, for a group, its members, in one transaction.
    func insert(_ resource: StoredResource, members: [String]) async throws
    /// Inserts many resources in one transaction: the bulk path for imports and benchmarks.
    func insertMany(_ resources: [StoredResource]) async throws
    func fetch(_ kind: ResourceKind, id: String) async throws -> StoredResource?
    /// Writes `resource` if the stored version is still `expectedVersion`; false when it is not (or is gone).
    func update(_ resource: StoredResource, expectedVersion: Int, members: MembershipChange) async throws -> Bool
    /// Deletes a resource (at `expectedVersion`, when given) with its memberships; false when it is not there
    /// at that version. Groups it belonged to get a new version, since their members changed.
    /// Applies a membership change and gives the group a new version and modification time, whatever its current
    /// version: membership rows commute with other writes, so concurrent member changes never conflict. Returns
    /// the new version, or nil when the group is gone.
    func changeMembers(ofGroup id: String, _ change: MembershipChange, modified: Date) async throws -> Int?
    func delete(_ kind: ResourceKind, id: String, expectedVersion: Int?) async throws -> Bool
    /// One page of matching resources in a stable order, and the number of all matches.
    func search(_ query: ResourceQuery) async throws -> SearchResult
    /// Up to `limit` members of a group, after the position `after` of an earlier page.
    func members(ofGroup id: String, after: Int64?, limit: Int) async throws -> MemberPage
    /// Which of `candidates` are direct members of the group: an indexed lookup of just those ids.
    func memberIDs(ofGroup id: String, among candidates: [String]) async throws -> Set<String>
    /// The groups each of `ids` belongs to directly.
    func groups(of ids: [String]) async throws -> [String: [ResourceReference]]
    /// A user and the groups it belongs to, read together: the shape of every `GET /Users/{id}`.
    func fetchUserWithGroups(id: String) async throws -> (user: StoredResource, groups: [ResourceReference])?

    /// Whether the database answers and every migration has been applied (for `/readyz`).
    func isReady() async -> Bool

    func insertToken(_ token: TokenRecord) async throws
    func token(withHash hash: String) async throws -> TokenRecord?
    func tokens() async throws -> [TokenRecord]
    func setTokenStatus(id: String, status: TokenStatus) async throws -> Bool
    func deleteToken(id: String) async throws -> Bool
    func recordTokenUse(id: String, at time: Date) async throws
}

extension Store {
    /// Two reads; a store that can do both in one overrides this.
    public func fetchUserWithGroups(id: String) async throws -> (user: StoredResource, groups: [ResourceReference])? {
        guard let user = try await fetch(.user, id: id) else { return nil }
        return (user, try await groups(of: [id])[id] ?? [])
    }

    /// Every member of a group, read page by page.
    public func allMembers(ofGroup id: String) async throws -> [ResourceReference] {
        var result: [ResourceReference] = []
        var after: Int64?
        repeat {
            let page = try await members(ofGroup: id, after: after, limit: 1000)
            result += page.members
            after = page.next
        } while after != nil
        return result
    }
}
