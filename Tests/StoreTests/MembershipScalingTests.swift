import Directory
import Foundation
import RosterTestSupport
import SCIMCore
import SQLiteStore
import Synchronization
import Testing

/// A real resource store that counts how often a group's member list is read, to show which operations never
/// read it.
final class MemberReadCountingStore: ResourceStore, Sendable {
    let base: any ResourceStore
    let memberPageReads = Mutex(0)

    init(_ base: any ResourceStore) { self.base = base }

    func members(ofGroup id: String, after: Int64?, limit: Int, in organization: OrganizationKey) async throws
        -> MemberPage
    {
        memberPageReads.withLock { $0 += 1 }
        return try await base.members(ofGroup: id, after: after, limit: limit, in: organization)
    }

    func insert(_ resource: StoredResource, members: [String], events: [NewEvent], in organization: OrganizationKey)
        async throws
    {
        try await base.insert(resource, members: members, events: events, in: organization)
    }
    func insertMany(_ resources: [StoredResource], in organization: OrganizationKey) async throws {
        try await base.insertMany(resources, in: organization)
    }
    func fetch(_ kind: ResourceKind, id: String, in organization: OrganizationKey) async throws -> StoredResource? {
        try await base.fetch(kind, id: id, in: organization)
    }
    func fetchUserWithGroups(id: String, in organization: OrganizationKey) async throws
        -> (user: StoredResource, groups: [ResourceReference])?
    {
        try await base.fetchUserWithGroups(id: id, in: organization)
    }
    func update(
        _ resource: StoredResource, expectedVersion: Int, members: MembershipChange, events: [NewEvent],
        in organization: OrganizationKey
    ) async throws -> Bool {
        try await base.update(
            resource, expectedVersion: expectedVersion, members: members, events: events, in: organization)
    }
    func changeMembers(
        ofGroup id: String, _ change: MembershipChange, modified: Date, events: [NewEvent],
        in organization: OrganizationKey
    ) async throws -> Int? {
        try await base.changeMembers(ofGroup: id, change, modified: modified, events: events, in: organization)
    }
    func delete(
        _ kind: ResourceKind, id: String, expectedVersion: Int?, events: [NewEvent], in organization: OrganizationKey
    ) async throws -> Bool {
        try await base.delete(kind, id: id, expectedVersion: expectedVersion, events: events, in: organization)
    }
    func search(_ query: ResourceQuery) async throws -> SearchResult { try await base.search(query) }
    func memberIDs(ofGroup id: String, among candidates: [String], in organization: OrganizationKey) async throws
        -> Set<String>
    {
        try await base.memberIDs(ofGroup: id, among: candidates, in: organization)
    }
    func groups(of ids: [String], in organization: OrganizationKey) async throws -> [String: [ResourceReference]] {
        try await base.groups(of: ids, in: organization)
    }
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
        try await backend.withStore { base in
            var stores = base
            let counting = MemberReadCountingStore(base.resources)
            stores.resources = counting
            try await Self.checkNoMemberListReads(counting, directory: stores.organizations().defaultDirectory)
        }
    }

    static func checkNoMemberListReads(_ store: MemberReadCountingStore, directory: Directory) async throws {
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
        let members = try await store.base.allMembers(ofGroup: groupID, in: .default)
        #expect(members.count == 49)
        #expect(!members.contains { $0.id == newcomer })
    }
}
