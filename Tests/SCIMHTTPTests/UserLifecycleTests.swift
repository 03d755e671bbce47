import Directory
import Foundation
import HTTPTypes
import Hummingbird
import SCIMCore
import Testing

/// Replays of the user life cycles identity providers run (idp-behaviour.md §1.5–1.7, §2.2).
@Suite struct UserLifecycleTests {
    static let oktaCreate = #"""
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"test.user@okta.local",
         "name":{"givenName":"Test","familyName":"User"},
         "emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],
         "displayName":"Test User","locale":"en-US","externalId":"00ujl29u0le5T6Aj10h7","groups":[],
         "password":"1mz050nq","active":true}
        """#

    @Test func oktaCreateStoresWhatWasSentAndNeverReturnsThePassword() async throws {
        try await TestServer.run { _, client in
            let reply = try await client.post("Users", Self.oktaCreate)
            #expect(reply.status == 201)
            let id = try #require(reply["id"]?.stringValue)
            #expect(reply.headers[.location] == "\(TestServer.scimBase)/Users/\(id)")
            #expect(reply.headers[.eTag] == #"W/"1""#)
            #expect(reply["locale"] == "en-US")
            #expect(reply["externalId"] == "00ujl29u0le5T6Aj10h7")
            #expect(reply["groups"] == .array([]))
            #expect(reply["password"] == nil)
            #expect(!reply.text.contains("1mz050nq"))
            #expect(reply["meta"]?["resourceType"] == "User")
            #expect(reply["meta"]?["location"] == .string("\(TestServer.scimBase)/Users/\(id)"))
            #expect(reply["meta"]?["version"] == .string(#"W/"1""#))
            let created = try #require(reply["meta"]?["created"]?.stringValue)
            #expect(DateTime.parse(created) != nil)
            let fetched = try await client.get("Users/\(id)")
            #expect(fetched.json == reply.json)
        }
    }

    /// Ids are random (version 4) UUIDs in lower case, as RFC 7643 §3.1 suggests and every IdP stores them.
    /// RFC 9562 §5.7: ids are version 7 UUIDs, so new resources append to the indexes keyed by id.
    @Test func newIdsAreLowerCaseTimeOrderedUUIDs() async throws {
        try await TestServer.run { _, client in
            let before = UInt64(Date().timeIntervalSince1970 * 1000)
            let id = try #require(try await client.post("Users", Self.oktaCreate)["id"]?.stringValue)
            let ids = [id] + (0..<10_000).map { _ in Directory.timeOrderedID() }
            let after = UInt64(Date().timeIntervalSince1970 * 1000)
            #expect(Set(ids).count == ids.count)
            for id in ids {
                let text = Array(id.utf8)
                #expect(text.count == 36 && [8, 13, 18, 23].allSatisfy { text[$0] == UInt8(ascii: "-") }, "\(id)")
                #expect(text.allSatisfy { "0123456789abcdef-".utf8.contains($0) }, "\(id)")
                #expect(text[14] == UInt8(ascii: "7"), "version 7: \(id)")
                #expect("89ab".utf8.contains(text[19]), "RFC 9562 variant: \(id)")
                #expect(UUID(uuidString: id)?.uuidString.lowercased() == id)
                let milliseconds = UInt64(id.replacingOccurrences(of: "-", with: "").prefix(12), radix: 16) ?? 0
                #expect(milliseconds >= before && milliseconds <= after, "the time it was made: \(id)")
            }
            // Every hex digit turns up in every random position: no nibble is stuck.
            for position in 15..<36 where ![18, 19, 23].contains(position) {
                #expect(Set(ids.map { Array($0.utf8)[position] }).count == 16, "position \(position)")
            }
            let earlier = Directory.timeOrderedID()
            try await Task.sleep(for: .milliseconds(2))
            #expect(earlier < Directory.timeOrderedID(), "later ids sort after earlier ones")
        }
    }

    /// Okta AIW apps update, deactivate and reactivate with a PUT that echoes the GET (idp-behaviour.md §1.6).
    @Test func oktaAIWPutEchoingTheServersOwnBodyUpdatesAndDeactivates() async throws {
        try await TestServer.run { _, client in
            let id = try #require(try await client.post("Users", Self.oktaCreate)["id"]?.stringValue)
            var echoed = try #require(try await client.get("Users/\(id)").json?.objectValue)
            echoed["name"] = .object(["givenName": "Another", "middleName": "Excited", "familyName": "User"])
            echoed["password"] = "TkdFNVdIVkxhM2c9"
            echoed["active"] = false
            let reply = try await client.put("Users/\(id)", JSON.object(echoed).serialized())
            #expect(reply.status == 200, "\(reply.text)")
            #expect(reply["name"]?["middleName"] == "Excited")
            #expect(reply["active"] == false)
            #expect(reply["id"] == .string(id))
            #expect(reply["meta"]?["version"] == .string(#"W/"2""#))
            #expect(reply["password"] == nil)

            let deactivated = try await client.get("Users/\(id)")
            #expect(deactivated.status == 200)
            #expect(deactivated["active"] == false)
            let filtered = try await client.get(#"Users?filter=userName%20eq%20%22test.user%40okta.local%22"#)
            #expect(filtered["totalResults"] == 1)
        }
    }

    /// RFC 7644 §3.5.1: PUT replaces; what the body omits is cleared.
    @Test func putClearsAttributesTheBodyOmits() async throws {
        try await TestServer.run { _, client in
            let id = try #require(try await client.post("Users", Self.oktaCreate)["id"]?.stringValue)
            let reply = try await client.put("Users/\(id)", #"{"userName":"test.user@okta.local","active":true}"#)
            #expect(reply.status == 200)
            #expect(reply["name"] == nil)
            #expect(reply["emails"] == nil)
            #expect(reply["externalId"] == nil)
        }
    }

    /// Okta OIN deactivation: lowercase `replace`, no path, an object value (idp-behaviour.md §1.7).
    @Test func oktaDeactivationWithoutPathSetsActiveFalse() async throws {
        try await TestServer.run { _, client in
            let id = try #require(try await client.post("Users", Self.oktaCreate)["id"]?.stringValue)
            let body =
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"#
                + #""Operations":[{"op":"replace","value":{"active":false}}]}"#
            let reply = try await client.patch("Users/\(id)", body)
            #expect(reply.status == 200)
            #expect(reply["active"] == false)
            #expect(reply["userName"] == "test.user@okta.local")
            let reactivated = try await client.patch(
                "Users/\(id)", body.replacingOccurrences(of: "false", with: "true"))
            #expect(reactivated["active"] == true)
            #expect(reactivated["meta"]?["version"] == .string(#"W/"3""#))
        }
    }

    /// Entra ID's default (non-compliant) dialect: capitalised ops and `"False"` as a string.
    @Test func entraReplaceWithCapitalisedOpAndStringFalseDeactivates() async throws {
        try await TestServer.run { _, client in
            let id = try await client.createUser("Test_User_00aa00aa")
            let body =
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"#
                + #""Operations":[{"op":"Replace","path":"active","value":"False"}]}"#
            let reply = try await client.patch("Users/\(id)", body)
            #expect(reply.status == 200, "\(reply.text)")
            #expect(reply["active"] == false)
        }
    }

    /// Entra ID: replace on `emails[type eq "work"].value` and `name.familyName` in one request.
    @Test func entraReplaceOfWorkEmailAndFamilyName() async throws {
        try await TestServer.run { _, client in
            let id = try await client.createUser("entra@contoso.com")
            let body = #"""
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
                 {"op":"Replace","path":"emails[type eq \"work\"].value","value":"updatedEmail@microsoft.com"},
                 {"op":"Replace","path":"name.familyName","value":"updatedFamilyName"}]}
                """#
            let reply = try await client.patch("Users/\(id)", body)
            #expect(reply.status == 200, "\(reply.text)")
            #expect(reply["emails"] == [.object(["value": "updatedEmail@microsoft.com", "type": "work"])])
            #expect(reply["name"]?["familyName"] == "updatedFamilyName")
            #expect(reply["name"]?["givenName"] == "Given")
        }
    }

    /// Entra ID: `manager` as a bare id, at a URN-qualified path, always returned as `{"value": …}`.
    @Test func entraManagerAsBareStringIsReturnedAsObject() async throws {
        try await TestServer.run { _, client in
            let id = try await client.createUser("report@contoso.com")
            let body = #"""
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
                 {"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
                  "value":"2c2f6fb8-254f-492e-b7fe-c09c5a61c8a2"}]}
                """#
            let reply = try await client.patch("Users/\(id)", body)
            let enterprise = reply["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]
            #expect(enterprise?["manager"] == .object(["value": "2c2f6fb8-254f-492e-b7fe-c09c5a61c8a2"]))
            #expect(
                reply["schemas"]?.arrayValue?.contains("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")
                    == true)
        }
    }

    /// RFC 7644 §3.6: DELETE answers 204, then the user is gone.
    @Test func deleteAnswers204ThenGetIs404() async throws {
        try await TestServer.run { _, client in
            let id = try await client.createUser("gone@example.com")
            let reply = try await client.delete("Users/\(id)")
            #expect(reply.status == 204)
            #expect(reply.text.isEmpty)
            try await client.get("Users/\(id)").expectError(404)
            try await client.delete("Users/\(id)").expectError(404)
        }
    }

    /// RFC 7644 §3.14: ETags, `If-Match` and `If-None-Match`.
    @Test func staleIfMatchIs412AndChangesNothing() async throws {
        try await TestServer.run { _, client in
            let id = try await client.createUser("etag@example.com")
            let body = #"{"Operations":[{"op":"replace","path":"title","value":"Engineer"}]}"#
            let fresh = try await client.patch("Users/\(id)", body, headers: [.ifMatch: #"W/"1""#])
            #expect(fresh.status == 200)
            #expect(fresh.headers[.eTag] == #"W/"2""#)
            let stale = try await client.patch("Users/\(id)", body, headers: [.ifMatch: #"W/"1""#])
            stale.expectError(412)
            try await client.put("Users/\(id)", #"{"userName":"x"}"#, headers: [.ifMatch: #"W/"1""#]).expectError(412)
            try await client.delete("Users/\(id)", headers: [.ifMatch: #""1""#]).expectError(412)
            let current = try await client.get("Users/\(id)")
            #expect(current["userName"] == "etag@example.com")
            #expect(current.headers[.eTag] == #"W/"2""#)
            let notModified = try await client.get("Users/\(id)", headers: [.ifNoneMatch: #"W/"2""#])
            #expect(notModified.status == 304)
            let modified = try await client.get("Users/\(id)", headers: [.ifNoneMatch: #"W/"1""#])
            #expect(modified.status == 200)
        }
    }

    /// RFC 7232 §3.2: on a write, `If-None-Match: *` means "only if it does not exist yet", and a current tag in it
    /// means "only if it changed": both are 412 on an existing, unchanged resource, and nothing is written.
    @Test func ifNoneMatchOnAWriteIs412WhenItMatches() async throws {
        try await TestServer.run { _, client in
            let id = try await client.createUser("none-match@example.com")
            let put = #"{"userName":"none-match@example.com","title":"Changed"}"#
            try await client.put("Users/\(id)", put, headers: [.ifNoneMatch: "*"]).expectError(412)
            try await client.put("Users/\(id)", put, headers: [.ifNoneMatch: #"W/"1""#]).expectError(412)
            try await client.delete("Users/\(id)", headers: [.ifNoneMatch: "*"]).expectError(412)
            #expect(try await client.get("Users/\(id)").headers[.eTag] == #"W/"1""#)
            let changed = try await client.put("Users/\(id)", put, headers: [.ifNoneMatch: #"W/"7""#])
            #expect(changed.status == 200 && changed["title"] == "Changed")
        }
    }

    @Test func attributesAndExcludedAttributesProjectTheResponse() async throws {
        try await TestServer.run { _, client in
            let id = try #require(try await client.post("Users", Self.oktaCreate)["id"]?.stringValue)
            let only = try await client.get("Users/\(id)?attributes=userName,name.givenName")
            #expect(only.json?.objectValue?.keys.sorted() == ["id", "name", "schemas", "userName"])
            #expect(only["name"] == .object(["givenName": "Test"]))
            let without = try await client.get("Users/\(id)?excludedAttributes=emails,groups")
            #expect(without["emails"] == nil && without["groups"] == nil)
            #expect(without["userName"] != nil && without["id"] != nil)
        }
    }

    @Test func listsPageInAStableOrderWhateverTheCount() async throws {
        try await TestServer.run { _, client in
            var ids: [String] = []
            for index in 1...7 { ids.append(try await client.createUser("user\(index)@example.com")) }
            var paged: [String] = []
            for start in stride(from: 1, through: 7, by: 3) {
                let page = try await client.get("Users?startIndex=\(start)&count=3")
                #expect(page["totalResults"] == 7)
                #expect(page["startIndex"] == .int(start))
                paged += page["Resources"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            }
            #expect(paged == ids)
        }
    }

    /// RFC 7644 §3.4.3: POST /Users/.search carries the query in the body.
    @Test func searchRequestFiltersAndPages() async throws {
        try await TestServer.run { _, client in
            _ = try await client.createUser("one@example.com")
            let two = try await client.createUser("two@example.com")
            let body =
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"#
                + #""filter":"userName eq \"TWO@example.com\"","attributes":["userName"],"startIndex":1,"count":10}"#
            let reply = try await client.post("Users/.search", body)
            #expect(reply.status == 200, "\(reply.text)")
            #expect(reply["totalResults"] == 1)
            let user = reply["Resources"]?.arrayValue?.first
            #expect(user?["id"] == .string(two))
            #expect(user?["name"] == nil)
        }
    }
}
