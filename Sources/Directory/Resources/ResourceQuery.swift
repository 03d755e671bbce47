import Foundation
import SCIMCore

/// What a resource query asks a store for.
public struct ResourceQuery: Sendable, Hashable {
    /// The organization whose resources are searched; nothing of another is ever read.
    public var organization: OrganizationKey
    public var kind: ResourceKind
    public var filter: Filter?
    public var sort: Sort?
    public var page: Page
    /// The schemas filter and sort paths resolve against: the user type with custom fields, or the standard one.
    public var type: ResourceType
    /// Whether to read the groups each user on the page belongs to, with the page.
    public var withGroups: Bool
    /// The most bytes of stored bodies a page holds: past them it ends early (with at least one resource), so no
    /// list holds more than a few MiB whatever the resources' sizes. `itemsPerPage` tells the client.
    public var maxBytes: Int = Directory.Limits().maxPageBytes
    /// Keyset paging (cursors): the page is the `page.count` resources after this position in the query's order,
    /// or before it when reading backwards, instead of the ones at `page.offset`.
    public var seek: Seek?

    public init(
        organization: OrganizationKey, kind: ResourceKind, filter: Filter?, sort: Sort? = nil, page: Page,
        type: ResourceType? = nil, withGroups: Bool = false
    ) {
        self.organization = organization
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

/// Where a keyset page starts: after `position` in the query's order (the first page when nil), or, reading
/// backwards, before it.
public struct Seek: Sendable, Hashable {
    public var position: Keyset?
    public var backward: Bool

    public init(after position: Keyset?) {
        self.position = position
        self.backward = false
    }

    public init(before position: Keyset) {
        self.position = position
        self.backward = true
    }
}

/// A resource's place in a query's order: its sort key (when the query sorts) and its row's key, which breaks
/// ties. Stores compare positions in SQL, so each order has one answer to "what comes after".
public struct Keyset: Sendable, Hashable {
    public var sortValue: SortValue?
    public var row: Int64

    public init(sortValue: SortValue?, row: Int64) {
        self.sortValue = sortValue
        self.row = row
    }
}

/// A sort key as a store holds it; a resource without the attribute has `missing`, which sorts after every value
/// ascending and before every value descending (RFC 7644 §3.4.2.3).
public enum SortValue: Sendable, Hashable {
    case text(String)
    case integer(Int64)
    case real(Double)
    case missing
}

/// A page of a query's matches, the number of all matches and, when asked for, each user's groups.
public struct SearchResult: Sendable {
    public var total: Int
    public var resources: [StoredResource]
    /// The groups of each resource on the page, by id, when the query asked `withGroups`.
    public var groups: [String: [ResourceReference]]?
    /// For a keyset page: each resource's position, in the order of `resources`, and whether more matches lie
    /// beyond the page in the direction it was read.
    public var positions: [Keyset] = []
    public var more = false

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

/// A change to a group's members, applied row by row: `removed`, then `added`; with `exactly` (or `removeAll`,
/// which makes the members exactly `added`), what makes the members those, worked out by the store from the rows
/// in its transaction.
public struct MembershipChange: Sendable, Hashable {
    public var removeAll: Bool
    public var added: [String]
    public var removed: [String]
    /// The whole new member list of a replacement: the store applies it against the rows as they are when it
    /// writes (a member added by another request since `added` and `removed` were worked out goes too).
    public var exactly: [String]?
    /// How the rows actually added and removed are told as events (see `MembershipEvents`).
    public var told: MembershipEvents?

    public init(removeAll: Bool = false, added: [String] = [], removed: [String] = []) {
        self.removeAll = removeAll
        self.added = added
        self.removed = removed
    }

    /// Whether the store must read the members the group has to apply this change.
    public var needsCurrentMembers: Bool { exactly != nil || removeAll }

    /// The rows to remove and add for a group whose members are now `current`: what `exactly` asks, or, after
    /// `removeAll`, exactly `added`.
    public func resolved(against current: [String]) -> MembershipChange {
        guard let exactly = exactly ?? (removeAll ? added : nil) else { return self }
        let now = Set(current)
        let wanted = Set(exactly)
        var change = self
        change.exactly = nil
        change.removeAll = false
        change.added = exactly.filter { !now.contains($0) }
        change.removed = current.filter { !wanted.contains($0) }
        return change
    }

    /// The events telling the rows a store actually added and removed.
    public func events(added: [String], removed: [String]) -> [NewEvent] {
        told?.events(added: added, removed: removed) ?? []
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
