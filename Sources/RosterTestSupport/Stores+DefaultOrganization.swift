import Directory
import Foundation
import SCIMCore

/// The stores' operations on the default organization, for tests that are not about organizations: the same
/// calls as the stores', with the organization filled in.
extension Stores {
    public func insert(_ resource: StoredResource, members: [String], in organization: OrganizationKey = .default)
        async throws
    {
        try await resources.insert(resource, members: members, in: organization)
    }

    public func insertMany(_ many: [StoredResource], in organization: OrganizationKey = .default) async throws {
        try await resources.insertMany(many, in: organization)
    }

    public func fetch(_ kind: ResourceKind, id: String, in organization: OrganizationKey = .default) async throws
        -> StoredResource?
    {
        try await resources.fetch(kind, id: id, in: organization)
    }

    public func fetchUserWithGroups(id: String, in organization: OrganizationKey = .default) async throws
        -> (user: StoredResource, groups: [ResourceReference])?
    {
        try await resources.fetchUserWithGroups(id: id, in: organization)
    }

    public func update(
        _ resource: StoredResource, expectedVersion: Int, members: MembershipChange,
        in organization: OrganizationKey = .default
    ) async throws -> Bool {
        try await resources.update(resource, expectedVersion: expectedVersion, members: members, in: organization)
    }

    public func changeMembers(
        ofGroup id: String, _ change: MembershipChange, modified: Date, in organization: OrganizationKey = .default
    ) async throws -> Int? {
        try await resources.changeMembers(ofGroup: id, change, modified: modified, in: organization)
    }

    public func delete(
        _ kind: ResourceKind, id: String, expectedVersion: Int?, in organization: OrganizationKey = .default
    ) async throws -> Bool {
        try await resources.delete(kind, id: id, expectedVersion: expectedVersion, in: organization)
    }

    public func search(_ query: ResourceQuery) async throws -> SearchResult {
        try await resources.search(query)
    }

    public func members(ofGroup id: String, after: Int64?, limit: Int, in organization: OrganizationKey = .default)
        async throws -> MemberPage
    {
        try await resources.members(ofGroup: id, after: after, limit: limit, in: organization)
    }

    public func memberIDs(ofGroup id: String, among candidates: [String], in organization: OrganizationKey = .default)
        async throws -> Set<String>
    {
        try await resources.memberIDs(ofGroup: id, among: candidates, in: organization)
    }

    public func groups(of ids: [String], in organization: OrganizationKey = .default) async throws
        -> [String: [ResourceReference]]
    {
        try await resources.groups(of: ids, in: organization)
    }

    public func allMembers(ofGroup id: String, in organization: OrganizationKey = .default) async throws
        -> [ResourceReference]
    {
        try await resources.allMembers(ofGroup: id, in: organization)
    }

    public func tokens(in organization: OrganizationKey? = .default) async throws -> [TokenRecord] {
        try await tokens.tokens(in: organization)
    }

    public func customFields(in organization: OrganizationKey = .default) async throws -> [CustomField] {
        try await fields.customFields(in: organization)
    }

    public func insertToken(_ token: TokenRecord) async throws { try await tokens.insertToken(token) }

    public func token(withHash hash: String) async throws -> TokenRecord? { try await tokens.token(withHash: hash) }

    public func token(id: String) async throws -> TokenRecord? { try await tokens.token(id: id) }

    public func setTokenStatus(id: String, status: TokenStatus, in organization: OrganizationKey = .default)
        async throws -> Bool
    {
        try await tokens.setTokenStatus(id: id, status: status, in: organization)
    }

    public func deleteToken(id: String, in organization: OrganizationKey = .default) async throws -> Bool {
        try await tokens.deleteToken(id: id, in: organization)
    }

    public func recordTokenUse(id: String, at time: Date) async throws {
        try await tokens.recordTokenUse(id: id, at: time)
    }

    public func record(_ events: [ActivityEvent]) async throws { try await activity.record(events) }

    public func activity(_ query: ActivityQuery) async throws -> [ActivityEvent] {
        try await activity.activity(query)
    }

    public func provenance(of resourceID: String, in organization: OrganizationKey = .default) async throws
        -> Provenance?
    {
        try await activity.provenance(of: resourceID, in: organization)
    }

    /// The directory's rules over these stores, as a server at `baseURL` has them.
    public func organizations(baseURL: String = "https://roster.example.com/scim/v2") -> Organizations {
        Organizations(stores: self, baseURL: baseURL)
    }
}

extension ResourceQuery {
    /// A query of the default organization.
    public init(
        kind: ResourceKind, filter: Filter?, sort: Sort? = nil, page: Page, type: ResourceType? = nil,
        withGroups: Bool = false
    ) {
        self.init(
            organization: .default, kind: kind, filter: filter, sort: sort, page: page, type: type,
            withGroups: withGroups)
    }
}

extension TokenRecord {
    /// A token record of the default organization.
    public init(
        id: String, description: String, status: TokenStatus, hash: String, prefix: String, created: Date,
        lastUsed: Date? = nil
    ) {
        self.init(
            id: id, organization: .default, description: description, status: status, hash: hash, prefix: prefix,
            created: created, lastUsed: lastUsed)
    }
}
