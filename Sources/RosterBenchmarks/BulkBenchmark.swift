import ArgumentParser
import Foundation
import SCIMCore

#if canImport(Glibc)
    import Glibc
#endif

/// 1,000 users created by one Bulk request against the same 1,000 sent as single POSTs, one after another over one
/// keep-alive connection, on a real `roster serve`; rounds interleaved so a slow stretch of the machine hits both.
struct BulkBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bulk",
        abstract: """
            Create users with single POSTs over one connection and with one POST /Bulk, against roster serve, and \
            report both and their ratio.
            """)

    @Option(help: "Users created per round by each method.") var users = 1000
    @Option(help: "Rounds; the median is reported.") var rounds = 5
    @Option(help: "A PostgreSQL URL to run on instead of a new SQLite file.") var database: String?
    @Option(help: "Where to write the JSON results.") var output = "roster-bench-bulk.json"
    @Option(help: "Folder for the SQLite database.") var folder = FileManager.default.temporaryDirectory.path

    func run() async throws {
        let work = "\(folder)/roster-bench-bulk-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let location = database ?? "\(work)/roster.sqlite"
        let seeded = try await Seed.directory(at: location, users: 10, bigGroup: 0)
        let server = try ServerProcess(database: location, rateLimit: nil)
        defer { server.stop() }
        let port = try await server.waitForPort()
        var times: [Method: [Double]] = [:]
        for round in 0..<rounds {
            for method in Method.allCases {
                let connection = try HTTPConnection(port: port)
                defer { connection.close() }
                let names = (0..<users).map { "\(method.tag)-\(round)-\($0)@example.com" }
                let elapsed = try await Stopwatch.time {
                    try method.create(names, over: connection, token: seeded.token)
                }
                times[method, default: []].append(elapsed.milliseconds)
                print(String(format: "round %d, %@: %.0f ms", round + 1, method.rawValue, elapsed.milliseconds))
            }
        }
        let singles = Self.median(times[.singles] ?? [])
        let rows = Method.allCases.map { method in
            let milliseconds = Self.median(times[method] ?? [])
            return Row(
                method: method, milliseconds: milliseconds, perSecond: Double(users) / milliseconds * 1000,
                speedup: singles / milliseconds)
        }
        let store = database == nil ? "SQLite" : "PostgreSQL"
        print("\n\(users) users created, \(store), median of \(rounds) rounds:\n")
        print("| method | ms | users/s | × single POSTs |\n|---|---:|---:|---:|")
        for row in rows { print(row.markdown) }
        let json = JSON.object([
            "users": .int(users), "store": .string(store), "rounds": .int(rounds),
            "rows": .array(rows.map(\.json)),
        ])
        try json.serialized().write(toFile: output, atomically: true, encoding: .utf8)
    }

    enum Method: String, CaseIterable {
        case singles = "single POSTs, one connection"
        case bulk = "one Bulk request"
        case sequentialBulk = "one Bulk request, failOnErrors (one at a time)"

        var tag: String {
            switch self {
            case .singles: "single"
            case .bulk: "bulk"
            case .sequentialBulk: "sequential"
            }
        }

        func create(_ names: [String], over connection: HTTPConnection, token: String) throws {
            func user(_ name: String) -> JSON {
                .object([
                    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": .string(name),
                    "name": .object(["givenName": "Given", "familyName": "Family"]),
                    "emails": .array([.object(["value": .string(name), "type": "work", "primary": true])]),
                    "active": true,
                ])
            }
            switch self {
            case .singles:
                for name in names {
                    let (status, _) = try connection.send("POST", "/scim/v2/Users", body: user(name), token: token)
                    guard status == 201 else { throw ValidationFailure("a POST answered \(status)") }
                }
            case .bulk, .sequentialBulk:
                var request: JSONObject = [
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
                    "Operations": .array(
                        names.enumerated().map { index, name in
                            .object([
                                "method": "POST", "path": "/Users", "bulkId": .string("u\(index)"), "data": user(name),
                            ])
                        }),
                ]
                if self == .sequentialBulk { request["failOnErrors"] = .int(names.count) }
                let (status, body) = try connection.send("POST", "/scim/v2/Bulk", body: .object(request), token: token)
                let created = (try? JSON.parse(body))?["Operations"]?.arrayValue?.filter { $0["status"] == "201" }
                guard status == 200, created?.count == names.count else {
                    throw ValidationFailure("the Bulk request answered \(status), \(created?.count ?? 0) created")
                }
            }
        }
    }

    struct Row {
        var method: Method
        var milliseconds: Double
        var perSecond: Double
        var speedup: Double

        var markdown: String {
            String(format: "| %@ | %.0f | %.0f | %.2f× |", method.rawValue, milliseconds, perSecond, speedup)
        }

        var json: JSON {
            .object([
                "method": .string(method.rawValue), "milliseconds": .double(milliseconds),
                "perSecond": .double(perSecond), "speedup": .double(speedup),
            ])
        }
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}

/// One keep-alive HTTP/1.1 connection to the loopback server, one request at a time: what a provisioning client
/// that sends requests in turn does, with no client library's own cost in the measurement.
final class HTTPConnection {
    private let socket: Int32
    private var buffer: [UInt8] = []

    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard socket >= 0, connected == 0 else { throw ValidationFailure("cannot connect to port \(port)") }
        var one: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    func close() { _ = Glibc.close(socket) }

    /// Sends a request and reads its whole response (which must carry Content-Length).
    func send(_ method: String, _ path: String, body: JSON?, token: String?) throws -> (status: Int, body: [UInt8]) {
        let (status, _, body) = try request(
            method, path,
            headers: (token.map { ["Authorization: Bearer \($0)"] } ?? []) + ["Content-Type: application/scim+json"],
            body: body?.serializedBytes() ?? [])
        return (status, body)
    }

    /// Sends a request with these header lines and reads its whole response: the status, the headers (by lower-case
    /// name) and the body (which must carry Content-Length, or be empty).
    func request(_ method: String, _ path: String, headers: [String] = [], body payload: [UInt8] = []) throws -> (
        status: Int, headers: [String: String], body: [UInt8]
    ) {
        let lines = headers.map { $0 + "\r\n" }.joined()
        let head =
            "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(lines)Content-Length: \(payload.count)\r\n\r\n"
        try write(Array(head.utf8) + payload)
        let headerEnd = try readUntilHeaderEnd()
        let text = String(decoding: buffer[..<headerEnd], as: UTF8.self)
        buffer.removeFirst(headerEnd + 4)
        let received = text.split(separator: "\r\n")
        let status = received.first.flatMap { Int($0.split(separator: " ")[1]) } ?? 0
        var fields: [String: String] = [:]
        for line in received.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = fields["content-length"].flatMap { Int($0) } ?? 0
        while buffer.count < length { try fill() }
        let responseBody = Array(buffer.prefix(length))
        buffer.removeFirst(length)
        return (status, fields, responseBody)
    }

    private func write(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { throw ValidationFailure("the connection closed while sending") }
            sent += count
        }
    }

    private func readUntilHeaderEnd() throws -> Int {
        let marker: [UInt8] = [13, 10, 13, 10]
        var searched = 0
        while true {
            if buffer.count >= 4 {
                for index in max(0, searched - 3)...(buffer.count - 4)
                where buffer[index..<index + 4].elementsEqual(marker) {
                    return index
                }
                searched = buffer.count
            }
            try fill()
        }
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { throw ValidationFailure("the connection closed while reading") }
        buffer += chunk[..<count]
    }
}

/// Waits until the server answers `/healthz` as fast as it did idle: the work a scenario left behind (a WAL
/// checkpoint, a backlog) is done.
struct QuietServer {
    let port: Int
    /// The median latency of /healthz on the idle server.
    let idleMilliseconds: Double

    init(port: Int) throws {
        self.port = port
        idleMilliseconds = try Self.latency(port: port, samples: 200)
    }

    /// Median latency of `samples` sequential /healthz requests over one connection.
    static func latency(port: Int, samples: Int) throws -> Double {
        let connection = try HTTPConnection(port: port)
        defer { connection.close() }
        var times: [Double] = []
        for _ in 0..<samples {
            let start = ContinuousClock.now
            _ = try connection.send("GET", "/healthz", body: nil, token: nil)
            times.append((ContinuousClock.now - start).milliseconds)
        }
        return times.sorted()[times.count / 2]
    }

    /// Until /healthz answers within 1.5 times its idle latency (plus 50 µs of timer noise), for at most 60 s.
    func wait() async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if try Self.latency(port: port, samples: 50) <= idleMilliseconds * 1.5 + 0.05 { return }
            try await Task.sleep(for: .milliseconds(500))
        }
        print("The server did not come back to its idle latency within 60 s; measuring anyway.")
    }

    /// Until no autovacuum worker runs on the PostgreSQL at `url` (the writes of a scenario wake them), for at most
    /// 120 s.
    static func waitForVacuum(_ url: String) async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        let busy = "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'"
        while ContinuousClock.now < deadline {
            let count = try Command.run("psql", [url, "-Atq", "-c", busy]).trimmingCharacters(
                in: .whitespacesAndNewlines)
            if count == "0" { return }
            try await Task.sleep(for: .milliseconds(500))
        }
        print("PostgreSQL's autovacuum still ran after 120 s; measuring anyway.")
    }
}
