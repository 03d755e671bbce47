import ArgumentParser
import Crypto
import Foundation
import SCIMCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// What events cost and how fast they go: POST throughput with and without a webhook endpoint and a feed reader
/// active (interleaved rounds), the rate a backlog of events is delivered to a local receiver that checks every
/// signature, and the rate one reader reads the feed.
struct EventsBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: """
            POST throughput with and without a webhook and a feed reader, webhook delivery of a backlog to a local \
            receiver, and feed reading, against roster serve.
            """)

    @Option(help: "Events in the backlog delivered and read.") var backlog = 20_000
    @Option(help: "Seconds of POST load per round.") var seconds = 8
    @Option(help: "Rounds of POST load with and without events' consumers; medians are reported.") var rounds = 3
    @Option(help: "A PostgreSQL URL to run on instead of a new SQLite file.") var database: String?
    @Option(help: "Where to write the JSON results.") var output = "roster-bench-events.json"
    @Option(help: "Folder for the SQLite database and wrk's scripts.") var folder = FileManager.default
        .temporaryDirectory.path

    func run() async throws {
        let work = "\(folder)/roster-bench-events-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let location = database ?? "\(work)/roster.sqlite"
        let seeded = try await Seed.directory(at: location, users: 1000, bigGroup: 0)
        let receiver = try Receiver()
        defer { receiver.stop() }
        let app = try JSON.parse(
            Array(try Self.roster(["app", "create", "--name", "Bench", "--json", "--database", location]).utf8))
        let appID = app["id"]?.stringValue ?? ""
        let secret = app["clientSecret"]?.stringValue ?? ""
        let hook = try JSON.parse(
            Array(
                try Self.roster([
                    "webhook", "add", "--app", appID, "--url", "http://127.0.0.1:\(receiver.port)/hook",
                    "--allow-insecure", "--json", "--database", location,
                ]).utf8))
        let hookID = hook["id"]?.stringValue ?? ""
        receiver.secret.withLock { $0 = hook["secret"]?.stringValue ?? "" }
        _ = try Self.roster(["webhook", "enable", hookID, "--disable", "--database", location])

        let server = try ServerProcess(database: location, rateLimit: nil)
        defer { server.stop() }
        let port = try await server.waitForPort()
        let load = Load(
            origin: "http://127.0.0.1:\(port)", token: seeded.token, folder: work, seconds: seconds, connections: 64,
            threads: 2)
        let post = Scenario.all(seeded).first { $0.name == "POST create" }!

        // 1. POST alone against POST while a webhook endpoint takes every event and a reader follows the feed.
        var alone: [Double] = []
        var consumed: [Double] = []
        for round in 0..<rounds {
            try await QuietServer(port: port).wait()
            alone.append(try load.run(post).requestsPerSecond)
            _ = try Self.roster(["webhook", "enable", hookID, "--database", location])
            let reader = FeedReader(port: port, secret: secret)
            let reading = Task.detached { reader.follow() }
            try await QuietServer(port: port).wait()
            consumed.append(try load.run(post).requestsPerSecond)
            reader.stop()
            _ = await reading.value
            // Let delivery catch up, then stop it for the next round without consumers.
            for _ in 0..<600 where receiver.count < reader.read { try await Task.sleep(for: .milliseconds(100)) }
            _ = try Self.roster(["webhook", "enable", hookID, "--disable", "--database", location])
            print(
                String(
                    format:
                        "round %d: POST %.0f/s alone, %.0f/s with a webhook and a feed reader (%d events read, %d delivered)",
                    round + 1, alone.last!, consumed.last!, reader.read, receiver.count))
        }

        // 2. A backlog written while the endpoint is disabled, delivered once it is enabled.
        let backlogStart = receiver.count
        let writer = try HTTPConnection(port: port)
        defer { writer.close() }
        var written = 0
        while written < backlog {
            let batch = min(1000, backlog - written)
            let names = (0..<batch).map { "backlog-\(written + $0)@example.com" }
            try BulkBenchmark.Method.bulk.create(names, over: writer, token: seeded.token)
            written += batch
        }
        try await QuietServer(port: port).wait()
        receiver.resetClock()
        _ = try Self.roster(["webhook", "enable", hookID, "--database", location])
        for _ in 0..<3000 where receiver.count - backlogStart < backlog { try await Task.sleep(for: .milliseconds(50)) }
        let delivered = receiver.count - backlogStart
        let deliverySeconds = receiver.elapsedSinceFirst
        let deliveryRate = Double(delivered) / max(deliverySeconds, 0.001)

        // 3. The whole feed read by one reader, 1,000 events a page.
        try await QuietServer(port: port).wait()
        let reader = FeedReader(port: port, secret: secret)
        var feedEvents = 0
        let feedTime = try await Stopwatch.time { feedEvents = try reader.readAll() }
        let feedRate = Double(feedEvents) / feedTime.milliseconds * 1000

        let store = database == nil ? "SQLite" : "PostgreSQL"
        let postAlone = median(alone)
        let postConsumed = median(consumed)
        print("\nEvents, \(store):\n")
        print("| measure | value |\n|---|---:|")
        print(String(format: "| POST/s alone (median of %d) | %.0f |", rounds, postAlone))
        print(String(format: "| POST/s with a webhook endpoint and a feed reader | %.0f |", postConsumed))
        print(String(format: "| change | %+.1f%% |", (postConsumed / postAlone - 1) * 100))
        print(String(format: "| webhook delivery of a %d-event backlog, events/s | %.0f |", delivered, deliveryRate))
        print(String(format: "| feed read by one reader (%d events), events/s | %.0f |", feedEvents, feedRate))
        print("\nEvery delivery's signature was checked: \(receiver.rejected) rejected.")
        let json = JSON.object([
            "store": .string(store), "postAlone": .double(postAlone), "postWithConsumers": .double(postConsumed),
            "deliveryPerSecond": .double(deliveryRate), "delivered": .int(delivered),
            "feedPerSecond": .double(feedRate), "feedEvents": .int(feedEvents), "rejected": .int(receiver.rejected),
        ])
        try json.serialized().write(toFile: output, atomically: true, encoding: .utf8)
    }

    func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[(sorted.count - 1) / 2]
    }

    /// Runs the `roster` next to this benchmark; its standard output.
    static func roster(_ arguments: [String]) throws -> String {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("roster").path
        // Its log (a warning of the PostgreSQL driver, say) comes on standard error, which `Command` merges in.
        let output = try Command.run(binary, arguments)
        return output.split(separator: "\n").last { $0.hasPrefix("{") || $0.hasPrefix("[") }.map(String.init) ?? output
    }
}

/// Follows the feed over one keep-alive connection, as an application would.
final class FeedReader: @unchecked Sendable {
    let port: Int
    let secret: String
    private let state = Mutex((read: 0, stopped: false))

    init(port: Int, secret: String) {
        self.port = port
        self.secret = secret
    }

    var read: Int { state.withLock { $0.read } }
    func stop() { state.withLock { $0.stopped = true } }

    /// Reads pages until stopped, waiting briefly when it has caught up.
    func follow() {
        guard let connection = try? HTTPConnection(port: port) else { return }
        defer { connection.close() }
        var cursor = ""
        while !state.withLock({ $0.stopped }) {
            guard let (count, next, more) = try? page(connection, after: cursor) else { return }
            state.withLock { $0.read += count }
            cursor = next
            if !more { usleep(20_000) }
        }
    }

    /// Reads the whole feed from its start; the number of events.
    func readAll() throws -> Int {
        let connection = try HTTPConnection(port: port)
        defer { connection.close() }
        var cursor = ""
        var total = 0
        while true {
            let (count, next, more) = try page(connection, after: cursor)
            total += count
            cursor = next
            if !more { return total }
        }
    }

    private func page(_ connection: HTTPConnection, after cursor: String) throws -> (Int, String, Bool) {
        let path = "/api/v1/events?limit=1000" + (cursor.isEmpty ? "" : "&after=\(cursor)")
        let (status, body) = try connection.send("GET", path, body: nil, token: secret)
        guard status == 200 else { throw ValidationFailure("the feed answered \(status)") }
        let page = try JSON.parse(body)
        return (
            page["data"]?.arrayValue?.count ?? 0, page["next_cursor"]?.stringValue ?? cursor,
            page["has_more"] == .bool(true)
        )
    }
}

/// A webhook receiver on a loopback port that checks each delivery's Standard Webhooks signature and counts.
final class Receiver: @unchecked Sendable {
    let port: Int
    let secret = Mutex("")
    private let listener: Int32
    private let state = Mutex((count: 0, rejected: 0, first: ContinuousClock.Instant?.none, last: ContinuousClock.now))
    private let running = Mutex(true)

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(listener, 64) == 0 else { throw ValidationFailure("the receiver could not listen") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in accept() }
    }

    var count: Int { state.withLock { $0.count } }
    var rejected: Int { state.withLock { $0.rejected } }
    func resetClock() { state.withLock { $0.first = nil } }
    var elapsedSinceFirst: Double {
        state.withLock { state in state.first.map { (state.last - $0).milliseconds / 1000 } ?? 0 }
    }

    func stop() {
        running.withLock { $0 = false }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func accept() {
        while running.withLock({ $0 }) {
            let connection = Glibc.accept(listener, nil, nil)
            guard connection >= 0 else { return }
            Thread.detachNewThread { [self] in serve(connection) }
        }
    }

    /// HTTP/1.1 keep-alive: each request's head and body, checked, answered 204.
    private func serve(_ connection: Int32) {
        defer { close(connection) }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            // The head.
            var headEnd: Int?
            while headEnd == nil {
                if let end = Self.find([13, 10, 13, 10], in: buffer) {
                    headEnd = end
                } else {
                    let got = read(connection, &chunk, chunk.count)
                    guard got > 0 else { return }
                    buffer += chunk[0..<got]
                }
            }
            let head = String(decoding: buffer[0..<headEnd!], as: UTF8.self)
            var headers: [String: String] = [:]
            for line in head.split(separator: "\r\n").dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                    in: .whitespaces)
            }
            let length = Int(headers["content-length"] ?? "0") ?? 0
            let bodyStart = headEnd! + 4
            while buffer.count < bodyStart + length {
                let got = read(connection, &chunk, chunk.count)
                guard got > 0 else { return }
                buffer += chunk[0..<got]
            }
            let body = Array(buffer[bodyStart..<(bodyStart + length)])
            buffer.removeFirst(bodyStart + length)
            let valid = verify(body: body, headers: headers)
            state.withLock { state in
                let now = ContinuousClock.now
                if state.first == nil { state.first = now }
                state.last = now
                if valid { state.count += 1 } else { state.rejected += 1 }
            }
            let answer = Array("HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n".utf8)
            guard write(connection, answer, answer.count) == answer.count else { return }
        }
    }

    private func verify(body: [UInt8], headers: [String: String]) -> Bool {
        guard let id = headers["webhook-id"], let timestamp = headers["webhook-timestamp"],
            let signatures = headers["webhook-signature"],
            let key = Data(base64Encoded: String(secret.withLock { $0 }.dropFirst("whsec_".count)))
        else { return false }
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array("\(id).\(timestamp).".utf8) + body, using: SymmetricKey(data: key))
        let expected = "v1," + Data(mac).base64EncodedString()
        return signatures.split(separator: " ").contains { $0 == expected }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0...(haystack.count - needle.count)
        where haystack[index..<(index + needle.count)].elementsEqual(needle) {
            return index
        }
        return nil
    }
}
