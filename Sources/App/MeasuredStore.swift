import Directory
import Foundation
import SCIMCore

extension Stores {
    /// These stores with the operations of the request path (resources and tokens) recorded in `metrics`.
    func measured(_ metrics: StoreMetrics) -> Stores {
        var measured = self
        measured.resources = MeasuredResources(base: resources, metrics: metrics)
        measured.tokens = MeasuredTokens(base: tokens, metrics: metrics)
        let isReady = self.isReady
        measured.isReady = { await metrics.measure(.isReady) { await isReady() } }
        return measured
    }
}

/// A resource store whose every operation is recorded in `StoreMetrics`.
struct MeasuredResources: ResourceStore {
    let base: any ResourceStore
    let metrics: StoreMetrics

    func insert(_ resource: StoredResource, members: [String], events: [NewEvent], in organization: OrganizationKey)
        async throws
    {
        try await metrics.measure(.insert) {
            try await base.insert(resource, members: members, events: events, in: organization)
        }
    }

    func insertEach(_ resources: [StoredResource], events: [[NewEvent]], in organization: OrganizationKey)
        async throws -> [(any Error)?]
    {
        try await metrics.measure(.insertMany) {
            try await base.insertEach(resources, events: events, in: organization)
        }
    }

    func insertMany(_ resources: [StoredResource], in organization: OrganizationKey) async throws {
        try await metrics.measure(.insertMany) { try await base.insertMany(resources, in: organization) }
    }

    func fetchUserWithGroups(id: String, in organization: OrganizationKey) async throws
        -> (user: StoredResource, groups: [ResourceReference])?
    {
        try await metrics.measure(.fetch) { try await base.fetchUserWithGroups(id: id, in: organization) }
    }

    func fetch(_ kind: ResourceKind, id: String, in organization: OrganizationKey) async throws -> StoredResource? {
        try await metrics.measure(.fetch) { try await base.fetch(kind, id: id, in: organization) }
    }

    func update(
        _ resource: StoredResource, expectedVersion: Int, members: MembershipChange, events: [NewEvent],
        in organization: OrganizationKey
    ) async throws -> Bool {
        try await metrics.measure(.update) {
            try await base.update(
                resource, expectedVersion: expectedVersion, members: members, events: events, in: organization)
        }
    }

    func changeMembers(
        ofGroup id: String, _ change: MembershipChange, modified: Date, events: [NewEvent],
        in organization: OrganizationKey
    ) async throws -> Int? {
        try await metrics.measure(.changeMembers) {
            try await base.changeMembers(ofGroup: id, change, modified: modified, events: events, in: organization)
        }
    }

    func delete(
        _ kind: ResourceKind, id: String, expectedVersion: Int?, events: [NewEvent], in organization: OrganizationKey
    ) async throws -> Bool {
        try await metrics.measure(.delete) {
            try await base.delete(kind, id: id, expectedVersion: expectedVersion, events: events, in: organization)
        }
    }

    func search(_ query: ResourceQuery) async throws -> SearchResult {
        try await metrics.measure(.search) { try await base.search(query) }
    }

    func members(ofGroup id: String, after: Int64?, limit: Int, in organization: OrganizationKey) async throws
        -> MemberPage
    {
        try await metrics.measure(.members) {
            try await base.members(ofGroup: id, after: after, limit: limit, in: organization)
        }
    }

    func memberIDs(ofGroup id: String, among candidates: [String], in organization: OrganizationKey) async throws
        -> Set<String>
    {
        try await metrics.measure(.memberIDs) {
            try await base.memberIDs(ofGroup: id, among: candidates, in: organization)
        }
    }

    func groups(of ids: [String], in organization: OrganizationKey) async throws -> [String: [ResourceReference]] {
        try await metrics.measure(.groups) { try await base.groups(of: ids, in: organization) }
    }
}

/// A token store whose every operation is recorded in `StoreMetrics`.
struct MeasuredTokens: TokenStore {
    let base: any TokenStore
    let metrics: StoreMetrics

    func insertToken(_ token: TokenRecord) async throws {
        try await metrics.measure(.insertToken) { try await base.insertToken(token) }
    }

    func token(withHash hash: String) async throws -> TokenRecord? {
        try await metrics.measure(.token) { try await base.token(withHash: hash) }
    }

    func token(id: String) async throws -> TokenRecord? {
        try await metrics.measure(.token) { try await base.token(id: id) }
    }

    func tokens(in organization: OrganizationKey?) async throws -> [TokenRecord] {
        try await metrics.measure(.tokens) { try await base.tokens(in: organization) }
    }

    func setTokenStatus(id: String, status: TokenStatus, in organization: OrganizationKey) async throws -> Bool {
        try await metrics.measure(.setTokenStatus) {
            try await base.setTokenStatus(id: id, status: status, in: organization)
        }
    }

    func replaceTokenSecret(id: String, hash: String, prefix: String, in organization: OrganizationKey) async throws
        -> Bool
    {
        try await metrics.measure(.replaceTokenSecret) {
            try await base.replaceTokenSecret(id: id, hash: hash, prefix: prefix, in: organization)
        }
    }

    func deleteToken(id: String, in organization: OrganizationKey) async throws -> Bool {
        try await metrics.measure(.deleteToken) { try await base.deleteToken(id: id, in: organization) }
    }

    func recordTokenUse(id: String, at time: Date) async throws {
        try await metrics.measure(.recordTokenUse) { try await base.recordTokenUse(id: id, at: time) }
    }
}
