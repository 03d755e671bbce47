import Directory
import Foundation
import RosterTestSupport
import SCIMCore
import SQLiteStore
import Synchronization
import Testing

/// A real store that counts how often a group's member list is read, to show which operations never read it.
final class MemberReadCountingStore: ForwardingStore, Sendable {
    let base: any Store
    let memberPageReads = Mutex(0)

    init(_ base: any Store) { self.base = base }

    func members(ofGroup id: String, after: Int64?, limit: Int) async throws -> MemberPage {
        memberPageReads.withLock { $0 += 1 }
        return try await base.members(ofGroup: id, after: after, limit: limit)
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
