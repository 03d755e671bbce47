import Foundation
import SCIMCore

/// Users, groups and their memberships, each kept in one organization: every requirement names the organization,
/// and nothing of another is read, counted, changed or referenced.
///
/// Stores throw `SCIMError.uniqueness` when a unique key is taken in the organization and `SCIMError.invalidValue`
/// for a member id that names nothing in it; anything else they throw is unexpected and becomes a 500.
public protocol ResourceStore: Sendable {
    /// Inserts a new resource and, for a group, its members, in one transaction with the events that tell it
    /// (each write below writes its `events` in its transaction, numbered in the organization's sequence).
    func insert(_ resource: StoredResource, members: [String], events: [NewEvent], in organization: OrganizationKey)
        async throws
    /// Inserts new resources without members, each on its own: one whose unique key is taken is not inserted, and
    /// its place in the answer holds the error `insert` would have thrown (nil for each that was inserted). A
    /// store that can write them in one round of statements overrides the default, which inserts them at once.
    /// `events[i]` tells `resources[i]` and is written only if it is.
    func insertEach(_ resources: [StoredResource], events: [[NewEvent]], in organization: OrganizationKey)
        async throws -> [(any Error)?]
    /// Inserts many resources in one transaction, without events: the seeding path for tests and benchmarks.
    func insertMany(_ resources: [StoredResource], in organization: OrganizationKey) async throws
    func fetch(_ kind: ResourceKind, id: String, in organization: OrganizationKey) async throws -> StoredResource?
    /// A user and the groups it belongs to, read together: the shape of every `GET /Users/{id}`.
    func fetchUserWithGroups(id: String, in organization: OrganizationKey) async throws
        -> (user: StoredResource, groups: [ResourceReference])?
    /// Writes `resource` if the stored version is still `expectedVersion`; false when it is not (or is gone).
    func update(
        _ resource: StoredResource, expectedVersion: Int, members: MembershipChange, events: [NewEvent],
        in organization: OrganizationKey
    ) async throws -> Bool
    /// Applies a membership change and gives the group a new version and modification time, whatever its current
    /// version: membership rows commute with other writes, so concurrent member changes never conflict. Returns
    /// the new version, or nil when the group is gone.
    func changeMembers(
        ofGroup id: String, _ change: MembershipChange, modified: Date, events: [NewEvent],
        in organization: OrganizationKey
    ) async throws -> Int?
    /// Deletes a resource (at `expectedVersion`, when given) with its memberships; false when it is not there
    /// at that version. Groups it belonged to get a new version, since their members changed.
    func delete(
        _ kind: ResourceKind, id: String, expectedVersion: Int?, events: [NewEvent], in organization: OrganizationKey
    ) async throws -> Bool
    /// One page of matching resources of `query.organization` in a stable order, and the number of all matches.
    func search(_ query: ResourceQuery) async throws -> SearchResult
    /// Up to `limit` members of a group, after the position `after` of an earlier page.
    func members(ofGroup id: String, after: Int64?, limit: Int, in organization: OrganizationKey) async throws
        -> MemberPage
    /// Which of `candidates` are direct members of the group: an indexed lookup of just those ids.
    func memberIDs(ofGroup id: String, among candidates: [String], in organization: OrganizationKey) async throws
        -> Set<String>
    /// The groups each of `ids` belongs to directly.
    func groups(of ids: [String], in organization: OrganizationKey) async throws -> [String: [ResourceReference]]
}

extension ResourceStore {
    public func insertEach(_ resources: [StoredResource], events: [[NewEvent]], in organization: OrganizationKey)
        async throws -> [(any Error)?]
    {
        await withTaskGroup(of: (Int, (any Error)?).self) { group in
            for (index, resource) in resources.enumerated() {
                group.addTask {
                    do {
                        try await insert(resource, members: [], events: events[index], in: organization)
                        return (index, nil)
                    } catch {
                        return (index, error)
                    }
                }
            }
            var errors = [(any Error)?](repeating: nil, count: resources.count)
            for await (index, error) in group { errors[index] = error }
            return errors
        }
    }

    /// Two reads; a store that can do both in one overrides this.
    public func fetchUserWithGroups(id: String, in organization: OrganizationKey) async throws
        -> (user: StoredResource, groups: [ResourceReference])?
    {
        guard let user = try await fetch(.user, id: id, in: organization) else { return nil }
        return (user, try await groups(of: [id], in: organization)[id] ?? [])
    }

    /// Every member of a group, read page by page.
    public func allMembers(ofGroup id: String, in organization: OrganizationKey) async throws -> [ResourceReference] {
        var result: [ResourceReference] = []
        var after: Int64?
        repeat {
            let page = try await members(ofGroup: id, after: after, limit: 1000, in: organization)
            result += page.members
            after = page.next
        } while after != nil
        return result
    }
}

/// The writes without events: what tests and seeding use where no change is told.
extension ResourceStore {
    public func insert(_ resource: StoredResource, members: [String], in organization: OrganizationKey) async throws {
        try await insert(resource, members: members, events: [], in: organization)
    }

    public func update(
        _ resource: StoredResource, expectedVersion: Int, members: MembershipChange, in organization: OrganizationKey
    ) async throws -> Bool {
        try await update(resource, expectedVersion: expectedVersion, members: members, events: [], in: organization)
    }

    public func changeMembers(
        ofGroup id: String, _ change: MembershipChange, modified: Date, in organization: OrganizationKey
    ) async throws -> Int? {
        try await changeMembers(ofGroup: id, change, modified: modified, events: [], in: organization)
    }

    public func delete(_ kind: ResourceKind, id: String, expectedVersion: Int?, in organization: OrganizationKey)
        async throws -> Bool
    {
        try await delete(kind, id: id, expectedVersion: expectedVersion, events: [], in: organization)
    }
}
