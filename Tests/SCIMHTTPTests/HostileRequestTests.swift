import Directory
import Foundation
import HTTPTypes
import SCIMCore
import Testing

/// Requests shaped to make the server work for long: each is refused before the work starts, or done off the
/// event loops, and nothing is half-written.
@Suite struct HostileRequestTests {
    static let patch = #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":["#

    /// A user with 1,990 emails.
    static func crowded(_ client: SCIMClient) async throws -> String {
        let emails = (0..<1990).map { #"{"value":"e\#($0)@example.com"}"# }.joined(separator: ",")
        return try await client.createUser("crowded@example.com", extra: #","emails":[\#(emails)]"#)
    }

    static func removal(terms: Int, copies: Int) -> String {
        let filter = (0..<terms).map { #"value co \"q\#($0)\""# }.joined(separator: " or ")
        let operation = #"{"op":"remove","path":"emails[\#(filter)]"}"#
        return patch + Array(repeating: operation, count: copies).joined(separator: ",") + "]}"
    }

    /// The probe that stalled the server for a minute: 100 removals, each with a 20-term filter, over 1,990
    /// emails. Its work (about four million comparisons) is known before it starts, and it is refused.
    @Test func aPatchOverItsWorkBudgetIsRefusedBeforeItStarts() async throws {
        try await TestServer.run { _, client in
            let id = try await Self.crowded(client)
            let before = try await client.get("Users/\(id)")
            let refused = try await client.patch("Users/\(id)", Self.removal(terms: 20, copies: 100))
            refused.expectError(400, scimType: "tooMany")
            #expect(refused["detail"]?.stringValue?.contains("several requests") == true)
            let after = try await client.get("Users/\(id)")
            #expect(after.headers[.eTag] == before.headers[.eTag] && after.text == before.text)
            // Within the budget the same kind of work is done (off the event loops), whole.
            let done = try await client.patch(
                "Users/\(id)", Self.patch + #"{"op":"remove","path":"emails[value sw \"e1\" or value sw \"e2\"]"}]}"#)
            #expect(done.status == 200, "\(done.text.prefix(200))")
            let left = done["emails"]?.arrayValue?.compactMap { $0["value"]?.stringValue } ?? []
            let kept = (0..<1990).map { "e\($0)@example.com" }.filter { !$0.hasPrefix("e1") && !$0.hasPrefix("e2") }
            #expect(left == kept)
        }
    }

    /// Two clients changing one user at once take turns on an instance: neither is recomputed after losing a race,
    /// and both changes are kept.
    @Test func concurrentCostlyPatchesOfOneUserTakeTurns() async throws {
        try await TestServer.run { _, client in
            let id = try await Self.crowded(client)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<6 {
                    group.addTask {
                        let body =
                            Self.patch + #"{"op":"remove","path":"emails[value eq \"e\#(index)@example.com\"]"}]}"#
                        return try await client.patch("Users/\(id)", body).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == 200 }, "\(statuses)")
            let emails = try await client.get("Users/\(id)")["emails"]?.arrayValue ?? []
            #expect(emails.count == 1990 - 6)
        }
    }
}

/// Every text value has a length limit, stated in `/Schemas`: a megabyte `displayName` is refused, not stored.
@Suite struct LengthLimitTests {
    @Test func oversizedTextIsRefusedAndTheLimitIsPublished() async throws {
        try await TestServer.run { _, client in
            let long = String(repeating: "D", count: 1025)
            let user = try await client.post(
                "Users", #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"\#(long)"}"#)
            user.expectError(400, scimType: "invalidValue")
            #expect(user["detail"]?.stringValue?.contains("at most 1024 bytes") == true)
            let title = String(repeating: "T", count: 4097)
            let titled = try await client.post(
                "Users",
                #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"t@example.com","title":"\#(title)"}"#
            )
            titled.expectError(400, scimType: "invalidValue")
            let group = try await client.post(
                "Groups",
                #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"\#(String(repeating: "G", count: 600_000))"}"#
            )
            group.expectError(400, scimType: "invalidValue")
            #expect(try await client.get("Users?count=0")["totalResults"] == 0)
            // Multi-byte text counts its bytes: 341 three-byte characters fit, 342 do not.
            let fits = try await client.post(
                "Users",
                #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"\#(String(repeating: "語", count: 341))"}"#
            )
            #expect(fits.status == 201)
            let schema = try await client.get("Schemas/urn:ietf:params:scim:schemas:core:2.0:User")
            let userName = schema["attributes"]?.arrayValue?.first { $0["name"] == "userName" }
            #expect(userName?["description"]?.stringValue?.hasSuffix("At most 1024 bytes (UTF-8).") == true)
        }
    }
}

/// A page holds at most a few MiB of resources whatever `count` asks: past the budget it ends early, says so in
/// `itemsPerPage`, and the next page goes on from there, so no list makes the server hold a huge body.
@Suite struct PageBudgetTests {
    @Test func aPageOfLargeResourcesEndsEarlyAndTheNextGoesOn() async throws {
        // The server's budget made small (it is 1 MiB), so the test's resources can be few.
        try await TestServer.run(limits: Directory.Limits(maxPageBytes: 256 << 10)) { _, client in
            let note = String(repeating: "n", count: 4000)
            let emails = (0..<2).map { #"{"value":"e\#($0)-\#(note)@example.com"}"# }.joined(separator: ",")
            for index in 0..<60 {
                _ = try await client.createUser("big\(index)@example.com", extra: #","emails":[\#(emails)]"#)
            }
            let first = try await client.get("Users?count=100")
            let taken = try #require(first["itemsPerPage"]?.intValue)
            #expect(first["totalResults"] == 60 && taken < 60 && taken > 20, "\(taken)")
            #expect(first.text.utf8.count < 300 << 10)
            let rest = try await client.get("Users?startIndex=\(taken + 1)&count=100")
            #expect(rest["itemsPerPage"]?.intValue == 60 - taken)
            let names = (first["Resources"]?.arrayValue ?? []) + (rest["Resources"]?.arrayValue ?? [])
            #expect(Set(names.compactMap { $0["userName"]?.stringValue }).count == 60)
            let filtered = try await client.get("Users?filter=userName%20sw%20%22big%22&count=100")
            #expect(filtered["totalResults"] == 60 && filtered["itemsPerPage"] == first["itemsPerPage"])
            let search = try await client.post(
                ".search", #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"count":100}"#)
            #expect(search["totalResults"] == 60 && search["itemsPerPage"] == first["itemsPerPage"])
        }
    }
}
