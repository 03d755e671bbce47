import Foundation
import HTTPTypes
import Hummingbird
import SCIMCore
import Testing

/// Microsoft Entra ID's provisioning of one user and one group, request by request, in its default
/// (capitalised, string-boolean) dialect and its `aadOptscim062020` dialect (idp-behaviour.md §2.2–2.5).
@Suite struct EntraLifecycleReplayTests {
    static let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    static let entraHeaders: HTTPFields = [.userAgent: "Microsoft Azure AD SCIM provisioning 1.0.0"]

    static func patch(_ operations: String) -> String {
        #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[\#(operations)]}"#
    }

    static func filter(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }

    @Test func entraUserLifecycle() async throws {
        try await TestServer.run { _, client in
            // Test Connection: a random GUID as the matching property finds nobody.
            let probe = try await client.get("Users?filter=" + Self.filter(#"userName eq "\#(UUID().uuidString)""#))
            #expect(probe.status == 200 && probe["totalResults"] == 0)

            let create = #"""
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
                 "externalId":"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef","userName":"Test_User_00aa00aa@contoso.com","active":true,
                 "emails":[{"primary":true,"type":"work","value":"Test_User_11bb11bb@testuser.com"}],
                 "meta":{"resourceType":"User"},
                 "name":{"formatted":"givenName familyName","familyName":"familyName","givenName":"givenName"},
                 "roles":[]}
                """#
            let created = try await client.post("Users", create)
            #expect(created.status == 201, "\(created.text)")
            let id = try #require(created["id"]?.stringValue)

            let byName = try await client.get(
                "Users?filter=" + Self.filter(#"userName eq "TEST_USER_00AA00AA@contoso.com""#))
            #expect(byName["totalResults"] == 1)
            let byExternal = try await client.get(
                "Users?filter=" + Self.filter(#"externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef""#))
            #expect(byExternal["totalResults"] == 1)

            let update = Self.patch(
                #"{"op":"Replace","path":"emails[type eq \"work\"].value","value":"updatedEmail@microsoft.com"},"#
                    + #"{"op":"Replace","path":"name.familyName","value":"updatedFamilyName"},"#
                    + #"{"op":"Add","path":"phoneNumbers[type eq \"work\"].value","value":"+1 555 0100"},"#
                    + #"{"op":"Replace","path":"addresses[type eq \"work\"].streetAddress","value":"1 Microsoft Way"}"#)
            let updated = try await client.patch("Users/\(id)", update)
            #expect(updated.status == 200, "\(updated.text)")
            #expect(updated["emails"]?.arrayValue?.first?["value"] == "updatedEmail@microsoft.com")
            #expect(updated["emails"]?.arrayValue?.first?["primary"] == true)
            #expect(updated["phoneNumbers"] == [.object(["value": "+1 555 0100", "type": "work"])])
            #expect(updated["addresses"] == [.object(["streetAddress": "1 Microsoft Way", "type": "work"])])

            // The compliant dialect's pathless multi-replace with dotted and URN keys.
            let multi = Self.patch(
                #"{"op":"replace","value":{"displayName":"Bjfe","name.givenName":"Kkom","name.familyName":"Unua","#
                    + #""\#(Self.enterprise):employeeNumber":"Aklq"}}"#)
            let replaced = try await client.patch("Users/\(id)", multi)
            #expect(replaced["displayName"] == "Bjfe")
            #expect(replaced["name"]?["givenName"] == "Kkom")
            #expect(replaced["name"]?["formatted"] == "givenName familyName")
            #expect(replaced[Self.enterprise]?["employeeNumber"] == "Aklq")

            // Manager: set as a bare id, changed, then removed by replacing with an empty value.
            let managerPath = "\(Self.enterprise):manager"
            for manager in ["2c2f6fb8-254f-492e-b7fe-c09c5a61c8a2", "5e0f37a2-7f05-4d3b-a1a8-55e1e9e2d7d1"] {
                let set = try await client.patch(
                    "Users/\(id)", Self.patch(#"{"op":"Add","path":"\#(managerPath)","value":"\#(manager)"}"#))
                #expect(set[Self.enterprise]?["manager"] == .object(["value": .string(manager)]))
            }
            let cleared = try await client.patch(
                "Users/\(id)", Self.patch(#"{"op":"Replace","path":"\#(managerPath)","value":""}"#))
            #expect(cleared[Self.enterprise]?["manager"] == nil)
            #expect(cleared[Self.enterprise]?["employeeNumber"] == "Aklq")

            // Disable (soft delete): the user stays readable and filterable with active false.
            let disabled = try await client.patch(
                "Users/\(id)", Self.patch(#"{"op":"Replace","path":"active","value":"False"}"#))
            #expect(disabled["active"] == false)
            let stillThere = try await client.get(
                "Users?filter=" + Self.filter(#"userName eq "test_user_00aa00aa@contoso.com""#))
            #expect(stillThere["Resources"]?.arrayValue?.first?["active"] == false)

            // Hard delete, then a second delete of the same user.
            #expect(try await client.delete("Users/\(id)").status == 204)
            try await client.get("Users/\(id)").expectError(404)
            try await client.delete("Users/\(id)").expectError(404)
        }
    }

    @Test func entraGroupLifecycle() async throws {
        try await TestServer.run { _, client in
            let member = try await client.createUser("member@contoso.com")
            let create = #"""
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group","http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
                 "externalId":"8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159","displayName":"displayName","meta":{"resourceType":"Group"}}
                """#
            let created = try await client.post("Groups", create)
            #expect(created.status == 201, "\(created.text)")
            let id = try #require(created["id"]?.stringValue)
            try await client.post("Groups", create).expectError(409, scimType: "uniqueness")

            let lookup = try await client.get(
                "Groups?excludedAttributes=members&filter=" + Self.filter(#"displayName eq "DISPLAYNAME""#))
            #expect(lookup["totalResults"] == 1)
            #expect(lookup["Resources"]?.arrayValue?.first?["members"] == nil)

            let add = Self.patch(#"{"op":"Add","path":"members","value":[{"$ref":null,"value":"\#(member)"}]}"#)
            #expect(try await client.patch("Groups/\(id)", add).status == 204)
            let rename = Self.patch(#"{"op":"Replace","path":"displayName","value":"displayName updatedDisplayName"}"#)
            #expect(try await client.patch("Groups/\(id)", rename).status == 204)
            let externalId = Self.patch(#"{"op":"replace","value":{"externalId":"new-external-id"}}"#)
            #expect(try await client.patch("Groups/\(id)", externalId).status == 204)

            let group = try await client.get("Groups/\(id)")
            #expect(group["displayName"] == "displayName updatedDisplayName")
            #expect(group["externalId"] == "new-external-id")
            #expect(group["members"]?.arrayValue?.compactMap { $0["value"]?.stringValue } == [member])
            let excluded = try await client.get("Groups/\(id)?excludedAttributes=members")
            #expect(excluded["members"] == nil)

            let remove = Self.patch(#"{"op":"remove","path":"members[value eq \"\#(member)\"]"}"#)
            #expect(try await client.patch("Groups/\(id)", remove).status == 204)
            #expect(try await client.get("Groups/\(id)")["members"] == .array([]))
            #expect(try await client.delete("Groups/\(id)").status == 204)
            try await client.get("Groups/\(id)").expectError(404)
        }
    }
}
