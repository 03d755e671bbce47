import Foundation
import RosterTestSupport
import SCIMCore
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The `roster` executable as an operator runs it: tokens from the command line, a server in another process.
@Suite(.serialized) struct RosterCLITests {
    /// The built `roster` binary, next to the test bundle.
    static var binary: URL {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return bundle.appendingPathComponent("roster")
    }

    static func temporaryDatabase() -> String {
        TemporaryDatabase.path("roster-cli")
    }

    /// A new active token's secret, created with the CLI.
    @discardableResult
    static func createToken(_ description: String, database: String) async throws -> String {
        let created = try await roster([
            "token", "create", "--description", description, "--json", "--database", database,
        ])
        guard let token = try JSON.parse(Array(created.utf8))["token"]?.stringValue else {
            throw CLIError(description: "no token in \(created)")
        }
        return token
    }

    /// One SCIM request with a bearer token: its status and JSON body, if any.
    static func send(_ method: String, _ url: URL, token: String, body: String) async throws -> (Int, JSON?) {
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.httpBody = Data(body.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, try? JSON.parse(Array(data)))
    }

    @discardableResult
    static func roster(_ arguments: [String], expectSuccess: Bool = true) async throws -> String {
        let child = try ChildProcess(binary.path, arguments, output: .pipe, errors: .pipe)
        let (data, errorData, status) = await child.finish()
        let text = String(decoding: data, as: UTF8.self)
        let errorText = String(decoding: errorData, as: UTF8.self)
        #expect((status == 0) == expectSuccess, "roster \(arguments): \(text)\(errorText)")
        return text
    }

    @Test func tokenCreateListAndRevoke() async throws {
        let database = Self.temporaryDatabase()
        let created = try await Self.roster([
            "token", "create", "--description", "Okta", "--json", "--database", database,
            "--public-url", "https://roster.example.com/",
        ])
        let json = try JSON.parse(Array(created.utf8))
        let id = try #require(json["id"]?.stringValue)
        let token = try #require(json["token"]?.stringValue)
        #expect(token.hasPrefix("roster_"))
        #expect(json["scimEndpoint"] == "https://roster.example.com/scim/v2")

        let listed = try await Self.roster(["token", "list", "--database", database])
        #expect(listed.contains(id))
        #expect(listed.contains("Okta"))
        #expect(listed.contains("active"))
        #expect(!listed.contains(token))

        let inactive = try await Self.roster([
            "token", "create", "--description", "Later", "--inactive", "--database", database,
        ])
        #expect(inactive.contains("SCIM endpoint:"))
        #expect(try await Self.roster(["token", "list", "--database", database]).contains("inactive"))

        try await Self.roster(["token", "revoke", id, "--database", database])
        #expect(!(try await Self.roster(["token", "list", "--database", database]).contains(id)))
        try await Self.roster(["token", "revoke", id, "--database", database], expectSuccess: false)
    }

    @Test func fieldAddListAndRemove() async throws {
        let database = Self.temporaryDatabase()
        let added = try await Self.roster([
            "field", "add", "--name", "Some User's Field", "--type", "select", "--option", "A", "--option", "B",
            "--database", database,
        ])
        #expect(added.contains("External name some-users-field"))
        #expect(added.contains("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"))
        try await Self.roster(["field", "add", "--name", "Department", "--database", database], expectSuccess: false)
        let listed = try await Self.roster(["field", "list", "--database", database])
        #expect(listed.contains("some-users-field") && listed.contains("select") && listed.contains("enabled"))
        try await Self.roster(["field", "remove", "some-users-field", "--database", database], expectSuccess: false)
        let removed = try await Self.roster(["field", "remove", "some-users-field", "--yes", "--database", database])
        #expect(removed.contains("removed its value from 0 users"))
        #expect(!(try await Self.roster(["field", "list", "--database", database]).contains("some-users-field")))
    }

    /// `roster admin create` reads the password from standard input, so scripts never put it in arguments.
    @Test func adminCreateReadsThePasswordFromStandardInput() async throws {
        let database = Self.temporaryDatabase()
        let child = try ChildProcess(
            Self.binary.path, ["admin", "create", "ada", "--database", database],
            environment: ["ROSTER_PASSWORD_COST": "4"], input: .pipe, output: .pipe)
        child.input?.write(Data("correct horse battery\n".utf8))
        try child.input?.close()
        let (output, _, status) = await child.finish()
        let text = String(decoding: output, as: UTF8.self)
        #expect(status == 0 && text.contains("Administrator ada created"), "\(text)")

        try await Self.roster(["admin", "remove", "ada", "--database", database], expectSuccess: false)
        let second = try ChildProcess(
            Self.binary.path, ["admin", "create", "bob", "--database", database],
            environment: ["ROSTER_PASSWORD_COST": "4"], input: .pipe, output: .pipe)
        second.input?.write(Data("correct horse battery\n".utf8))
        try second.input?.close()
        #expect(await second.finish().2 == 0)
        #expect(try await Self.roster(["admin", "list", "--database", database]).hasPrefix("ada\tadded "))
        #expect(try await Self.roster(["admin", "remove", "ADA", "--database", database]).contains("removed"))
        let left = try await Self.roster(["admin", "list", "--database", database])
        #expect(left.hasPrefix("bob\t") && !left.contains("ada"), "\(left)")
        try await Self.roster(["admin", "remove", "bob", "--database", database], expectSuccess: false)
    }

    /// `--max-connections`: past the cap a new connection waits to be accepted until another closes.
    /// (Connections arriving in one burst are accepted together, so here they come one at a time.) No bound here
    /// decides the outcome on a slow machine: the two accepted connections may take a minute to answer, and the
    /// third, held past the cap, can only seem held for longer than it is.
    @Test func openConnectionsAreCapped() async throws {
        let database = Self.temporaryDatabase()
        let server = try RunningServer(
            // Idle connections stay open for a minute: the third connection must wait for the hang-up below.
            arguments: [
                "serve", "--port", "0", "--database", database, "--max-connections", "2", "--header-timeout", "60",
            ])
        defer { server.stop() }
        let port = try await server.waitForPort()
        var answered: [RawConnection] = []
        for _ in 0..<2 {
            let connection = try RawConnection(port: port)
            connection.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            #expect(await connection.receive(until: "ok\n", within: 60)?.hasSuffix("ok\n") == true, "accepted")
            answered.append(connection)
        }
        let held = try RawConnection(port: port)
        held.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        #expect(await held.receive(until: "ok\n", within: 2)?.hasSuffix("ok\n") != true, "held past the cap")
        answered[0].hangUp()
        // Accepted once the server sees the hang-up, or at the latest once the other idle connection's minute ends.
        #expect(
            await held.receive(until: "ok\n", within: 120)?.hasSuffix("ok\n") == true, "accepted once another closes")
    }

    /// `roster serve` prints where it listens; a token made by another process works at once, and revoking it
    /// from the command line takes effect on the running server within seconds.
    @Test func serverHonoursTokensCreatedAndRevokedByAnotherProcess() async throws {
        let database = Self.temporaryDatabase()
        let json = try JSON.parse(
            Array(
                try await Self.roster(["token", "create", "--description", "Okta", "--json", "--database", database])
                    .utf8))
        let token = try #require(json["token"]?.stringValue)
        let id = try #require(json["id"]?.stringValue)

        let server = try RunningServer(arguments: ["serve", "--port", "0", "--database", database])
        defer { server.stop() }
        let port = try await server.waitForPort()
        #expect(server.output.contains("SCIM endpoint: http://127.0.0.1:\(port)/scim/v2"))

        let url = URL(string: "http://127.0.0.1:\(port)/scim/v2/Users?startIndex=1&count=2")!
        #expect(try await Self.status(url, token: token) == 200)
        try await Self.roster(["token", "revoke", id, "--database", database])
        var status = 200
        for _ in 0..<30 where status == 200 {
            try await Task.sleep(for: .milliseconds(200))
            status = try await Self.status(url, token: token)
        }
        #expect(status == 401)
    }

    /// `roster serve --metrics-token` closes `/metrics` to scrapers without that token.
    @Test func serveProtectsMetricsWithTheMetricsToken() async throws {
        let database = Self.temporaryDatabase()
        let server = try RunningServer(
            arguments: ["serve", "--port", "0", "--database", database, "--metrics-token", "scrape-me"])
        defer { server.stop() }
        let port = try await server.waitForPort()
        let url = URL(string: "http://127.0.0.1:\(port)/metrics")!
        #expect(try await Self.status(url, token: "wrong") == 401)
        #expect(try await Self.status(url, token: "scrape-me") == 200)
    }

    static func status(_ url: URL, token: String) async throws -> Int {
        var request = URLRequest(url: url)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }
}

/// A `roster serve` child process whose output is collected as it runs.
final class RunningServer: @unchecked Sendable {
    private let child: ChildProcess
    private let lock = NSLock()
    private var collected = ""

    convenience init(arguments: [String], environment: [String: String] = [:]) throws {
        try self.init(command: RosterCLITests.binary.path, arguments: arguments, environment: environment)
    }

    /// Another long-running child (a test peer such as the webhook receiver), its output collected the same way.
    init(command: String, arguments: [String], environment: [String: String] = [:]) throws {
        child = try ChildProcess(command, arguments, environment: environment, output: .pipe, errors: .output)
        let output = child.output
        // Read on a thread of its own until the server's output ends: a pipe left unread would stall the server.
        Thread.detachNewThread { [weak self] in
            // `availableData` returns what has arrived (`read(upToCount:)` waits for the whole count), empty at the end.
            while let data = output?.availableData, !data.isEmpty {
                let text = String(decoding: data, as: UTF8.self)
                self?.lock.withLock { self?.collected += text }
            }
        }
    }

    var output: String { lock.withLock { collected } }

    /// The server's resident memory now (VmRSS), in MiB.
    var residentMemoryMB: Double {
        guard let status = try? String(contentsOfFile: "/proc/\(child.pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
        else { return 0 }
        return kilobytes / 1024
    }

    /// The port from the "listening on …:PORT" line, once the server prints it: up to two minutes for it to start
    /// (migrations on a loaded machine), unless it ends first.
    func waitForPort() async throws -> Int {
        for _ in 0..<1200 {
            if let line = output.split(separator: "\n").first(where: { $0.contains("Roster is listening on") }),
                let port = line.split(separator: ":").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) })
            {
                return port
            }
            if child.hasEnded { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CLIError(description: "roster serve did not start: \(output)")
    }

    /// Kills the server outright, as a crash or the OOM killer would: no cleanup, no draining.
    func kill() {
        child.send(SIGKILL)
        child.wait()
    }

    var exitStatus: Int32 { child.wait() }

    func send(_ signal: Int32) { child.send(signal) }

    /// The server's exit status within `seconds`, or nil if it is still running.
    func end(within seconds: Double) async -> Int32? { await child.end(within: seconds) }

    func stop() {
        child.send(SIGTERM)
        child.wait()
    }
}
