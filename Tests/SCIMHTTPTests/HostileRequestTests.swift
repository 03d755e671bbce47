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
