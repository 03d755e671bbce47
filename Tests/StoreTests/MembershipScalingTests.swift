import Directory
import Foundation
import RosterTestSupport
import SCIMCore
import SQLiteStore
import Synchronization
import Testing

/// A real store that counts how often a group's member list is read, to show which operations never read it.
final class MemberReadCountingStore: Store, Sendable {
    let base: any Store
    let memberPageReads = Mutex(0)

    init(_ base: any Store) { self.base = base }

    func members(ofGroup id: String, after: Int64?, limit: Int) async throws -> MemberPage {
        memberPageReads.withLock { $0 += 1 }
        return try await base.members(ofGroup: id, after: after, limit: limit)
    }

    func insert(_ resource: StoredResource, members: [String]) async throws {
        try await base.insert(resource, members: members)
    }
    func insertMany(_ resources: [StoredResource]) async throws { try await base.insertMany(resources) }
    func fetch(_ kind: ResourceKind, id: String) async throws -> StoredResource? { try await base.fetch(kind, id: id) }
    func update(_ resource: StoredResource, expectedVersion: Int, members: MembershipChange) async throws -> Bool {
        try await base.update(resource, expectedVersion: expectedVersion, members: members)
    }
    func changeMembers(ofGroup id: String, _ change: MembershipChange, modified: Date) async throws -> Int? {
        try await base.changeMembers(ofGroup: id, change, modified: modified)
    }
    func delete(_ kind: ResourceKind, id: String, expectedVersion: Int?) async throws -> Bool {
        try await base.delete(kind, id: id, expectedVersion: expectedVersion)
    }
    func search(_ query: ResourceQuery) async throws -> (total: Int, resources: [StoredResource]) {
        try await base.search(query)
    }
    func memberIDs(ofGroup id: String, among candidates: [String]) async throws -> Set<String> {
        try await base.memberIDs(ofGroup: id, among: candidates)
    }
    func groups(of ids: [String]) async throws -> [String: [ResourceReference]] { try await base.groups(of: ids) }
    func isReady() async -> Bool { await base.isReady() }
    func insertToken(_ token: TokenRecord) async throws { try await base.insertToken(token) }
    func token(withHash hash: String) async throws -> TokenRecord? { try await base.token(withHash: hash) }
    func tokens() async throws -> [TokenRecord] { try await base.tokens() }
    func setTokenStatus(id: String, status: TokenStatus) async throws -> Bool {
        try await base.setTokenStatus(id: id, status: status)
    }
    func deleteToken(id: String) async throws -> Bool { try await base.deleteToken(id: id) }
    func recordTokenUse(id: String, at time: Date) async throws { try await base.recordTokenUse(id: id, at: time) }
    func adminCount() async throws -> Int { try await base.adminCount() }
    func insertAdmin(_ admin: AdminAccount) async throws { try await base.insertAdmin(admin) }
    func admin(username: String) async throws -> AdminAccount? { try await base.admin(username: username) }
    func admin(id: String) async throws -> AdminAccount? { try await base.admin(id: id) }
    func insertSession(_ session: AdminSession) async throws { try await base.insertSession(session) }
    func session(withHash hash: String) async throws -> AdminSession? { try await base.session(withHash: hash) }
    func deleteSession(withHash hash: String) async throws { try await base.deleteSession(withHash: hash) }
    func deleteSessions(expiredBefore time: Date) async throws { try await base.deleteSessions(expiredBefore: time) }
    func setting(_ key: String) async throws -> String? { try await base.setting(key) }
    func setSetting(_ key: String, to value: String?) async throws { try await base.setSetting(key, to: value) }
    func record(_ events: [ActivityEvent]) async throws { try await base.record(events) }
    func activity(_ query: ActivityQuery) async throws -> [ActivityEvent] { try await base.activity(query) }
    func deleteActivity(before time: Date) async throws -> Int { try await base.deleteActivity(before: time) }
    func provenance(of resourceID: String) async throws -> Provenance? { try await base.provenance(of: resourceID) }
    func token(id: String) async throws -> TokenRecord? { try await base.token(id: id) }
    func replaceTokenSecret(id: String, hash: String, prefix: String) async throws -> Bool {
        try await base.replaceTokenSecret(id: id, hash: hash, prefix: prefix)
    }
    func customFields() async throws -> [CustomField] { try await base.customFields() }
    func insertCustomField(_ field: CustomField) async throws { try await base.insertCustomField(field) }
    func updateCustomField(_ field: CustomField) async throws -> Bool { try await base.updateCustomField(field) }
    func deleteCustomField(id: String) async throws -> Bool { try await base.deleteCustomField(id: id) }
}

/// Membership changes touch the rows they name and never read the whole member list (issue: 22 s to add one
/// member to a 1,300-member group elsewhere, because each change rewrote the list).
@Suite struct MembershipScalingTests {
    static let withoutMembers = Projection(attributes: [], excludedAttributes: [AttributePath(name: "members")])

    static func patch(_ operations: String) throws -> JSON {
        try JSON.parse(
            Array(#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[\#(operations)]}"#.utf8))
    }

    @Test(arguments: StoreBackend.available)
    func memberPatchesOfEveryProviderDialectNeverReadTheMemberList(backend: StoreBackend) async throws {
        try await backend.withStore { base in try await Self.checkNoMemberListReads(MemberReadCountingStore(base)) }
    }

    static func checkNoMemberListReads(_ store: MemberReadCountingStore) async throws {
        let directory = Directory(store: store, baseURL: "https://roster.example.com/scim/v2")
        var ids: [String] = []
        for index in 0..<50 {
            let user = try await directory.create(.user, body: .object(["userName": .string("u\(index)")]))
            ids.append(try #require(user.representation["id"]?.stringValue))
        }
        let group = try await directory.create(
            .group,
            body: .object([
                "displayName": "Big", "members": .array(ids.dropLast().map { .object(["value": .string($0)]) }),
            ]),
            projection: withoutMembers)
        let groupID = try #require(group.representation["id"]?.stringValue)
        let newcomer = ids[49]
        let dialects = [
            #"{"op":"add","path":"members","value":[{"value":"\#(newcomer)","display":"u49"}]}"#,
            #"{"op":"remove","path":"members[value eq \"\#(newcomer)\"]"}"#,
            #"{"op":"Add","path":"members","value":[{"$ref":null,"value":"\#(newcomer)"}]}"#,
            #"{"op":"Remove","path":"members","value":[{"$ref":null,"value":"\#(newcomer)"}]}"#,
            #"{"op":"replace","value":{"id":"\#(groupID)","displayName":"Big"}}"#,
            #"{"op":"replace","path":"displayName","value":"Bigger"}"#,
        ]
        store.memberPageReads.withLock { $0 = 0 }
        for operation in dialects {
            _ = try await directory.patch(.group, id: groupID, body: try patch(operation), projection: withoutMembers)
        }
        #expect(store.memberPageReads.withLock { $0 } == 0)
        let members = try await store.base.allMembers(ofGroup: groupID)
        #expect(members.count == 49)
        #expect(!members.contains { $0.id == newcomer })
    }
}
