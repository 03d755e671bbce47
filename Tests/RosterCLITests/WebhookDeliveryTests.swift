import Foundation
import RosterTestSupport
import SCIMCore
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Webhooks from a real `roster serve` to a receiver that verifies every signature with PyPI's `standardwebhooks`
/// (`scripts/webhook-receiver.py`): every event arrives, signed over the exact bytes the feed holds, in sequence
/// order; a receiver that fails, then hangs past the timeout, then recovers gets every event; `kill -9` in a burst
/// of writes loses no event of an acknowledged write; two instances on PostgreSQL deliver each event once.
///
/// Runs when `ROSTER_WEBHOOK_PYTHON` names a Python with `standardwebhooks` installed; CI sets it with
/// `ROSTER_REQUIRE_WEBHOOK_RECEIVER=1`, so a missing one fails.
@Suite(.serialized) struct WebhookDeliveryTests {
    static let python = ProcessInfo.processInfo.environment["ROSTER_WEBHOOK_PYTHON"]
    static let required = ProcessInfo.processInfo.environment["ROSTER_REQUIRE_WEBHOOK_RECEIVER"] == "1"

    /// The receiver, its output and the files that make it fail or hang.
    final class Receiver {
        let directory: URL
        let child: RunningServer
        let port: Int
        var secretFile: URL { directory.appendingPathComponent("secret") }
        var failWhile: URL { directory.appendingPathComponent("fail") }
        var hangWhile: URL { directory.appendingPathComponent("hang") }
        var outFile: URL { directory.appendingPathComponent("out.jsonl") }

        /// With `tls`, https with a certificate for localhost signed by a CA of its own (`caFile`).
        var caFile: String { directory.appendingPathComponent("tls/ca.pem").path }

        init(tls: Bool = false) async throws {
            let python = try #require(WebhookDeliveryTests.python, "set ROSTER_WEBHOOK_PYTHON (see .ci/run)")
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("roster-hooks-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("scripts/webhook-receiver.py").path
            let arguments =
                [
                    script, "--secret-file", directory.appendingPathComponent("secret").path, "--out",
                    directory.appendingPathComponent("out.jsonl").path, "--fail-while",
                    directory.appendingPathComponent("fail").path, "--hang-while",
                    directory.appendingPathComponent("hang").path,
                ] + (tls ? ["--tls-dir", directory.appendingPathComponent("tls").path] : [])
            child = try RunningServer(command: python, arguments: arguments)
            var found: Int?
            for _ in 0..<200 where found == nil {
                if let line = child.output.split(separator: "\n").first(where: { $0.hasPrefix("listening ") }) {
                    found = Int(line.dropFirst("listening ".count))
                }
                if found == nil { try await Task.sleep(for: .milliseconds(50)) }
            }
            port = try #require(found, "the receiver did not start: \(child.output)")
        }

        func set(_ file: URL, _ on: Bool) throws {
            if on {
                try Data().write(to: file)
            } else {
                try? FileManager.default.removeItem(at: file)
            }
        }

        /// Verified deliveries so far (id and body); fails the test on any delivery whose signature did not verify.
        func deliveries() throws -> [(id: String, body: String)] {
            guard let data = try? Data(contentsOf: outFile) else { return [] }
            return try String(decoding: data, as: UTF8.self).split(separator: "\n").map { line in
                let entry = try JSON.parse(Array(line.utf8))
                #expect(entry["rejected"] == nil, "a delivery failed verification: \(line)")
                return (entry["id"]?.stringValue ?? "", entry["body"]?.stringValue ?? "")
            }
        }

        /// Waits until deliveries include every id of `ids`.
        func waitFor(_ ids: Set<String>, seconds: Int) async throws -> [(id: String, body: String)] {
            var got: [(id: String, body: String)] = []
            for _ in 0..<(seconds * 10) {
                got = try deliveries()
                if ids.isSubset(of: Set(got.map(\.id))) { return got }
                try await Task.sleep(for: .milliseconds(100))
            }
            return got
        }

        /// Killed outright: a child of the test process inherits its blocked SIGTERM.
        func stop() {
            child.kill()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    /// A receiver, a database with a SCIM token, and an application with a webhook to the receiver.
    struct Subscribed {
        let receiver: Receiver
        let database: String
        let token: String
        let application: String
        /// The application's secret, for the feed.
        let secret: String
    }

    /// `database` when given (a PostgreSQL one), else a new SQLite file. Stop the receiver when done.
    static func subscribed(database given: String? = nil) async throws -> Subscribed {
        let receiver = try await Receiver()
        let database = given ?? RosterCLITests.temporaryDatabase()
        let token = try await RosterCLITests.createToken("Okta", database: database)
        let app = try JSON.parse(
            Array(
                try await RosterCLITests.roster([
                    "app", "create", "--name", "Helpdesk", "--json", "--database", database,
                ]).utf8))
        let application = try #require(app["id"]?.stringValue)
        let hook = try JSON.parse(
            Array(
                try await RosterCLITests.roster([
                    "webhook", "add", "--app", application, "--url", "http://127.0.0.1:\(receiver.port)/hooks",
                    "--allow-insecure", "--json", "--database", database,
                ]).utf8))
        try Data(try #require(hook["secret"]?.stringValue).utf8).write(to: receiver.secretFile)
        return Subscribed(
            receiver: receiver, database: database, token: token, application: application,
            secret: try #require(app["clientSecret"]?.stringValue))
    }

    /// Every event of the feed at `port`, as the feed sends them (each envelope's exact text).
    static func feed(port: Int, secret: String) async throws -> [(id: String, text: String, json: JSON)] {
        var events: [(id: String, text: String, json: JSON)] = []
        var cursor = ""
        for _ in 0..<1000 {
            let url = URL(string: "http://127.0.0.1:\(port)/api/v1/events?limit=1000\(cursor)")!
            var request = URLRequest(url: url)
            request.setValue("Bearer \(secret)", forHTTPHeaderField: "Authorization")
            let (data, _) = try await URLSession.shared.data(for: request)
            let page = try JSON.parse(Array(data))
            for event in page["data"]?.arrayValue ?? [] {
                events.append((event["id"]?.stringValue ?? "", event.serialized(), event))
            }
            cursor = "&after=" + (page["next_cursor"]?.stringValue ?? "")
            if page["has_more"] != .bool(true) { break }
        }
        return events
    }

    static func createUsers(_ count: Int, port: Int, token: String, prefix: String) async throws -> [String] {
        var ids: [String] = []
        for index in 0..<count {
            let (status, user) = try await RosterCLITests.send(
                "POST", URL(string: "http://127.0.0.1:\(port)/scim/v2/Users")!, token: token,
                body: #"{"userName":"\#(prefix)\#(index)@example.com"}"#)
            #expect(status == 201)
            if let id = user?["id"]?.stringValue { ids.append(id) }
        }
        return ids
    }

    @Test(.enabled(if: python != nil || required))
    func everyEventArrivesSignedOverTheFeedsBytesInOrder() async throws {
        let subscribed = try await Self.subscribed()
        defer { subscribed.receiver.stop() }
        let (receiver, database, token, secret) = (
            subscribed.receiver, subscribed.database, subscribed.token, subscribed.secret
        )
        let server = try RunningServer(arguments: ["serve", "--port", "0", "--database", database])
        defer { server.stop() }
        let port = try await server.waitForPort()
        let ids = try await Self.createUsers(25, port: port, token: token, prefix: "signed")
        for id in ids.prefix(5) {
            let (status, _) = try await RosterCLITests.send(
                "DELETE", URL(string: "http://127.0.0.1:\(port)/scim/v2/Users/\(id)")!, token: token, body: "")
            #expect(status == 204)
        }
        let feed = try await Self.feed(port: port, secret: secret)
        #expect(feed.count == 30)
        let delivered = try await receiver.waitFor(Set(feed.map(\.id)), seconds: 30)
        #expect(delivered.count == 30, "each event once when nothing fails: \(delivered.count)")
        // The bytes signed and sent are the bytes the feed serves: the envelope is never encoded twice.
        let sent = Dictionary(delivered.map { ($0.id, $0.body) }, uniquingKeysWith: { first, _ in first })
        for event in feed { #expect(sent[event.id] == event.text, "\(event.id)") }
        let sequences = delivered.compactMap { try? JSON.parse(Array($0.body.utf8))["sequence"]?.intValue }
        #expect(sequences == Array(1...30), "in sequence order")
    }

    @Test(.enabled(if: python != nil || required))
    func aReceiverThatFailsThenHangsThenRecoversGetsEveryEvent() async throws {
        let subscribed = try await Self.subscribed()
        defer { subscribed.receiver.stop() }
        let (receiver, database, token, secret) = (
            subscribed.receiver, subscribed.database, subscribed.token, subscribed.secret
        )
        try receiver.set(receiver.failWhile, true)
        let server = try RunningServer(arguments: ["serve", "--port", "0", "--database", database])
        defer { server.stop() }
        let port = try await server.waitForPort()
        _ = try await Self.createUsers(8, port: port, token: token, prefix: "refused")
        // Refused: the endpoint is marked failing, the first event waits for its retry.
        var failing = ""
        for _ in 0..<100 where !failing.contains("failing since") {
            try await Task.sleep(for: .milliseconds(100))
            failing = try await RosterCLITests.roster(["webhook", "list", "--database", database])
        }
        #expect(failing.contains("failing since"), "\(failing)")
        // Then it hangs past the 10 s timeout, then it recovers.
        try receiver.set(receiver.hangWhile, true)
        try receiver.set(receiver.failWhile, false)
        try await Task.sleep(for: .seconds(12))
        try receiver.set(receiver.hangWhile, false)
        _ = try await Self.createUsers(4, port: port, token: token, prefix: "later")
        let feed = try await Self.feed(port: port, secret: secret)
        #expect(feed.count == 12)
        let delivered = try await receiver.waitFor(Set(feed.map(\.id)), seconds: 90)
        #expect(Set(delivered.map(\.id)) == Set(feed.map(\.id)), "every event arrived")
        // A hung delivery may have arrived after Roster gave up on it: then it came again, with the same id and
        // the same body.
        let bodies = Dictionary(grouping: delivered, by: \.id)
        for (id, copies) in bodies { #expect(Set(copies.map(\.body)).count == 1, "\(id) was sent differently") }
        let listed = try await RosterCLITests.roster(["webhook", "list", "--database", database])
        #expect(listed.contains("enabled") && !listed.contains("failing"), "\(listed)")
    }

    /// An answer that trickles in forever is cut at 10 s, and it holds up only its own endpoint: another one of
    /// the same application gets every event meanwhile.
    @Test(.enabled(if: python != nil || required))
    func aReceiverThatNeverFinishesAnsweringStallsOnlyItsOwnEndpoint() async throws {
        let subscribed = try await Self.subscribed()
        defer { subscribed.receiver.stop() }
        let (receiver, database, token, secret) = (
            subscribed.receiver, subscribed.database, subscribed.token, subscribed.secret
        )
        try await RosterCLITests.roster([
            "webhook", "add", "--app", subscribed.application, "--url", "http://127.0.0.1:\(receiver.port)/trickle",
            "--allow-insecure", "--database", database,
        ])
        let server = try RunningServer(arguments: ["serve", "--port", "0", "--database", database])
        defer { server.stop() }
        let port = try await server.waitForPort()
        _ = try await Self.createUsers(5, port: port, token: token, prefix: "beside")
        let feed = try await Self.feed(port: port, secret: secret)
        #expect(feed.count == 5)
        let delivered = try await receiver.waitFor(Set(feed.map(\.id)), seconds: 8)
        #expect(Set(delivered.map(\.id)) == Set(feed.map(\.id)), "the other endpoint was held up")
        var state = ""
        for _ in 0..<150 where !state.contains("failing since") {
            try await Task.sleep(for: .milliseconds(100))
            state = try await RosterCLITests.roster(["webhook", "list", "--database", database])
        }
        #expect(state.contains("/trickle") && state.contains("failing since"), "\(state)")
    }

    /// Over https, the receiver's certificate is checked against the system's roots and `--webhook-ca-file`, and
    /// for the URL's name: a CA Roster was not told of, or a certificate for another name, is a failed delivery.
    @Test(.enabled(if: python != nil || required))
    func httpsDeliveriesCheckTheReceiversCertificateAndName() async throws {
        let receiver = try await Receiver(tls: true)
        defer { receiver.stop() }
        let database = RosterCLITests.temporaryDatabase()
        let token = try await RosterCLITests.createToken("Okta", database: database)
        let app = try JSON.parse(
            Array(
                try await RosterCLITests.roster([
                    "app", "create", "--name", "Helpdesk", "--json", "--database", database,
                ]).utf8))
        let application = try #require(app["id"]?.stringValue)
        let secret = try #require(app["clientSecret"]?.stringValue)
        let add = { (url: String) in
            try JSON.parse(
                Array(
                    try await RosterCLITests.roster([
                        "webhook", "add", "--app", application, "--url", url, "--allow-insecure", "--json",
                        "--database", database,
                    ]).utf8))
        }
        let named = try await add("https://localhost:\(receiver.port)/hooks")
        let byAddress = try await add("https://127.0.0.1:\(receiver.port)/by-address")  // the certificate names localhost only
        // Both secrets verify: only TLS can keep the second endpoint's deliveries out.
        let secrets = [named, byAddress].compactMap { $0["secret"]?.stringValue }.joined(separator: "\n")
        try Data(secrets.utf8).write(to: receiver.secretFile)

        let server = try RunningServer(arguments: [
            "serve", "--port", "0", "--database", database, "--webhook-ca-file", receiver.caFile,
        ])
        let port = try await server.waitForPort()
        _ = try await Self.createUsers(3, port: port, token: token, prefix: "tls")
        let feed = try await Self.feed(port: port, secret: secret)
        let delivered = try await receiver.waitFor(Set(feed.map(\.id)), seconds: 30)
        #expect(delivered.count == 3, "delivered over https to the name, and only there: \(delivered.count)")
        #expect(Set(delivered.map(\.id)) == Set(feed.map(\.id)))
        let failing = { (marker: String) in
            var state = ""
            for _ in 0..<150 {
                state = try await RosterCLITests.roster(["webhook", "list", "--database", database])
                if state.split(separator: "\n").contains(where: { $0.contains(marker) && $0.contains("failing since") })
                {
                    return true
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            return false
        }
        #expect(try await failing("/by-address"), "a certificate for another name is refused")
        server.stop()

        // Without the CA, the same receiver is not trusted.
        let untrusting = try RunningServer(arguments: ["serve", "--port", "0", "--database", database])
        defer { untrusting.stop() }
        let again = try await untrusting.waitForPort()
        _ = try await Self.createUsers(1, port: again, token: token, prefix: "untrusted")
        #expect(try await failing("/hooks"), "a CA Roster was not told of is refused")
        #expect(try receiver.deliveries().count == 3)
    }

    @Test(.enabled(if: python != nil || required))
    func killDashNineLosesNoEventOfAnAcknowledgedWrite() async throws {
        let subscribed = try await Self.subscribed()
        defer { subscribed.receiver.stop() }
        let (receiver, database, token, secret) = (
            subscribed.receiver, subscribed.database, subscribed.token, subscribed.secret
        )
        let server = try RunningServer(arguments: ["serve", "--port", "0", "--database", database])
        let base = "http://127.0.0.1:\(try await server.waitForPort())/scim/v2"
        // Four writers create and deactivate; each acknowledgement is noted, until the server dies under them.
        let created = Mutexed<Set<String>>([])
        let deactivated = Mutexed<Set<String>>([])
        let writers = (0..<4).map { writer in
            Task {
                for index in 0..<100_000 {
                    let (status, user) = try await RosterCLITests.send(
                        "POST", URL(string: "\(base)/Users")!, token: token,
                        body: #"{"userName":"burst\#(writer)-\#(index)"}"#)
                    guard status == 201, let id = user?["id"]?.stringValue else { return }
                    created.update { $0.insert(id) }
                    let (patched, _) = try await RosterCLITests.send(
                        "PATCH", URL(string: "\(base)/Users/\(id)")!, token: token,
                        body: #"{"Operations":[{"op":"replace","path":"active","value":false}]}"#)
                    guard patched == 200 else { return }
                    deactivated.update { $0.insert(id) }
                }
            }
        }
        for _ in 0..<300 where created.value.count < 60 { try await Task.sleep(for: .milliseconds(100)) }
        server.kill()
        for writer in writers { _ = await writer.result }
        #expect(created.value.count > 20, "too few writes before the kill to mean anything")

        let restarted = try RunningServer(arguments: ["serve", "--port", "0", "--database", database])
        defer { restarted.stop() }
        let port = try await restarted.waitForPort()
        let feed = try await Self.feed(port: port, secret: secret)
        let told = Set(
            feed.compactMap { event -> String? in
                guard let id = event.json["data"]?["object"]?["id"]?.stringValue,
                    let type = event.json["type"]?.stringValue
                else { return nil }
                return type + " " + id
            })
        for id in created.value { #expect(told.contains("user.created \(id)"), "created \(id) untold") }
        for id in deactivated.value { #expect(told.contains("user.deactivated \(id)"), "deactivation of \(id) untold") }
        let sequences = feed.compactMap { $0.json["sequence"]?.intValue }
        #expect(sequences == Array(1...sequences.count), "no gap in the sequence")
        // The receiver gets them all after the restart; repeats only of an event it already had, with its id.
        let delivered = try await receiver.waitFor(Set(feed.map(\.id)), seconds: 60)
        #expect(Set(delivered.map(\.id)) == Set(feed.map(\.id)))
    }

    @Test(.enabled(if: (python != nil || required) && PostgresTestDatabase.isConfigured))
    func twoInstancesOnPostgreSQLDeliverEachEventOnce() async throws {
        let subscribed = try await Self.subscribed(database: try await PostgresTestDatabase.create())
        defer { subscribed.receiver.stop() }
        let (receiver, database, token, secret) = (
            subscribed.receiver, subscribed.database, subscribed.token, subscribed.secret
        )
        let servers = try (0..<2).map { _ in
            try RunningServer(arguments: ["serve", "--port", "0", "--database", database])
        }
        defer { servers.forEach { $0.stop() } }
        var ports: [Int] = []
        for server in servers { ports.append(try await server.waitForPort()) }
        // Writes through both instances at once.
        let (port0, port1) = (ports[0], ports[1])
        async let first = Self.createUsers(20, port: port0, token: token, prefix: "a")
        async let second = Self.createUsers(20, port: port1, token: token, prefix: "b")
        _ = try await (first, second)
        let feed = try await Self.feed(port: ports[0], secret: secret)
        #expect(feed.count == 40)
        let delivered = try await receiver.waitFor(Set(feed.map(\.id)), seconds: 30)
        try await Task.sleep(for: .seconds(1))
        let all = try receiver.deliveries()
        #expect(all.count == 40, "each event delivered once: \(all.count) deliveries of \(Set(all.map(\.id)).count)")
        #expect(Set(delivered.map(\.id)) == Set(feed.map(\.id)))
        let sequences = all.compactMap { try? JSON.parse(Array($0.body.utf8))["sequence"]?.intValue }
        #expect(sequences == Array(1...40), "in sequence order")
    }
}
