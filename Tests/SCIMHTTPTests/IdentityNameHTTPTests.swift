import Foundation
import SCIMCore
import Testing

/// The probe's near-duplicates: each made a second user beside `Alice@x.com`. Now they are the same name (409), an
/// invisible or blank name is refused (400), and what is stored and returned is what the client sent.
@Suite struct IdentityNameHTTPTests {
    static func body(_ attribute: String, _ name: String) -> String {
        JSON.object([attribute: .string(name)]).serialized()
    }

    @Test func nearDuplicatesOfAUserNameAreTheSameUser() async throws {
        try await TestServer.run { _, client in
            let alice = try await client.post("Users", Self.body("userName", "Alice@x.com"))
            #expect(alice.status == 201)
            for variant in [
                "Alice@x.com ", " Alice@x.com", "Alice@x.com\t", "\u{A0}Alice@x.com", "\u{FF21}lice@x.com",
                "ALICE@x.com",
            ] {
                let reply = try await client.post("Users", Self.body("userName", variant))
                reply.expectError(409, scimType: "uniqueness")
            }
            for (name, says) in [("Ali\u{200B}ce@x.com", "U+200B"), ("   ", "blank"), ("\u{2060}", "U+2060")] {
                let reply = try await client.post("Users", Self.body("userName", name))
                reply.expectError(400, scimType: "invalidValue")
                #expect(reply["detail"]?.stringValue?.contains(says) == true, "\(reply.text)")
            }
            #expect(try await client.get("Users")["totalResults"] == 1)
            // Okta looks a user up before creating it: any form of the name finds the one user.
            let found = try await client.get(
                "Users?filter="
                    + (#"userName eq "\#u{FF21}LICE@X.COM ""#.addingPercentEncoding(
                        withAllowedCharacters: .alphanumerics) ?? ""))
            #expect(found["totalResults"] == 1 && found["Resources"]?.arrayValue?.first?["userName"] == "Alice@x.com")
            let partial = try await client.get(
                "Users?filter="
                    + (#"userName sw "\#u{FF41}li""#.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            )
            #expect(partial["totalResults"] == 1)
        }
    }

    @Test func composedAndDecomposedNamesAreOneAndStayAsSent() async throws {
        try await TestServer.run { _, client in
            let decomposed = "jose\u{301}@x.com"
            let created = try await client.post("Users", Self.body("userName", decomposed))
            #expect(created.status == 201)
            let id = try #require(created["id"]?.stringValue)
            let read = try await client.get("Users/\(id)")["userName"]?.stringValue
            #expect(read.map { Array($0.unicodeScalars) } == Array(decomposed.unicodeScalars), "stored as sent")
            try await client.post("Users", Self.body("userName", "Jos\u{E9}@x.com")).expectError(
                409, scimType: "uniqueness")
            // A rename onto another user's name in another form is refused too.
            let bob = try await client.createUser("bob@x.com")
            let rename =
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"userName","value":"JOSE\#u{301}@x.com "}]}"#
            try await client.patch("Users/\(bob)", rename).expectError(409, scimType: "uniqueness")
        }
    }

    @Test func groupNamesFollowTheSameRules() async throws {
        try await TestServer.run { _, client in
            #expect(try await client.post("Groups", Self.body("displayName", "Team")).status == 201)
            try await client.post("Groups", Self.body("displayName", " team ")).expectError(409, scimType: "uniqueness")
            try await client.post("Groups", Self.body("displayName", "Te\u{200B}am")).expectError(
                400, scimType: "invalidValue")
            #expect(
                try await client.post("Groups", Self.body("displayName", "\u{1F469}\u{200D}\u{1F4BB} Devs")).status
                    == 201)
        }
    }
}
