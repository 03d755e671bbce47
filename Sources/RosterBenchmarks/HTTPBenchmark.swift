import App
import ArgumentParser
import Directory
import Foundation
import SCIMCore
import SQLiteStore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Drives a real `roster serve` (the release binary next to this one) over loopback with wrk, scenario by
/// scenario, and reports each against the ceiling of the same server answering `/healthz`.
struct HTTPBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http",
        abstract: "Seed a directory, run roster serve, and load it with wrk (apt-get install wrk).")

    @Option(help: "Users in the directory.") var users = 10_000
    @Option(help: "Members of the large group (extra users are seeded if needed).") var bigGroup = 100_000
    @Option(help: "Seconds per scenario, and per measure of its ceiling.") var duration = 8
    @Option(
        help: """
            Rounds of the scenarios; each scenario reports its round with the median ratio to the ceiling. One \
            round's ratio moves by several points on a shared machine.
            """)
    var rounds = 1
    @Option(help: "wrk connections.") var connections = 64
    @Option(help: "wrk threads.") var threads = 2
    @Option(help: "Where to write the JSON results.") var output = "roster-bench-http.json"
    @Option(help: "Folder for the database and scripts.") var folder = FileManager.default.temporaryDirectory.path
    @Option(
        help: """
            A SQLite file to keep: seeded (and kept) when absent, reused as it is when seeded by an earlier run, so \
            a directory of a million users is seeded once. Or an empty PostgreSQL database (postgres://…), seeded \
            for this run.
            """)
    var database: String?
    @Option(help: "Passed to roster serve as --sqlite-map-mib (0: its default, no memory map).") var sqliteMapMib = 0
    @Option(
        help: """
            Another SCIM server's base URL (where its /Users and /Groups are), seeded over SCIM and loaded with the \
            same scenarios after Roster, for a side-by-side table.
            """)
    var compare: String?
    @Option(help: "Bearer token for --compare.") var compareToken: String?
    @Option(help: "What to call the --compare server in the table.") var compareName = "other"
    @Option(help: "Users to create on the --compare server (the group holds as many, up to --big-group).")
    var compareUsers = 10_000

    func run() async throws {
        let work = "\(folder)/roster-bench-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let path = database ?? "\(work)/roster.sqlite"
        let seeded: Seeded
        let postgres = path.hasPrefix("postgres://") || path.hasPrefix("postgresql://")
        if !postgres, let kept = try Seeded.kept(at: path) {
            seeded = kept
            print("Reusing \(path): \(seeded.users) users and a group of \(seeded.bigGroupSize) members.")
        } else {
            seeded = try await Seed.directory(at: path, users: users, bigGroup: bigGroup)
            print(
                String(
                    format: "Seeded %d users and a group of %d members in %.1f s.", seeded.users,
                    seeded.bigGroupSize, seeded.seconds))
            if database != nil && !postgres { try seeded.keep(at: path) }
            // A database that serves has statistics (autovacuum gathers them within a minute of a large import);
            // without them PostgreSQL finds a user by id by scanning every user.
            if postgres { _ = try Command.run("psql", [path, "-q", "-c", "ANALYZE"]) }
        }
        let server = try ServerProcess(
            database: path, arguments: ["--sqlite-map-mib", String(sqliteMapMib), "--benchmark-routes"])
        defer { server.stop() }
        let port = try await server.waitForPort()
        let origin = "http://127.0.0.1:\(port)"
        let load = Load(
            origin: origin, token: seeded.token, folder: work, seconds: duration, connections: connections,
            threads: threads)
        let quiet = try QuietServer(port: port)
        print(String(format: "Idle /healthz latency: %.3f ms.", quiet.idleMilliseconds))
        /// Until the server, and on PostgreSQL its autovacuum, are quiet.
        func settle() async throws {
            if postgres { try await QuietServer.waitForVacuum(path) }
            try await quiet.wait()
        }
        var everyRound: [[ScenarioResult]] = []
        for round in 1...max(1, rounds) {
            if rounds > 1 { print("Round \(round) of \(rounds):") }
            var results: [ScenarioResult] = []
            // Built again each round: a POST's userNames carry an id of their script, so rounds never collide.
            let scenarios = Scenario.all(seeded, database: postgres)
            for scenario in scenarios {
                if scenario.flipsActive {
                    try await Self.activate(seeded.sampleIDs, origin: origin, token: seeded.token)
                }
                // The ceiling on a quiet server right before the scenario, which then starts quiet too: a write
                // scenario's after-work (SQLite's checkpoints, PostgreSQL's vacuum) lands in neither measure.
                try await settle()
                let ceiling = try load.run(scenarios[0])
                try await settle()
                var result = scenario.name == scenarios[0].name ? ceiling : try load.run(scenario)
                result.ceiling = ceiling.requestsPerSecond
                results.append(result)
                print(result.row())
            }
            everyRound.append(results)
        }
        let results = everyRound[0].indices.map { index in ScenarioResult.median(everyRound.map { $0[index] }) }
        let (importSeconds, imported) = try await OktaImport(origin: origin, token: seeded.token, folder: work).run()
        let report = Report(
            results: results, everyRound: everyRound, rounds: max(1, rounds), importSeconds: importSeconds,
            users: imported,
            peakMemoryMB: server.peakMemoryMB(), seedSeconds: seeded.seconds)
        print(report.markdown)
        var json = report.json
        if let compare {
            server.stop()
            let comparison = try await compareWith(
                try OtherServer(name: compareName, baseURL: compare, token: compareToken), roster: results,
                rosterImport: (importSeconds, imported), folder: work)
            print(comparison.markdown)
            if case .object(var object) = json {
                object["comparison"] = comparison.json
                json = .object(object)
            }
        }
        try json.serialized().write(toFile: output, atomically: true, encoding: .utf8)
        print("JSON written to \(output)")
    }
}

extension HTTPBenchmark {
    /// Makes the sampled users active (through /Bulk, before a scenario that flips `active` from there): an earlier
    /// round, or run on a kept database, may have left some inactive, whose first PATCH would then change nothing.
    static func activate(_ ids: [String], origin: String, token: String) async throws {
        let client = HostileClient(origin: origin, token: token)
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ ids[$0..<min($0 + 500, ids.count)] }) {
            let operations: [JSON] = chunk.map { id in
                .object([
                    "method": "PATCH", "path": .string("/Users/\(id)"),
                    "data": .object([
                        "schemas": .array(["urn:ietf:params:scim:api:messages:2.0:PatchOp"]),
                        "Operations": .array([.object(["op": "replace", "value": .object(["active": .bool(true)])])]),
                    ]),
                ])
            }
            let body = JSON.object([
                "schemas": .array(["urn:ietf:params:scim:api:messages:2.0:BulkRequest"]),
                "Operations": .array(operations),
            ])
            let (status, _) = try await client.send("POST", "/scim/v2/Bulk", body: body.serialized())
            guard status == 200 else { throw ValidationFailure("activating the sampled users answered \(status)") }
        }
    }

    /// The same scenarios, but the ceiling, against another server, once Roster has stopped (the machine is
    /// theirs alone while they run).
    func compareWith(
        _ other: OtherServer, roster: [ScenarioResult], rosterImport: (Double, Int), folder: String
    ) async throws -> Comparison {
        let seeded = try await other.seed(users: compareUsers, groupSize: min(bigGroup, compareUsers))
        print(String(format: "Seeded %@ with %d users over SCIM in %.1f s.", other.name, seeded.users, seeded.seconds))
        let load = Load(
            origin: other.origin, token: other.token, folder: folder, seconds: duration, connections: connections,
            threads: threads)
        var theirs: [ScenarioResult] = []
        for scenario in Scenario.all(seeded, prefix: other.prefix).dropFirst()
        where !scenario.name.hasPrefix("database:") {
            // A slower server may still be working through the last scenario's backlog; each starts idle.
            try await other.waitUntilIdle()
            theirs.append(try load.run(scenario))
            print(theirs.last?.row() ?? "")
        }
        let (seconds, users) = try await OktaImport(
            origin: other.origin, prefix: other.prefix, token: other.token, folder: folder
        ).run()
        return Comparison(
            other: other.name, roster: roster, theirs: theirs, rosterImport: rosterImport,
            theirImport: (seconds, users), theirSeedSeconds: seeded.seconds)
    }
}

/// A seeded directory: how many users, a sample of their ids and names (what the load scripts pick from), the
/// large group, a user outside it, and a token.
struct Seeded: Sendable {
    var users: Int
    var sampleIDs: [String]
    var sampleNames: [String]
    var bigGroupID: String
    var bigGroupSize: Int
    var outsiderID: String
    var token: String
    var seconds: Double

    /// The most ids and names handed to wrk's scripts: each of its threads holds them all.
    static let sampleSize = 10_000

    /// What an earlier run kept next to a database it seeded, if it did.
    static func kept(at path: String) throws -> Seeded? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path + ".bench.json") else {
            throw ValidationFailure("\(path) exists but was not seeded by roster-bench (no \(path).bench.json).")
        }
        let json = try JSON.parse(Array(data))
        return Seeded(
            users: json["users"]?.intValue ?? 0,
            sampleIDs: json["sampleIDs"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            sampleNames: json["sampleNames"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            bigGroupID: json["bigGroupID"]?.stringValue ?? "", bigGroupSize: json["bigGroupSize"]?.intValue ?? 0,
            outsiderID: json["outsiderID"]?.stringValue ?? "", token: json["token"]?.stringValue ?? "", seconds: 0)
    }

    /// Keeps what a later run needs next to the database (the token included: it is a benchmark's database).
    func keep(at path: String) throws {
        let json = JSON.object([
            "users": .int(users), "sampleIDs": .array(sampleIDs.map(JSON.string)),
            "sampleNames": .array(sampleNames.map(JSON.string)), "bigGroupID": .string(bigGroupID),
            "bigGroupSize": .int(bigGroupSize), "outsiderID": .string(outsiderID), "token": .string(token),
        ])
        try json.serialized().write(toFile: path + ".bench.json", atomically: true, encoding: .utf8)
    }
}

enum Seed {
    /// Seeds the SQLite file or (empty) PostgreSQL database at `location`.
    static func directory(at location: String, users: Int, bigGroup: Int) async throws -> Seeded {
        try await Roster.withStores(Configuration(database: location)) { stores in
            try await directory(in: stores, users: users, bigGroup: bigGroup)
        }
    }

    private static func directory(in stores: Stores, users: Int, bigGroup: Int) async throws -> Seeded {
        let seeder = Seeder(store: stores.resources, organization: .default)
        var ids: [String] = []
        var group = ""
        let total = max(users, bigGroup) + 1
        let elapsed = try await Stopwatch.time {
            ids = try await seeder.users(count: total)
            group = try await seeder.group("Everyone", members: Array(ids.prefix(bigGroup)))
        }
        let directory = Organizations(stores: stores, baseURL: "http://127.0.0.1/scim/v2").defaultDirectory
        let token = try await directory.createToken(description: "benchmark", status: .active).secret
        // An evenly spread sample, so lookups touch the whole directory, not its first pages.
        let step = max(1, (total - 1) / Seeded.sampleSize)
        let sample = Array(stride(from: 0, to: total - 1, by: step).prefix(Seeded.sampleSize))
        return Seeded(
            users: total, sampleIDs: sample.map { ids[$0] }, sampleNames: sample.map { "user\($0)@example.com" },
            bigGroupID: group, bigGroupSize: bigGroup, outsiderID: ids[total - 1], token: token,
            seconds: elapsed.milliseconds / 1000)
    }
}
