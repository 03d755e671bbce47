import Foundation
import HTTPTypes
import Hummingbird
import SCIMCore
import Testing

/// Every malformed request gets the right status and a SCIM error body, and changes nothing.
@Suite struct BadInputTests {
    static let userURN = "urn:ietf:params:scim:schemas:core:2.0:User"

    /// Bodies that must be refused on POST /Users, with the status and `scimType` RFC 7644 §3.12 gives them.
    static let badUserBodies: [(body: String, status: Int, scimType: String?)] = [
        ("{", 400, "invalidSyntax"),
        ("not json at all", 400, "invalidSyntax"),
        ("[1,2,3]", 400, "invalidSyntax"),
        (#""just a string""#, 400, "invalidSyntax"),
        ("", 400, "invalidSyntax"),
        (#"{"schemas":["\#(userURN)"]}"#, 400, "invalidValue"),
        (#"{"userName":""}"#, 400, "invalidValue"),
        (#"{"userName":42}"#, 400, "invalidValue"),
        (#"{"userName":"a","active":"maybe"}"#, 400, "invalidValue"),
        (#"{"userName":"a","name":"Alice"}"#, 400, "invalidValue"),
        (#"{"userName":"a","emails":{"value":"a@example.com"}}"#, 400, "invalidValue"),
        (#"{"userName":"a","shoeSize":44}"#, 400, "invalidValue"),
        (#"{"userName":"a","name":{"nickname":"x"}}"#, 400, "invalidValue"),
        (#"{"userName":"a","schemas":"\#(userURN)"}"#, 400, "invalidSyntax"),
        (#"{"userName":"a","urn:example:unknown:2.0:User":{"x":1}}"#, 400, "invalidValue"),
    ]

    @Test func malformedUserBodiesAreRefusedAndNothingIsCreated() async throws {
        try await TestServer.run { _, client in
            for (body, status, scimType) in Self.badUserBodies {
                let reply = try await client.post("Users", body)
                reply.expectError(status, scimType: scimType)
            }
            #expect(try await client.get("Users")["totalResults"] == 0)
        }
    }

    @Test func everyProblemInABodyIsReportedTogether() async throws {
        try await TestServer.run { _, client in
            let reply = try await client.post("Users", #"{"active":"sometimes","title":7,"nope":true}"#)
            reply.expectError(400, scimType: "invalidValue")
            let detail = reply["detail"]?.stringValue ?? ""
            for word in ["active", "title", "nope", "userName"] {
                #expect(detail.contains(word), "\(detail)")
            }
        }
    }

    @Test func duplicateUserNameDifferingOnlyInCaseIsAConflict() async throws {
        try await TestServer.run { _, client in
            _ = try await client.createUser("jane.doe@example.com")
            let reply = try await client.post("Users", #"{"userName":"JANE.DOE@example.com"}"#)
            reply.expectError(409, scimType: "uniqueness")
            #expect(try await client.get("Users")["totalResults"] == 1)
        }
    }

    @Test func oversizedBodyIs413AndTheServerStaysHealthy() async throws {
        try await TestServer.run { _, client in
            let padding = String(repeating: "x", count: 1_100_000)
            let reply = try await client.post("Users", #"{"userName":"big","title":"\#(padding)"}"#)
            reply.expectError(413)
            #expect(try await client.get("Users")["totalResults"] == 0)
            #expect(try await client.get("Users?count=1").status == 200)
        }
    }

    @Test func unknownIdsAre404OnEveryVerb() async throws {
        try await TestServer.run { _, client in
            try await client.get("Users/nope").expectError(404)
            try await client.put("Users/nope", #"{"userName":"x"}"#).expectError(404)
            let patch =
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"#
                + #""Operations":[{"op":"replace","value":{"active":false}}]}"#
            try await client.patch("Users/nope", patch).expectError(404)
            try await client.delete("Users/nope").expectError(404)
            try await client.get("Groups/nope").expectError(404)
            try await client.get("Nothing/here").expectError(404)
        }
    }

    @Test(arguments: [
        #"userName eq"#, #"userName eq "unterminated"#, #"userName zz "x""#, #"(userName eq "x""#,
        #"userName eq "x" and"#, #"shoeSize eq "44""#, #"active gt true"#,
        String(repeating: "(", count: 200) + #"userName eq "x""# + String(repeating: ")", count: 200), "\n", " \r\n ",
    ])
    func badFiltersAreInvalidFilterNot500(filter: String) async throws {
        try await TestServer.run { _, client in
            let encoded = filter.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? filter
            try await client.get("Users?filter=\(encoded)").expectError(400, scimType: "invalidFilter")
        }
    }

    /// U+0000 is valid JSON (`\u0000`) and valid percent-encoding (`%00`), but no store keeps it: SQLite's text
    /// binding ended the string there, so "nul@example.com\u0000x" was stored as "nul@example.com", clashed with
    /// that user, and a filter for the one found the other; PostgreSQL's text refuses the character. It is refused
    /// wherever a request can carry it, and nothing is written.
    @Test func theCharacterNULIsRefusedInBodiesQueriesAndFilters() async throws {
        try await TestServer.run { _, client in
            let id = try await client.createUser("nul@example.com")
            try await client.post("Users", #"{"userName":"nul@example.com\u0000x"}"#).expectError(
                400, scimType: "invalidValue")
            try await client.post("Users", #"{"userName":"other@example.com","title":"a\u0000"}"#)
                .expectError(400, scimType: "invalidValue")
            try await client.put("Users/\(id)", #"{"userName":"nul@example.com","title":"\u0000"}"#)
                .expectError(400, scimType: "invalidValue")
            let patch =
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"#
                + #""Operations":[{"op":"replace","path":"emails[value eq \"a\\u0000\"].type","value":"work"}]}"#
            try await client.patch("Users/\(id)", patch).expectError(400, scimType: "invalidPath")
            try await client.get("Users?filter=userName%20eq%20%22nul%40example.com%00x%22")
                .expectError(400, scimType: "invalidFilter")
            try await client.get("Users?filter=userName%20eq%20%22nul%40example.com%5Cu0000x%22")
                .expectError(400, scimType: "invalidFilter")
            try await client.get("Users?attributes=userName%00").expectError(400, scimType: "invalidValue")
            // The refusal is for U+0000 only: the same text without it, and other control characters, still work.
            let users = try await client.get("Users?filter=userName%20eq%20%22nul%40example.com%22")
            #expect(users["totalResults"] == 1)
            #expect(
                try await client.post("Users", #"{"userName":"tab@example.com","title":"a\u0001\t"}"#).status == 201)
            let user = try await client.get("Users/\(id)")
            #expect(user["meta"]?["version"] == .string(#"W/"1""#))
            #expect(try await client.get("Users")["totalResults"] == 2)
        }
    }

    @Test func nonIntegerPagingParametersAreInvalidValue() async throws {
        try await TestServer.run { _, client in
            try await client.get("Users?startIndex=one").expectError(400, scimType: "invalidValue")
            try await client.get("Users?count=ten").expectError(400, scimType: "invalidValue")
        }
    }

    /// RFC 7644 §3.4.2.4: startIndex below 1 means 1; a negative count means 0.
    @Test func outOfRangePagingIsClampedAsTheRFCSays() async throws {
        try await TestServer.run { _, client in
            _ = try await client.createUser("a@example.com")
            let clamped = try await client.get("Users?startIndex=-5&count=-1")
            #expect(clamped.status == 200)
            #expect(clamped["startIndex"] == 1)
            #expect(clamped["itemsPerPage"] == 0)
            #expect(clamped["totalResults"] == 1)
        }
    }

    @Test func patchBodiesThatAreNotPatchRequestsAreRefused() async throws {
        try await TestServer.run { _, client in
            let id = try await client.createUser("p@example.com")
            let cases: [(String, String)] = [
                (#"{"Operations":"nope"}"#, "invalidSyntax"),
                (#"{"Operations":[{"op":"explode","path":"title","value":"x"}]}"#, "invalidSyntax"),
                (#"{"Operations":[{"op":"remove"}]}"#, "noTarget"),
                (#"{"Operations":[{"op":"replace","path":"shoeSize","value":"44"}]}"#, "invalidPath"),
                (#"{"Operations":[{"op":"replace","path":"id","value":"x"}]}"#, "mutability"),
                (#"{"Operations":[{"op":"replace","path":"active","value":"perhaps"}]}"#, "invalidValue"),
                (#"{"Operations":[{"op":"replace","path":"emails[type eq ]","value":"x"}]}"#, "invalidFilter"),
                (#"{"schemas":["urn:wrong"],"Operations":[]}"#, "invalidSyntax"),
            ]
            for (body, scimType) in cases {
                try await client.patch("Users/\(id)", body).expectError(400, scimType: scimType)
            }
            let user = try await client.get("Users/\(id)")
            #expect(user["meta"]?["version"] == .string(#"W/"1""#))
        }
    }

    /// RFC 7644 §3.5.2: "the operations ... MUST be applied ... If any operation fails, the whole request fails".
    @Test func aFailingOperationUndoesTheOperationsBeforeIt() async throws {
        try await TestServer.run { _, client in
            let id = try await client.createUser("atomic@example.com")
            let body =
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":["#
                + #"{"op":"replace","path":"title","value":"Boss"},"#
                + #"{"op":"replace","path":"active","value":"perhaps"}]}"#
            try await client.patch("Users/\(id)", body).expectError(400, scimType: "invalidValue")
            let user = try await client.get("Users/\(id)")
            #expect(user["title"] == nil)
            #expect(user["meta"]?["version"] == .string(#"W/"1""#))
        }
    }

    @Test func discoveryEndpointsRefuseWritesWith405() async throws {
        try await TestServer.run { _, client in
            try await client.post("ServiceProviderConfig", "test").expectError(405)
            try await client.post("ResourceTypes", "{}").expectError(405)
            try await client.post("Schemas", "test").expectError(405)
            try await client.delete("Schemas/urn:ietf:params:scim:schemas:core:2.0:User").expectError(405)
        }
    }

    /// A filter that cannot be decoded must not be treated as "no filter", which would match everyone.
    /// Spaces and tabs alone (Unicode's too) are no filter at all; anything else goes to the parser.
    @Test func blankFiltersListEveryone() async throws {
        try await TestServer.run { _, client in
            _ = try await client.createUser("someone@example.com")
            for blank in ["%20", "%09%20", "%C2%A0", ""] {
                let reply = try await client.get("Users?filter=\(blank)")
                #expect(reply.status == 200 && reply["totalResults"] == 1, "\(blank)")
            }
        }
    }

    @Test func undecodableFilterIsAnErrorNotEveryone() async throws {
        try await TestServer.run { _, client in
            _ = try await client.createUser("someone@example.com")
            try await client.get("Users?filter=userName%20eq%20%ZZ").expectError(400, scimType: "invalidFilter")
            try await client.get("Users?count=%G1").expectError(400, scimType: "invalidValue")
        }
    }

    /// RFC 7644 §3.12: a feature the server does not offer is 501; a verb an endpoint does not take is 405.
    @Test func meIs501AndWrongVerbsAre405() async throws {
        try await TestServer.run { _, client in
            try await client.post("Bulk", #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"]}"#)
                .expectError(400, scimType: "invalidSyntax")
            try await client.get("Bulk").expectError(405)
            try await client.delete("Bulk").expectError(405)
            try await client.get("Me").expectError(501)
            try await client.put("Users", #"{"userName":"x"}"#).expectError(405)
            try await client.delete("Groups").expectError(405)
            let id = try await client.createUser("verbs@example.com")
            try await client.post("Users/\(id)", #"{"userName":"x"}"#).expectError(405)
        }
    }

    @Test func ifMatchMayListSeveralTags() async throws {
        try await TestServer.run { _, client in
            let id = try await client.createUser("tags@example.com")
            let body = #"{"Operations":[{"op":"replace","path":"title","value":"x"}]}"#
            let reply = try await client.patch("Users/\(id)", body, headers: [.ifMatch: #"W/"7", W/"1""#])
            #expect(reply.status == 200)
            try await client.patch("Users/\(id)", body, headers: [.ifMatch: #"W/"7", "garbage""#]).expectError(412)
        }
    }

    @Test func aResourceWithTooManyValuesIsRefused() async throws {
        try await TestServer.run { _, client in
            let emails = (0..<1200).map { #"{"value":"a\#($0)@example.com","type":"work"}"# }.joined(separator: ",")
            let reply = try await client.post("Users", #"{"userName":"hoarder","emails":[\#(emails)]}"#)
            reply.expectError(400, scimType: "invalidValue")
            #expect(try await client.get("Users")["totalResults"] == 0)
        }
    }
}
