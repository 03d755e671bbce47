import Foundation
import SCIMCore

/// A store that passes every call to another: wrappers (metrics, test probes) implement only what they change.
public protocol ForwardingStore: Store {
    var base: any Store { get }
}

extension ForwardingStore {
    public func insert(_ resource: StoredResource, members: [String]) async throws {
        try await base.insert(resource, members: members)
    }
    public func insertMany(_ resources: [StoredResource]) async throws { try await base.insertMany(resources) }
    public func fetch(_ kind: ResourceKind, id: String) async throws -> StoredResource? {
        try await base.fetch(kind, id: id)
    }
    public func update(_ resource: StoredResource, expectedVersion: Int, members: MembershipChange) async throws
        -> Bool
    {
        try await base.update(resource, expectedVersion: expectedVersion, members: members)
    }
    public func changeMembers(ofGroup id: String, _ change: MembershipChange, modified: Date) async throws -> Int? {
        try await base.changeMembers(ofGroup: id, change, modified: modified)
    }
    public func delete(_ kind: ResourceKind, id: String, expectedVersion: Int?) async throws -> Bool {
        try await base.delete(kind, id: id, expectedVersion: expectedVersion)
    }
    public func search(_ query: ResourceQuery) async throws -> SearchResult {
        try await base.search(query)
    }
    public func members(ofGroup id: String, after: Int64?, limit: Int) async throws -> MemberPage {
        try await base.members(ofGroup: id, after: after, limit: limit)
    }
    public func memberIDs(ofGroup id: String, among candidates: [String]) async throws -> Set<String> {
        try await base.memberIDs(ofGroup: id, among: candidates)
    }
    public func groups(of ids: [String]) async throws -> [String: [ResourceReference]] {
        try await base.groups(of: ids)
    }
    public func fetchUserWithGroups(id: String) async throws -> (user: StoredResource, groups: [ResourceReference])? {
        try await base.fetchUserWithGroups(id: id)
    }
    public func isReady() async -> Bool { await base.isReady() }
    public func insertToken(_ token: TokenRecord) async throws { try await base.insertToken(token) }
    public func token(withHash hash: String) async throws -> TokenRecord? { try await base.token(withHash: hash) }
    public func tokens() async throws -> [TokenRecord] { try await base.tokens() }
    public func setTokenStatus(id: String, status: TokenStatus) async throws -> Bool {
        try await base.setTokenStatus(id: id, status: status)
    }
    public func deleteToken(id: String) async throws -> Bool { try await base.deleteToken(id: id) }
    public func recordTokenUse(id: String, at time: Date) async throws {
        try await base.recordTokenUse(id: id, at: time)
    }
    public func adminCount() async throws -> Int { try await base.adminCount() }
    public func insertAdmin(_ admin: AdminAccount) async throws { try await base.insertAdmin(admin) }
    public func admin(username: String) async throws -> AdminAccount? { try await base.admin(username: username) }
    public func admin(id: String) async throws -> AdminAccount? { try await base.admin(id: id) }
    public func insertSession(_ session: AdminSession) async throws { try await base.insertSession(session) }
    public func session(withHash hash: String) async throws -> AdminSession? {
        try await base.session(withHash: hash)
    }
    public func deleteSession(withHash hash: String) async throws { try await base.deleteSession(withHash: hash) }
    public func deleteSessions(expiredBefore time: Date) async throws {
        try await base.deleteSessions(expiredBefore: time)
    }
    public func setting(_ key: String) async throws -> String? { try await base.setting(key) }
    public func setSetting(_ key: String, to value: String?) async throws { try await base.setSetting(key, to: value) }
    public func record(_ events: [ActivityEvent]) async throws { try await base.record(events) }
    public func activity(_ query: ActivityQuery) async throws -> [ActivityEvent] { try await base.activity(query) }
    public func deleteActivity(before time: Date) async throws -> Int { try await base.deleteActivity(before: time) }
    public func provenance(of resourceID: String) async throws -> Provenance? {
        try await base.provenance(of: resourceID)
    }
    public func token(id: String) async throws -> TokenRecord? { try await base.token(id: id) }
    public func replaceTokenSecret(id: String, hash: String, prefix: String) async throws -> Bool {
        try await base.replaceTokenSecret(id: id, hash: hash, prefix: prefix)
    }
    public func customFields() async throws -> [CustomField] { try await base.customFields() }
    public func insertCustomField(_ field: CustomField) async throws { try await base.insertCustomField(field) }
    public func updateCustomField(_ field: CustomField) async throws -> Bool {
        try await base.updateCustomField(field)
    }
    public func deleteCustomField(id: String) async throws -> Bool { try await base.deleteCustomField(id: id) }
}
