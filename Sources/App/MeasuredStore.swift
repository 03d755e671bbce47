import Directory
import Foundation
import SCIMCore

/// A store that records every operation of the store it wraps in `StoreMetrics`.
struct MeasuredStore: ForwardingStore {
    let base: any Store
    let metrics: StoreMetrics

    func insert(_ resource: StoredResource, members: [String]) async throws {
        try await metrics.measure(.insert) { try await base.insert(resource, members: members) }
    }

    func insertMany(_ resources: [StoredResource]) async throws {
        try await metrics.measure(.insertMany) { try await base.insertMany(resources) }
    }

    func fetchUserWithGroups(id: String) async throws -> (user: StoredResource, groups: [ResourceReference])? {
        try await metrics.measure(.fetch) { try await base.fetchUserWithGroups(id: id) }
    }

    func fetch(_ kind: ResourceKind, id: String) async throws -> StoredResource? {
        try await metrics.measure(.fetch) { try await base.fetch(kind, id: id) }
    }

    func update(_ resource: StoredResource, expectedVersion: Int, members: MembershipChange) async throws -> Bool {
        try await metrics.measure(.update) {
            try await base.update(resource, expectedVersion: expectedVersion, members: members)
        }
    }

    func changeMembers(ofGroup id: String, _ change: MembershipChange, modified: Date) async throws -> Int? {
        try await metrics.measure(.changeMembers) {
            try await base.changeMembers(ofGroup: id, change, modified: modified)
        }
    }

    func delete(_ kind: ResourceKind, id: String, expectedVersion: Int?) async throws -> Bool {
        try await metrics.measure(.delete) { try await base.delete(kind, id: id, expectedVersion: expectedVersion) }
    }

    func search(_ query: ResourceQuery) async throws -> SearchResult {
        try await metrics.measure(.search) { try await base.search(query) }
    }

    func members(ofGroup id: String, after: Int64?, limit: Int) async throws -> MemberPage {
        try await metrics.measure(.members) { try await base.members(ofGroup: id, after: after, limit: limit) }
    }

    func memberIDs(ofGroup id: String, among candidates: [String]) async throws -> Set<String> {
        try await metrics.measure(.memberIDs) { try await base.memberIDs(ofGroup: id, among: candidates) }
    }

    func groups(of ids: [String]) async throws -> [String: [ResourceReference]] {
        try await metrics.measure(.groups) { try await base.groups(of: ids) }
    }

    func isReady() async -> Bool {
        await metrics.measure(.isReady) { await base.isReady() }
    }

    func insertToken(_ token: TokenRecord) async throws {
        try await metrics.measure(.insertToken) { try await base.insertToken(token) }
    }

    func token(withHash hash: String) async throws -> TokenRecord? {
        try await metrics.measure(.token) { try await base.token(withHash: hash) }
    }

    func tokens() async throws -> [TokenRecord] {
        try await metrics.measure(.tokens) { try await base.tokens() }
    }

    func setTokenStatus(id: String, status: TokenStatus) async throws -> Bool {
        try await metrics.measure(.setTokenStatus) { try await base.setTokenStatus(id: id, status: status) }
    }

    func deleteToken(id: String) async throws -> Bool {
        try await metrics.measure(.deleteToken) { try await base.deleteToken(id: id) }
    }

    func recordTokenUse(id: String, at time: Date) async throws {
        try await metrics.measure(.recordTokenUse) { try await base.recordTokenUse(id: id, at: time) }
    }
}
