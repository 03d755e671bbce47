import Foundation
import HTTPTypes
import Hummingbird
import SCIMCore
import Testing

/// Okta's user life cycles request by request: the AIW app (every write a PUT that echoes the GET) and the OIN
/// template (PATCH for deactivation and reactivation), from idp-behaviour.md §1.5–1.7.
@Suite struct OktaLifecycleReplayTests {
    static let lookup = #"Users?filter=userName%20eq%20%22jane.doe%40example.com%22&startIndex=1&count=100"#
    static let create = #"""
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"jane.doe@example.com",
         "name":{"givenName":"Jane","familyName":"Doe"},
         "emails":[{"primary":true,"value":"jane.doe@example.com","type":"work"}],
         "displayName":"Jane Doe","locale":"en-US","externalId":"00u1abcdefGHIJKLMNOP","groups":[],
         "password":"1mz050nq","active":true}
        """#

    /// Assignment: filter, not found, POST; profile push: GET then PUT; deactivation and reactivation: GET then
    /// PUT with `active` flipped; the user stays readable throughout.
    @Test func oktaAIWUserLifecycleIsAllPuts() async throws {
        try await TestServer.run { _, client in
            #expect(try await client.get(Self.lookup)["totalResults"] == 0)
            let created = try await client.post("Users", Self.create)
            #expect(created.status == 201)
            let id = try #require(created["id"]?.stringValue)
            #expect(try await client.get(Self.lookup)["totalResults"] == 1)

            for (change, value) in [("title", JSON.string("Engineer")), ("active", false), ("active", true)] {
                var echoed = try #require(try await client.get("Users/\(id)").json?.objectValue)
                echoed[change] = value
                echoed["password"] = "TkdFNVdIVkxhM2c9"
                let reply = try await client.put("Users/\(id)", JSON.object(echoed).serialized())
                #expect(reply.status == 200, "\(reply.text)")
                #expect(reply[change] == value)
                #expect(try await client.get("Users/\(id)").status == 200)
            }
            let user = try await client.get("Users/\(id)")
            #expect(user["active"] == true)
            #expect(user["title"] == "Engineer")
            #expect(user["externalId"] == "00u1abcdefGHIJKLMNOP")
            #expect(user["meta"]?["version"] == .string(#"W/"4""#))
        }
    }

    /// The OIN template: the same assignment, then PATCH replace without a path for deactivation,
    /// reactivation and a password push.
    @Test func oktaOINUserLifecycleUsesPathlessPatches() async throws {
        try await TestServer.run { _, client in
            let id = try #require(try await client.post("Users", Self.create)["id"]?.stringValue)
            for value in ["{\"active\":false}", "{\"active\":true}", "{\"password\":\"n3wS3cret\"}"] {
                let body =
                    #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"#
                    + #""Operations":[{"op":"replace","value":\#(value)}]}"#
                let reply = try await client.patch("Users/\(id)", body)
                #expect(reply.status == 200, "\(reply.text)")
                #expect(!reply.text.contains("n3wS3cret"))
            }
            let user = try await client.get("Users/\(id)")
            #expect(user["active"] == true)
            #expect(user["password"] == nil)
            let deactivated = try await client.patch(
                "Users/\(id)", #"{"Operations":[{"op":"replace","value":{"active":false}}]}"#)
            #expect(deactivated["active"] == false)
            let imported = try await client.get("Users?startIndex=1&count=100")
            #expect(imported["Resources"]?.arrayValue?.first?["active"] == false)
        }
    }
}
