import Directory
import Foundation
import HTTPTypes
import Hummingbird
import SCIMCore
import Testing

/// Groups and the membership dialects of Okta Group Push and Entra ID (idp-behaviour.md §1.8, §2.3).
@Suite struct GroupTests {
    static func patch(_ operations: String) -> String {
        #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[\#(operations)]}"#
    }

    static func memberIDs(_ reply: SCIMReply) -> [String] {
        reply["members"]?.arrayValue?.compactMap { $0["value"]?.stringValue } ?? []
    }

    @Test func oktaGroupPushLooksUpCreatesReadsAndPuts() async throws {
        try await TestServer.run { _, client in
            let alice = try await client.createUser("alice@example.com")
            let lookup = try await client.get(#"Groups?filter=displayName%20eq%20%22Test%20SCIMv2%22"#)
            #expect(lookup["totalResults"] == 0)
            let created = try await client.post(
                "Groups",
                #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Test SCIMv2","members":[]}"#
            )
            #expect(created.status == 201)
            #expect(created["meta"]?["resourceType"] == "Group")
            let id = try #require(created["id"]?.stringValue)
            let put = try await client.put(
                "Groups/\(id)",
                #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Test SCIMv2","#
                    + #""members":[{"value":"\#(alice)","display":"alice@example.com"}]}"#)
            #expect(put.status == 200, "\(put.text)")
            let members = try #require(put["members"]?.arrayValue)
            #expect(members.count == 1)
            #expect(members.first?["value"] == .string(alice))
            #expect(members.first?["display"] == "alice@example.com")
            #expect(members.first?["type"] == "User")
            #expect(members.first?["$ref"] == .string("\(TestServer.scimBase)/Users/\(alice)"))
            let found = try await client.get(#"Groups?filter=displayName+eq+%22test+scimv2%22"#)
            #expect(found["totalResults"] == 1)
            let user = try await client.get("Users/\(alice)")
            #expect(user["groups"]?.arrayValue?.first?["value"] == .string(id))
            #expect(user["groups"]?.arrayValue?.first?["type"] == "direct")
        }
    }

    /// Okta OIN renames with a pathless replace whose value carries the group's own `id`.
    @Test func oktaPathlessReplaceWithIdRenamesTheGroup() async throws {
        try await TestServer.run { _, client in
            let id = try await client.createGroup("Old name")
            let reply = try await client.patch(
                "Groups/\(id)", Self.patch(#"{"op":"replace","value":{"id":"\#(id)","displayName":"New name"}}"#))
            #expect(reply.status == 204, "\(reply.text)")
            #expect(try await client.get("Groups/\(id)")["displayName"] == "New name")
        }
    }

    @Test func oktaRemoveByFilterAndAddInOneRequest() async throws {
        try await TestServer.run { _, client in
            let alice = try await client.createUser("alice@example.com")
            let bob = try await client.createUser("bob@example.com")
            let id = try await client.createGroup("Team", members: [alice])
            let reply = try await client.patch(
                "Groups/\(id)",
                Self.patch(
                    #"{"op":"remove","path":"members[value eq \"\#(alice)\"]"},"#
                        + #"{"op":"add","path":"members","value":[{"value":"\#(bob)","display":"bob@example.com"}]}"#))
            #expect(reply.status == 204)
            #expect(Self.memberIDs(try await client.get("Groups/\(id)")) == [bob])
        }
    }

    @Test func addingAnExistingMemberIsANoOp() async throws {
        try await TestServer.run { _, client in
            let alice = try await client.createUser("alice@example.com")
            let id = try await client.createGroup("Team", members: [alice])
            let add = Self.patch(#"{"op":"add","path":"members","value":[{"value":"\#(alice)"}]}"#)
            #expect(try await client.patch("Groups/\(id)", add).status == 204)
            #expect(Self.memberIDs(try await client.get("Groups/\(id)")) == [alice])
        }
    }

    /// Entra ID's legacy removal lists the members to remove under `path: members`; only those go.
    @Test func entraRemoveWithValueListRemovesOnlyTheListedMembers() async throws {
        try await TestServer.run { _, client in
            let alice = try await client.createUser("alice@example.com")
            let bob = try await client.createUser("bob@example.com")
            let carol = try await client.createUser("carol@example.com")
            let id = try await client.createGroup("Team", members: [alice, bob, carol])
            let reply = try await client.patch(
                "Groups/\(id)",
                Self.patch(#"{"op":"Remove","path":"members","value":[{"$ref":null,"value":"\#(bob)"}]}"#))
            #expect(reply.status == 204, "\(reply.text)")
            #expect(Self.memberIDs(try await client.get("Groups/\(id)")) == [alice, carol])
        }
    }

    @Test func entraAddWithNullRefAddsTheMember() async throws {
        try await TestServer.run { _, client in
            let alice = try await client.createUser("alice@example.com")
            let id = try await client.createGroup("Team")
            let reply = try await client.patch(
                "Groups/\(id)",
                Self.patch(#"{"op":"Add","path":"members","value":[{"$ref":null,"value":"\#(alice)"}]}"#))
            #expect(reply.status == 204, "\(reply.text)")
            #expect(Self.memberIDs(try await client.get("Groups/\(id)")) == [alice])
        }
    }

    @Test func pushNowReplacesTheWholeMemberList() async throws {
        try await TestServer.run { _, client in
            let alice = try await client.createUser("alice@example.com")
            let bob = try await client.createUser("bob@example.com")
            let id = try await client.createGroup("Team", members: [alice])
            let replace = Self.patch(#"{"op":"replace","path":"members","value":[{"value":"\#(bob)"}]}"#)
            #expect(try await client.patch("Groups/\(id)", replace).status == 204)
            #expect(Self.memberIDs(try await client.get("Groups/\(id)")) == [bob])
            let empty = Self.patch(#"{"op":"replace","path":"members","value":[]}"#)
            #expect(try await client.patch("Groups/\(id)", empty).status == 204)
            #expect(Self.memberIDs(try await client.get("Groups/\(id)")).isEmpty)
        }
    }

    @Test func unknownMemberIsInvalidValueAndNothingChanges() async throws {
        try await TestServer.run { _, client in
            let alice = try await client.createUser("alice@example.com")
            let id = try await client.createGroup("Team", members: [alice])
            let add = Self.patch(#"{"op":"add","path":"members","value":[{"value":"no-such-user"}]}"#)
            try await client.patch("Groups/\(id)", add).expectError(400, scimType: "invalidValue")
            let group = try await client.get("Groups/\(id)")
            #expect(Self.memberIDs(group) == [alice])
            #expect(group["meta"]?["version"] == .string(#"W/"1""#))
            let post = try await client.post("Groups", #"{"displayName":"Ghosts","members":[{"value":"nobody"}]}"#)
            post.expectError(400, scimType: "invalidValue")
            #expect(try await client.get("Groups")["totalResults"] == 1)
        }
    }

    @Test func duplicateDisplayNameIsAConflict() async throws {
        try await TestServer.run { _, client in
            _ = try await client.createGroup("Sales")
            try await client.post("Groups", #"{"displayName":"SALES"}"#).expectError(409, scimType: "uniqueness")
        }
    }

    @Test func excludedMembersAreAbsentFromGetAndList() async throws {
        try await TestServer.run { _, client in
            let alice = try await client.createUser("alice@example.com")
            let id = try await client.createGroup("Team", members: [alice])
            let one = try await client.get("Groups/\(id)?excludedAttributes=members")
            #expect(one.status == 200)
            #expect(one["members"] == nil)
            #expect(one["displayName"] == "Team")
            let list = try await client.get(#"Groups?excludedAttributes=members&filter=displayName%20eq%20%22Team%22"#)
            #expect(list["Resources"]?.arrayValue?.first?["members"] == nil)
            #expect(list["totalResults"] == 1)
        }
    }

    @Test func deletingAUserRemovesItsMemberships() async throws {
        try await TestServer.run { _, client in
            let alice = try await client.createUser("alice@example.com")
            let bob = try await client.createUser("bob@example.com")
            let id = try await client.createGroup("Team", members: [alice, bob])
            #expect(try await client.delete("Users/\(alice)").status == 204)
            #expect(Self.memberIDs(try await client.get("Groups/\(id)")) == [bob])
            #expect(try await client.delete("Groups/\(id)").status == 204)
            #expect(try await client.get("Users/\(bob)")["groups"] == .array([]))
        }
    }

    @Test func groupsCanBeMembersOfGroups() async throws {
        try await TestServer.run { _, client in
            let inner = try await client.createGroup("Inner")
            let outer = try await client.createGroup("Outer", members: [inner])
            let members = try await client.get("Groups/\(outer)")["members"]?.arrayValue
            #expect(members?.first?["type"] == "Group")
            #expect(members?.first?["$ref"] == .string("\(TestServer.scimBase)/Groups/\(inner)"))
        }
    }
}

extension GroupTests {
    @Test func listsCarryMembersOnlyWhenAskedByName() async throws {
        try await TestServer.run { _, client in
            let alice = try await client.createUser("alice@example.com")
            _ = try await client.createGroup("Team", members: [alice])
            let plain = try await client.get("Groups")
            #expect(plain["Resources"]?.arrayValue?.first?["members"] == nil)
            #expect(plain["Resources"]?.arrayValue?.first?["displayName"] == "Team")
            let asked = try await client.get("Groups?attributes=displayName,members")
            #expect(asked["Resources"]?.arrayValue?.first?["members"]?.arrayValue?.count == 1)
        }
    }

    /// A large group's GET streams its members page by page; the result is one valid JSON document.
    @Test func largeGroupIsStreamedAsValidJSONWithEveryMember() async throws {
        try await TestServer.run { server, client in
            var ids: [String] = []
            for index in 0..<2_300 {
                let user = try await server.directory.create(
                    .user, body: .object(["userName": .string("bulk\(index)")]))
                ids.append(try #require(user.representation["id"]?.stringValue))
            }
            let group = try await client.createGroup("Everyone", members: ids)
            let reply = try await client.get("Groups/\(group)")
            #expect(reply.status == 200)
            #expect(reply.contentType == "application/scim+json")
            #expect(reply.headers[.eTag] == #"W/"1""#)
            #expect(reply["displayName"] == "Everyone")
            #expect(reply["meta"]?["resourceType"] == "Group")
            #expect(Self.memberIDs(reply) == ids)
            let subset = try await client.get("Groups/\(group)?attributes=members.value")
            #expect(subset["members"]?.arrayValue?.first == .object(["value": .string(ids[0])]))
        }
    }

    /// Okta OIN sends its pathless rename with every membership push, even when the name is unchanged.
    @Test func oktaUnchangedRenameKeepsTheVersion() async throws {
        try await TestServer.run { _, client in
            let id = try await client.createGroup("Stable")
            let rename = Self.patch(#"{"op":"replace","value":{"id":"\#(id)","displayName":"Stable"}}"#)
            let reply = try await client.patch("Groups/\(id)", rename)
            #expect(reply.status == 204)
            #expect(reply.headers[.eTag] == #"W/"1""#)
        }
    }

    @Test func membershipEditsComposeInOrderWithinOneRequest() async throws {
        try await TestServer.run { _, client in
            let alice = try await client.createUser("alice@example.com")
            let bob = try await client.createUser("bob@example.com")
            let id = try await client.createGroup("Team", members: [alice])
            let operations = Self.patch(
                #"{"op":"remove","path":"members[value eq \"\#(alice)\" or value eq \"\#(bob)\"]"},"#
                    + #"{"op":"add","path":"members","value":[{"value":"\#(alice)"}]},"#
                    + #"{"op":"replace","path":"displayName","value":"Renamed"}"#)
            #expect(try await client.patch("Groups/\(id)", operations).status == 204)
            let group = try await client.get("Groups/\(id)")
            #expect(Self.memberIDs(group) == [alice])
            #expect(group["displayName"] == "Renamed")
        }
    }

    @Test func removingEveryMemberWithoutValue() async throws {
        try await TestServer.run { _, client in
            let alice = try await client.createUser("alice@example.com")
            let id = try await client.createGroup("Team", members: [alice])
            #expect(
                try await client.patch("Groups/\(id)", Self.patch(#"{"op":"remove","path":"members"}"#)).status == 204)
            #expect(Self.memberIDs(try await client.get("Groups/\(id)")).isEmpty)
        }
    }
}

extension GroupTests {
    @Test func aGroupCannotContainItself() async throws {
        try await TestServer.run { _, client in
            let id = try await client.createGroup("Ouroboros")
            let add = Self.patch(#"{"op":"add","path":"members","value":[{"value":"\#(id)"}]}"#)
            try await client.patch("Groups/\(id)", add).expectError(400, scimType: "invalidValue")
        }
    }

    /// `User.groups` and `Group.members` are derived, so a membership change gives both sides a new ETag and
    /// a client holding the old one gets a fresh copy rather than a 304.
    @Test func membershipChangesRenewBothSidesETags() async throws {
        try await TestServer.run { _, client in
            let alice = try await client.createUser("alice@example.com")
            let group = try await client.createGroup("Team")
            let userBefore = try #require(try await client.get("Users/\(alice)").headers[.eTag])
            let add = Self.patch(#"{"op":"add","path":"members","value":[{"value":"\#(alice)"}]}"#)
            #expect(try await client.patch("Groups/\(group)", add).status == 204)
            let userAfter = try await client.get("Users/\(alice)", headers: [.ifNoneMatch: userBefore])
            #expect(userAfter.status == 200)
            #expect(userAfter["groups"]?.arrayValue?.count == 1)
            let groupBefore = try #require(try await client.get("Groups/\(group)").headers[.eTag])
            #expect(try await client.delete("Users/\(alice)").status == 204)
            let groupAfter = try await client.get("Groups/\(group)", headers: [.ifNoneMatch: groupBefore])
            #expect(groupAfter.status == 200)
            #expect(Self.memberIDs(groupAfter).isEmpty)
        }
    }

    /// A pathless value naming `members` by its full URN is still a membership change, never stored in the body.
    @Test func urnQualifiedMembersKeyIsAMembershipChange() async throws {
        try await TestServer.run { _, client in
            let alice = try await client.createUser("alice@example.com")
            let bob = try await client.createUser("bob@example.com")
            let group = try await client.createGroup("Team", members: [alice])
            let replace = Self.patch(
                #"{"op":"replace","value":{"urn:ietf:params:scim:schemas:core:2.0:Group:members":[{"value":"\#(bob)"}]}}"#
            )
            #expect(try await client.patch("Groups/\(group)", replace).status == 204)
            #expect(Self.memberIDs(try await client.get("Groups/\(group)")) == [bob])
            let remove = Self.patch(
                #"{"op":"remove","path":"urn:ietf:params:scim:schemas:core:2.0:Group:MEMBERS[value eq \"\#(bob)\"]"}"#)
            #expect(try await client.patch("Groups/\(group)", remove).status == 204)
            #expect(Self.memberIDs(try await client.get("Groups/\(group)")).isEmpty)
            #expect(try await client.get("Users/\(alice)")["groups"] == .array([]))
        }
    }

    /// RFC 7643 §4.2 fixes `members.type` to "User" or "Group".
    @Test func memberTypeMustBeUserOrGroup() async throws {
        try await TestServer.run { _, client in
            let alice = try await client.createUser("alice@example.com")
            let post = try await client.post(
                "Groups", #"{"displayName":"Odd","members":[{"value":"\#(alice)","type":"Printer"}]}"#)
            post.expectError(400, scimType: "invalidValue")
            let fine = try await client.post(
                "Groups", #"{"displayName":"Fine","members":[{"value":"\#(alice)","type":"user"}]}"#)
            #expect(fine.status == 201)
        }
    }

    /// RFC 7644 §3.12 `tooMany`: a list that would inline more members than the server will build at once.
    @Test func listingLargeGroupsWithMembersIsTooMany() async throws {
        try await TestServer.run { server, client in
            let now = Date()
            let users = (0..<5_100).map { index in
                StoredResource(
                    id: UUID().uuidString.lowercased(), kind: .user, version: 1, created: now, lastModified: now,
                    body: ["userName": .string("m\(index)")])
            }
            try await server.store.insertMany(users)
            let ids = users.map(\.id)
            _ = try await client.createGroup("Half", members: Array(ids.prefix(5_100)))
            _ = try await client.createGroup("Other half", members: Array(ids.prefix(5_100)))
            try await client.get("Groups?attributes=displayName,members").expectError(400, scimType: "tooMany")
            let one = try await client.get("Groups?attributes=displayName,members&count=1")
            #expect(one["Resources"]?.arrayValue?.first?["members"]?.arrayValue?.count == 5_100)
            #expect(try await client.get("Groups")["totalResults"] == 2)
        }
    }
}
