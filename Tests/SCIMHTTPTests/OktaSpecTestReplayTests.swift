import Foundation
import HTTPTypes
import Hummingbird
import SCIMCore
import Testing

/// Okta's "SCIM 2.0 SPEC Test" (Okta-SCIM-20-SPEC-Test.json, idp-behaviour.md §1.11), step by step, with its
/// headers, bodies and assertions, against a real server.
@Suite struct OktaSpecTestReplayTests {
    /// Headers Runscope sends on the SPEC test's GETs, Content-Type included.
    static let getHeaders: HTTPFields = [
        HTTPField.Name("Accept-Charset")!: "utf-8", .contentType: "application/scim+json; charset=utf-8",
        .accept: "application/scim+json", .userAgent: "OKTA SCIM Integration",
    ]

    static func filterPath(_ userName: String) -> String {
        let filter = "userName eq \"\(userName)\""
        let encoded = filter.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? filter
        return "Users?filter=\(encoded)"
    }

    static func expectUserFields(_ user: JSON?, sourceLocation: SourceLocation = #_sourceLocation) {
        for value in [
            user?["id"], user?["name"]?["familyName"], user?["name"]?["givenName"], user?["userName"],
            user?["emails"]?.arrayValue?.first?["value"],
        ] {
            #expect(value?.stringValue?.isEmpty == false, sourceLocation: sourceLocation)
        }
        #expect(user?["active"]?.boolValue != nil, sourceLocation: sourceLocation)
    }

    @Test func oktaSpecTestPassesEveryStep() async throws {
        try await TestServer.run { server, client in
            // "Create at least one user on your server first."
            _ = try await client.createUser(
                "existing@atko.com", extra: #","emails":[{"value":"existing@atko.com","type":"work","primary":true}]"#)
            let firstName = "Runscope\(Int.random(in: 100...999))"
            let lastName = "Qabcdefgh\(Int.random(in: 100...999))"
            let email = "\(firstName)\(lastName)@atko.com"

            // Step 0: the first page of one user, with every field Okta reads.
            let step0 = try await client.get("Users?count=1&startIndex=1", headers: Self.getHeaders)
            #expect(step0.status == 200)
            #expect(step0["schemas"] == [.string(MessageSchema.listResponse)])
            #expect(step0["itemsPerPage"]?.intValue == 1)
            #expect(step0["startIndex"]?.intValue == 1)
            #expect(step0["totalResults"]?.intValue == 1)
            let first = try #require(step0["Resources"]?.arrayValue?.first)
            Self.expectUserFields(first)
            let isvUserID = try #require(first["id"]?.stringValue)

            // Step 2: that user by id.
            let step2 = try await client.get("Users/\(isvUserID)", headers: Self.getHeaders)
            #expect(step2.status == 200)
            Self.expectUserFields(step2.json)
            #expect(step2["id"]?.stringValue == isvUserID)

            // Steps 4 and 8: filters that match nothing answer 200 with totalResults 0.
            for userName in ["abcdefgh@atko.com", email] {
                let reply = try await client.get(Self.filterPath(userName), headers: Self.getHeaders)
                #expect(reply.status == 200)
                #expect(reply["schemas"] == [.string(MessageSchema.listResponse)])
                #expect(reply["totalResults"] == 0)
            }

            // Step 6: an unknown id is a 404 SCIM error.
            try await client.get("Users/010101001010101011001010101011", headers: Self.getHeaders).expectError(404)

            // Step 10: create, sent as application/json.
            let body =
                #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"\#(email)","#
                + #""name":{"givenName":"\#(firstName)","familyName":"\#(lastName)"},"#
                + #""emails":[{"primary":true,"value":"\#(email)","type":"work"}],"#
                + #""displayName":"\#(firstName) \#(lastName)","active":true}"#
            let postHeaders: HTTPFields = [
                .contentType: "application/json", .accept: "application/scim+json; charset=utf-8",
            ]
            let step10 = try await client.send(.post, "Users", body: body, headers: postHeaders)
            #expect(step10.status == 201, "\(step10.text)")
            #expect(step10["active"] == true)
            #expect(step10["name"]?["familyName"]?.stringValue == lastName)
            #expect(step10["name"]?["givenName"]?.stringValue == firstName)
            #expect(step10["schemas"]?.arrayValue?.contains("urn:ietf:params:scim:schemas:core:2.0:User") == true)
            #expect(step10["userName"]?.stringValue == email)
            let idUserOne = try #require(step10["id"]?.stringValue)

            // Step 12: read it back.
            let step12 = try await client.get("Users/\(idUserOne)", headers: Self.getHeaders)
            #expect(step12.status == 200)
            #expect(step12["userName"]?.stringValue == email)
            #expect(step12["name"]?["familyName"]?.stringValue == lastName)
            #expect(step12["name"]?["givenName"]?.stringValue == firstName)

            // Step 14: the same user again is a 409.
            let step14 = try await client.send(.post, "Users", body: body, headers: postHeaders)
            step14.expectError(409, scimType: "uniqueness")

            // Step 16: the upper-cased userName finds the user (userName is caseExact false).
            let step16 = try await client.get(Self.filterPath(email.uppercased()), headers: Self.getHeaders)
            #expect(step16.status == 200)
            #expect(step16["totalResults"] == 1)
            #expect(step16["Resources"]?.arrayValue?.first?["id"]?.stringValue == idUserOne)

            // Step 18: groups can be listed.
            let step18 = try await client.get("Groups", headers: Self.getHeaders)
            #expect(step18.status == 200)
            #expect(step18["Resources"]?.arrayValue != nil)

            // Step 20: a request without a real token is a 401 SCIM error.
            let step20 = try await client.get(
                Self.filterPath(email.uppercased()), authorization: "non-token", headers: Self.getHeaders)
            step20.expectError(401)
            #expect(step20.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)

            // Step 22: another unknown id.
            try await client.get("Users/00919288221112222", headers: Self.getHeaders).expectError(404)
        }
    }

    /// Okta's "Test Connector Configuration" (idp-behaviour.md §1.3) on an empty directory.
    @Test func oktaConnectorCheckOnEmptyDirectoryAnswersEmptyListWithIntegerCounters() async throws {
        try await TestServer.run { _, client in
            let reply = try await client.get("Users?startIndex=1&count=2")
            #expect(reply.status == 200)
            #expect(reply.contentType == "application/scim+json")
            #expect(reply["schemas"] == [.string(MessageSchema.listResponse)])
            #expect(reply["totalResults"] == .int(0))
            #expect(reply["startIndex"] == .int(1))
            #expect(reply["itemsPerPage"] == .int(0))
            #expect(reply["Resources"] == .array([]))
            let groups = try await client.get("Groups?startIndex=1&count=100")
            #expect(groups.status == 200)
            #expect(groups["totalResults"] == .int(0))
        }
    }
}
