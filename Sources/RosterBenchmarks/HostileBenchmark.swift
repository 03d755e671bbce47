import ArgumentParser
import Foundation
import SCIMCore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The attacks of the hostile-clients probe, against a real `roster serve`, each measured against the same
/// measure without the attack in the same run: what one client's costly requests do to everyone else.
struct HostileBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hostile",
        abstract: """
            Run the hostile-client attacks (costly PATCHes, huge lists in parallel, a bad-token flood from the \
            proxy's address) against roster serve and report what others see meanwhile.
            """)

    @Option(help: "Seconds each attack and each baseline lasts.") var seconds = 8
    @Option(help: "Big users for the huge lists (each about 800 KB).") var bigUsers = 60
    @Option(help: "Clients listing them at once.") var lists = 6
    @Option(help: "Where to write the JSON results.") var output = "roster-bench-hostile.json"
    @Option(help: "Folder for the database.") var folder = FileManager.default.temporaryDirectory.path

    func run() async throws {
        let work = "\(folder)/roster-bench-hostile-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let seeded = try await Seed.directory(at: "\(work)/roster.sqlite", users: 1000, bigGroup: 10)
        let server = try ServerProcess(
            database: "\(work)/roster.sqlite", arguments: ["--trusted-proxy", "127.0.0.1/32"], rateLimit: nil)
        defer { server.stop() }
        let client = HostileClient(origin: "http://127.0.0.1:\(try await server.waitForPort())", token: seeded.token)
        let duration = Duration.seconds(seconds)
        var rows: [HostileRow] = []

        let quiet = try await client.probeHealth(for: duration)
        print("Baseline /healthz: \(quiet.summary)")
        rows += try await costlyPatches(client, quiet: quiet, duration: duration)
        rows += try await hugeLists(client, server: server, quiet: quiet, duration: duration)
        rows += try await badTokenFlood(client, duration: duration)

        let table =
            ["", "| attack | what others see | without | during | ratio |", "|---|---|---:|---:|---:|"]
            + rows.map(\.markdown)
        print(table.joined(separator: "\n"))
        let json = JSON.array(rows.map(\.json))
        try json.serialized().write(toFile: output, atomically: true, encoding: .utf8)
        print("JSON written to \(output)")
    }

    /// A user with 1,990 emails, PATCHed by four clients at once with the costliest removal the budget accepts
    /// (20 `co` terms over every email), while a fifth sends the probe's 100-operation form, which is refused, and
    /// a sixth changes the same user's title every 0.3 s.
    func costlyPatches(_ client: HostileClient, quiet: Latencies, duration: Duration) async throws -> [HostileRow] {
        let emails = (0..<1990).map { JSON.object(["value": .string("person\($0)@example.com")]) }
        let user = try await client.create(
            .object(["userName": "many-emails@example.com", "emails": .array(emails)]))
        let terms = (0..<20).map { #"value co \"q\#($0)\""# }.joined(separator: " or ")
        let operation = #"{"op":"remove","path":"emails[\#(terms)]"}"#
        func patch(_ count: Int) -> String {
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":["#
                + Array(repeating: operation, count: count).joined(separator: ",") + "]}"
        }
        let accepted = patch(1)
        let refused = patch(100)
        let title: @Sendable (Int) -> String = { index in
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"T\#(index)"}]}"#
        }
        let deadline = ContinuousClock.now + duration
        async let attackers: [Int] = withThrowingTaskGroup(of: [Int].self) { group in
            for attacker in 0..<5 {
                group.addTask {
                    var statuses: [Int] = []
                    while ContinuousClock.now < deadline {
                        statuses.append(
                            try await client.send(
                                "PATCH", "/scim/v2/Users/\(user)", body: attacker < 4 ? accepted : refused
                            ).status)
                    }
                    return statuses
                }
            }
            group.addTask {
                var statuses: [Int] = []
                var index = 0
                while ContinuousClock.now < deadline {
                    index += 1
                    statuses.append(try await client.send("PATCH", "/scim/v2/Users/\(user)", body: title(index)).status)
                    try await Task.sleep(for: .milliseconds(300))
                }
                return statuses.map { $0 + 10_000 }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let during = try await client.probeHealth(for: duration)
        let statuses = try await attackers
        let costly = statuses.filter { $0 < 10_000 }
        let writer = statuses.filter { $0 >= 10_000 }.map { $0 - 10_000 }
        print(
            "Costly PATCHes: \(costly.count) sent (\(costly.filter { $0 == 200 }.count) done, "
                + "\(costly.filter { $0 == 400 }.count) refused); the title writer: \(writer.count) sent, "
                + "\(writer.filter { $0 == 200 }.count) done. /healthz meanwhile: \(during.summary)")
        return [
            HostileRow(attack: "costly PATCHes", measure: "/healthz p50 (ms)", without: quiet.p50, during: during.p50),
            HostileRow(attack: "costly PATCHes", measure: "/healthz p99 (ms)", without: quiet.p99, during: during.p99),
            HostileRow(
                attack: "costly PATCHes", measure: "/healthz answered (%)", without: quiet.answeredPercent,
                during: during.answeredPercent),
            HostileRow(
                attack: "costly PATCHes", measure: "title writes done (%)", without: 100,
                during: writer.isEmpty ? 0 : 100 * Double(writer.filter { $0 == 200 }.count) / Double(writer.count)),
        ]
    }

    /// Big users (text at its length limits), listed by `lists` clients at once a thousand at a time.
    func hugeLists(_ client: HostileClient, server: ServerProcess, quiet: Latencies, duration: Duration)
        async throws -> [HostileRow]
    {
        let filler = String(repeating: "x", count: 4000)
        for index in 0..<bigUsers {
            let emails = (0..<190).map { JSON.object(["value": .string("\(index).\($0)@\(filler).example")]) }
            _ = try await client.create(
                .object([
                    "userName": .string("big\(index)@example.com"),
                    "displayName": .string("DDD" + String(repeating: "d", count: 1000)), "emails": .array(emails),
                ]))
        }
        try await Task.sleep(for: .seconds(1))
        let idle = server.residentMemoryMB()
        let deadline = ContinuousClock.now + duration
        let filter = #"displayName sw "DDD""#.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        async let pageSizes: [Int] = withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<self.lists {
                group.addTask {
                    var sizes: [Int] = []
                    while ContinuousClock.now < deadline {
                        sizes.append(try await client.send("GET", "/scim/v2/Users?count=1000&filter=\(filter)").bytes)
                    }
                    return sizes
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        async let peak: Double = {
            var peak = 0.0
            while ContinuousClock.now < deadline {
                peak = max(peak, server.residentMemoryMB())
                try? await Task.sleep(for: .milliseconds(50))
            }
            return peak
        }()
        let during = try await client.probeHealth(for: duration)
        let sizes = try await pageSizes
        let (top, largest) = (await peak, sizes.max() ?? 0)
        print(
            String(
                format:
                    "Huge lists: %d pages, largest %.1f MB; resident memory %.0f MiB idle, %.0f MiB at most. /healthz: %@",
                sizes.count, Double(largest) / 1e6, idle, top, during.summary))
        return [
            HostileRow(
                attack: "\(lists) huge lists at once", measure: "resident memory (MiB)", without: idle, during: top),
            HostileRow(
                attack: "\(lists) huge lists at once", measure: "/healthz p99 (ms)", without: quiet.p99,
                during: during.p99),
        ]
    }

    /// Sixteen clients sending wrong tokens from the proxy's own address, as an attacker behind the recommended
    /// reverse proxy does, while the identity provider's right token is used from the same address.
    func badTokenFlood(_ client: HostileClient, duration: Duration) async throws -> [HostileRow] {
        let alone = try await client.probe(for: duration) { try await client.send("GET", "/scim/v2/Users?count=1") }
        let deadline = ContinuousClock.now + duration
        async let flood: [Int] = withThrowingTaskGroup(of: [Int].self) { group in
            for attacker in 0..<16 {
                group.addTask {
                    var statuses: [Int] = []
                    while ContinuousClock.now < deadline {
                        statuses.append(
                            try await client.send(
                                "GET", "/scim/v2/Users?count=1", token: "roster_wrong\(attacker)\(statuses.count)"
                            ).status)
                    }
                    return statuses
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let during = try await client.probe(for: duration) { try await client.send("GET", "/scim/v2/Users?count=1") }
        let statuses = try await flood
        print(
            "Bad-token flood: \(statuses.count) wrong tokens (\(statuses.filter { $0 == 429 }.count) answered 429); "
                + "the right token alone: \(alone.summary); during the flood: \(during.summary)")
        return [
            HostileRow(
                attack: "bad-token flood", measure: "right token answered 200 (%)", without: alone.answeredPercent,
                during: during.answeredPercent),
            HostileRow(
                attack: "bad-token flood", measure: "right token p99 (ms)", without: alone.p99, during: during.p99),
        ]
    }
}

/// Latencies of one probe, and how many of its requests were answered with 200.
struct Latencies {
    var milliseconds: [Double]
    var answered: Int

    var p50: Double { percentile(0.5) }
    var p99: Double { percentile(0.99) }
    var answeredPercent: Double { milliseconds.isEmpty ? 0 : 100 * Double(answered) / Double(milliseconds.count) }
    var summary: String {
        String(
            format: "%d requests, p50 %.1f ms, p99 %.1f ms, %.1f%% answered", milliseconds.count, p50, p99,
            answeredPercent)
    }

    func percentile(_ fraction: Double) -> Double {
        let sorted = milliseconds.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
    }
}

/// One line of the table: a measure without and during an attack.
struct HostileRow {
    var attack: String
    var measure: String
    var without: Double
    var during: Double

    var markdown: String {
        String(
            format: "| %@ | %@ | %.1f | %.1f | %.2f |", attack, measure, without, during,
            without == 0 ? 0 : during / without)
    }

    var json: JSON {
        .object([
            "attack": .string(attack), "measure": .string(measure), "without": .double(without),
            "during": .double(during),
        ])
    }
}

/// Requests to the server under attack, each with a deadline of 30 s.
struct HostileClient: Sendable {
    let origin: String
    let token: String
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 64
        configuration.timeoutIntervalForRequest = 30
        return URLSession(configuration: configuration)
    }()

    func send(_ method: String, _ path: String, body: String? = nil, token: String? = nil) async throws -> (
        status: Int, bytes: Int
    ) {
        var request = URLRequest(url: URL(string: origin + path)!)
        request.httpMethod = method
        request.setValue("Bearer \(token ?? self.token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/scim+json", forHTTPHeaderField: "Content-Type")
        }
        do {
            let (data, response) = try await Self.session.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, data.count)
        } catch {
            return (0, 0)
        }
    }

    func create(_ body: JSON) async throws -> String {
        let (status, _) = try await send("POST", "/scim/v2/Users", body: body.serialized())
        guard status == 201 else { throw ValidationFailure("creating a user answered \(status)") }
        let name = body["userName"]?.stringValue ?? ""
        let filter = "userName eq \"\(name)\"".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        var request = URLRequest(url: URL(string: origin + "/scim/v2/Users?attributes=id&filter=\(filter)")!)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (data, _) = try await Self.session.data(for: request)
        guard let id = try JSON.parse(Array(data))["Resources"]?.arrayValue?.first?["id"]?.stringValue else {
            throw ValidationFailure("the user just created was not found")
        }
        return id
    }

    /// `/healthz`, one request every 20 ms.
    func probeHealth(for duration: Duration) async throws -> Latencies {
        try await probe(for: duration) { try await send("GET", "/healthz") }
    }

    /// One request after another, 20 ms apart, for `duration`.
    func probe(for duration: Duration, _ request: () async throws -> (status: Int, bytes: Int)) async throws
        -> Latencies
    {
        var latencies = Latencies(milliseconds: [], answered: 0)
        let deadline = ContinuousClock.now + duration
        while ContinuousClock.now < deadline {
            let start = ContinuousClock.now
            let (status, _) = try await request()
            latencies.milliseconds.append((ContinuousClock.now - start).milliseconds)
            if status == 200 { latencies.answered += 1 }
            try await Task.sleep(for: .milliseconds(20))
        }
        return latencies
    }
}
