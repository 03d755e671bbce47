import Foundation
import RosterTestSupport
import SCIMCore
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// PostgreSQL goes away under load, with two instances serving: requests get 503 with `Retry-After` within the
/// bounded wait (never a 500, never a hang), `/readyz` turns 503 and back, every acknowledged write is there
/// afterwards and no refused one is, and SIGTERM during the outage exits within the shutdown bound.
///
/// Those bounds are the server's promises, checked with a few seconds to spare: CI runs this suite on its own, with
/// the connection deadlines' (`ROSTER_CONNECTION_TESTS_APART=1` leaves it out of the run of everything), so that the
/// spare seconds are not spent waiting for a CPU.
@Suite(.serialized, .disabled(if: ProcessInfo.processInfo.environment["ROSTER_CONNECTION_TESTS_APART"] == "1"))
struct DatabaseOutageTests {
    static let wait = 2.0
    static let shutdownBound = 8.0
    static let statementTimeout = 4.0

    struct Outcome: Sendable {
        var userName: String
        var status: Int
        var seconds: Double
        var retryAfter: String?
        /// A 503 that says the change may have been applied (the connection went during its commit).
        var inDoubt = false
    }

    @Test(.enabled(if: ThrowawayPostgres.isAvailable), .timeLimit(.minutes(5)))
    func anOutageIsA503WithinTheBoundAndNothingAcknowledgedIsLost() async throws {
        try await ThrowawayPostgres.with { postgres in try await Self.outage(postgres) }
    }

    static func outage(_ postgres: ThrowawayPostgres) async throws {
        let token = try await RosterCLITests.createToken("Okta", database: postgres.url)
        let servers = try (0..<2).map { _ in try Self.server(postgres.url) }
        defer { servers.forEach { $0.kill() } }
        var ports: [Int] = []
        for server in servers { ports.append(try await server.waitForPort()) }
        let targets = ports

        let outcomes = Mutexed<[Outcome]>([])
        let writing = Mutexed(true)
        let writers = Task {
            await withTaskGroup(of: Void.self) { group in
                for (index, port) in targets.enumerated() {
                    group.addTask {
                        var count = 0
                        while writing.value {
                            count += 1
                            let outcome = await Self.create("w\(index)-\(count)@example.com", port: port, token: token)
                            outcomes.update { $0.append(outcome) }
                        }
                    }
                }
            }
        }
        try await Task.sleep(for: .seconds(1.5))
        try await postgres.stop()
        let stopped = Date()
        // /readyz turns 503 on both instances within the bounded wait.
        for port in ports {
            var ready = true
            while ready, Date().timeIntervalSince(stopped) < Self.wait + 5 {
                ready = await Self.status(port: port, path: "/readyz") == 200
            }
            #expect(!ready, "/readyz on \(port) still 200 \(Date().timeIntervalSince(stopped)) s into the outage")
        }
        try await Task.sleep(for: .seconds(4))
        try await postgres.start()
        let restarted = Date()
        for port in ports {
            var ready = false
            while !ready, Date().timeIntervalSince(restarted) < 60 {
                ready = await Self.status(port: port, path: "/readyz") == 200
                if !ready { try await Task.sleep(for: .milliseconds(200)) }
            }
            #expect(ready, "/readyz on \(port) back to 200 after the restart")
        }
        try await Task.sleep(for: .seconds(1))
        writing.update { $0 = false }
        await writers.value

        let all = outcomes.value
        let refused = all.filter { $0.status == 503 }
        #expect(all.allSatisfy { [201, 503].contains($0.status) }, "\(Set(all.map(\.status)))")
        #expect(!refused.isEmpty, "the outage was seen")
        #expect(refused.allSatisfy { Int($0.retryAfter ?? "") != nil }, "Retry-After is an integer")
        let slowest = all.map(\.seconds).max() ?? 0
        // Each statement waits at most the bound; a request runs few (its token, then its write).
        #expect(slowest < 2 * Self.wait + Self.statementTimeout + 3, "no request waited past the bound: \(slowest) s")
        #expect(all.suffix(4).contains { $0.status == 201 }, "writes go on after the restart")

        // Every acknowledged user is there, on either instance; no refused one is.
        for outcome in all where outcome.status == 201 || (outcome.status == 503 && !outcome.inDoubt) {
            let found = try await Self.find(outcome.userName, port: ports[0], token: token)
            #expect(found == (outcome.status == 201 ? 1 : 0), "\(outcome.userName) answered \(outcome.status)")
        }
    }

    /// SIGTERM while PostgreSQL is down, or going down, under load: the process exits within the bound, and says
    /// what it could not write. Several rounds, to meet the timings.
    @Test(.enabled(if: ThrowawayPostgres.isAvailable), .timeLimit(.minutes(5)))
    func shutdownFinishesWithinItsBoundWhateverTheDatabaseDoes() async throws {
        try await ThrowawayPostgres.with { postgres in try await Self.shutdowns(postgres) }
    }

    static func shutdowns(_ postgres: ThrowawayPostgres) async throws {
        let token = try await RosterCLITests.createToken("Okta", database: postgres.url)
        for round in 0..<3 {
            let servers = try (0..<2).map { _ in try Self.server(postgres.url) }
            defer { servers.forEach { $0.kill() } }
            var ports: [Int] = []
            for server in servers { ports.append(try await server.waitForPort()) }
            let targets = ports
            let writing = Mutexed(true)
            let writers = Task {
                await withTaskGroup(of: Void.self) { group in
                    for port in targets {
                        group.addTask {
                            var count = 0
                            while writing.value {
                                count += 1
                                _ = await Self.create("r\(round)-\(port)-\(count)@x.com", port: port, token: token)
                            }
                        }
                    }
                }
            }
            try await Task.sleep(for: .seconds(1))
            // One instance is told to stop as the database goes down, the other once it is down.
            servers[0].send(SIGTERM)
            let first = Date()
            try await postgres.stop()
            servers[1].send(SIGTERM)
            let second = Date()
            let firstEnd = await servers[0].end(within: Self.shutdownBound + 4)
            #expect(firstEnd != nil, "round \(round): still running \(Date().timeIntervalSince(first)) s after SIGTERM")
            let secondEnd = await servers[1].end(within: Self.shutdownBound + 4)
            #expect(
                secondEnd != nil, "round \(round): still running \(Date().timeIntervalSince(second)) s after SIGTERM")
            // Either a clean exit, or the watchdog's, whose log line says what was not written.
            for (server, end) in zip(servers, [firstEnd, secondEnd]) where end != nil && end != 0 {
                #expect(
                    server.output.contains("Shutdown did not finish")
                        && server.output.contains("provisioning activity"),
                    "round \(round): \(server.output.split(separator: "\n").suffix(3))")
            }
            writing.update { $0 = false }
            await writers.value
            try await postgres.start()
        }
    }

    static func server(_ url: String) throws -> RunningServer {
        try RunningServer(
            arguments: [
                "serve", "--port", "0", "--database", url, "--database-wait", "\(wait)", "--shutdown-timeout",
                "\(shutdownBound)", "--database-pool-size", "4", "--database-statement-timeout", "\(statementTimeout)",
            ],
            environment: ["ROSTER_PASSWORD_COST": "4"])
    }

    static func create(_ userName: String, port: Int, token: String) async -> Outcome {
        let started = Date()
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/scim/v2/Users")!)
        request.httpMethod = "POST"
        request.timeoutInterval = 30
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/scim+json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(#"{"userName":"\#(userName)"}"#.utf8)
        let reply = try? await URLSession.shared.data(for: request)
        let response = reply?.1 as? HTTPURLResponse
        return Outcome(
            userName: userName, status: response?.statusCode ?? 0, seconds: Date().timeIntervalSince(started),
            retryAfter: response?.value(forHTTPHeaderField: "Retry-After"),
            inDoubt: reply.map { String(decoding: $0.0, as: UTF8.self).contains("may or may not") } ?? false)
    }

    static func status(port: Int, path: String) async -> Int {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.timeoutInterval = 10
        return (try? await URLSession.shared.data(for: request).1 as? HTTPURLResponse)?.statusCode ?? 0
    }

    static func find(_ userName: String, port: Int, token: String) async throws -> Int? {
        let filter = "userName eq \"\(userName)\"".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let (status, json) = try await RosterCLITests.send(
            "GET", URL(string: "http://127.0.0.1:\(port)/scim/v2/Users?filter=\(filter)")!, token: token, body: "")
        guard status == 200, case .int(let total)? = json?["totalResults"] else { return nil }
        return total
    }
}
