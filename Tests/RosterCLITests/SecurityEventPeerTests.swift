import Foundation
import RosterTestSupport
import SCIMCore
import Testing

/// Security events from a real `roster serve`, taken by `scripts/set-poller.py`, which polls as RFC 8936 says and
/// verifies every SET with PyJWT (a library nobody here wrote) against the keys at `/.well-known/jwks.json`.
///
/// Runs when `ROSTER_WEBHOOK_PYTHON` names a Python with PyJWT installed; CI sets it (see `.ci/run`), with
/// `ROSTER_REQUIRE_WEBHOOK_RECEIVER=1`, so a missing one fails.
@Suite(.serialized) struct SecurityEventPeerTests {
    @Test(.enabled(if: WebhookDeliveryTests.python != nil || WebhookDeliveryTests.required))
    func pyJWTVerifiesEverySETAndItsAcknowledgementsHold() async throws {
        let python = try #require(WebhookDeliveryTests.python, "set ROSTER_WEBHOOK_PYTHON (see .ci/run)")
        let database = RosterCLITests.temporaryDatabase()
        let token = try await RosterCLITests.createToken("Okta", database: database)
        let app = try JSON.parse(
            Array(
                try await RosterCLITests.roster([
                    "app", "create", "--name", "Replica", "--json", "--database", database,
                ])
                .utf8))
        let secret = try #require(app["clientSecret"]?.stringValue)
        let clientID = try #require(app["clientId"]?.stringValue)
        let server = try RunningServer(
            arguments: ["serve", "--port", "0", "--database", database, "--public-url", "https://roster.example.com"])
        defer { server.stop() }
        let port = try await server.waitForPort()
        let base = "http://127.0.0.1:\(port)"
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/set-poller.py").path
        let arguments = { (count: Int) in
            [
                script, "--base", base, "--secret", secret, "--audience", clientID, "--issuer",
                "https://roster.example.com", "--count", "\(count)", "--timeout", "60",
            ]
        }
        // The first poll starts the stream: nothing yet.
        let empty = try await Self.run(python, arguments(0))
        #expect(empty.contains(#"{"done": 0}"#), "\(empty)")

        let ids = try await WebhookDeliveryTests.createUsers(12, port: port, token: token, prefix: "peer")
        for id in ids.prefix(3) {
            let (status, _) = try await RosterCLITests.send(
                "PATCH", URL(string: "\(base)/scim/v2/Users/\(id)")!, token: token,
                body:
                    #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}"#
            )
            #expect(status == 200)
        }
        let (status, group) = try await RosterCLITests.send(
            "POST", URL(string: "\(base)/scim/v2/Groups")!, token: token,
            body: #"{"displayName":"Peers","members":[{"value":"\#(ids[0])"},{"value":"\#(ids[1])"}]}"#)
        #expect(status == 201)
        #expect(group?["id"] != nil)

        // An organization made and deleted: its deletion is a SET of Roster's own type (its making is none).
        let acme = try JSON.parse(
            Array(try await RosterCLITests.roster(["org", "create", "--name", "Acme", "--json", "--database", database]).utf8))
        let acmeID = try #require(acme["id"]?.stringValue)
        try await RosterCLITests.roster(["org", "delete", acmeID, "--yes", "--database", database])

        // 12 created, 3 deactivated, the group created and its members added, the organization deleted: 18 SETs,
        // polled 7 at a time.
        let output = try await Self.run(python, arguments(18))
        let lines = try output.split(separator: "\n").filter { $0.hasPrefix("{") }.map {
            try JSON.parse(Array($0.utf8))
        }
        #expect(lines.allSatisfy { $0["rejected"] == nil }, "PyJWT refused a SET: \(output)")
        let verified = lines.filter { $0["claims"] != nil }
        #expect(verified.count == 18, "\(output)")
        #expect(Set(verified.compactMap { $0["jti"]?.stringValue }).count == 18, "each once")
        let uris = verified.compactMap { $0["claims"]?["events"]?.objectValue?.keys.sorted().joined(separator: " ") }
        let prov = "urn:ietf:params:scim:event:prov:"
        #expect(uris.filter { $0 == prov + "create:full" }.count == 13)
        #expect(uris.filter { $0 == "\(prov)deactivate \(prov)put:full" }.count == 3)
        #expect(uris.filter { $0 == prov + "patch:full" }.count == 1)
        #expect(uris.filter { $0 == "urn:roster:event:organization:delete" }.count == 1)

        // Everything was acknowledged: a later poll hands out nothing again.
        let after = try await Self.run(python, arguments(0))
        #expect(after.contains(#"{"done": 0}"#), "\(after)")
        #expect(!after.contains("claims"), "nothing handed out twice: \(after)")
    }

    /// The poller's output; its errors are shown when it fails.
    static func run(_ python: String, _ arguments: [String]) async throws -> String {
        let child = try ChildProcess(python, arguments, output: .pipe, errors: .pipe)
        let (data, errors, status) = await child.finish()
        let text = String(decoding: data, as: UTF8.self)
        #expect(status == 0, "set-poller.py: \(text)\(String(decoding: errors, as: UTF8.self))")
        return text
    }
}
