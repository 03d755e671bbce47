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
    @Option(help: "Seconds per scenario.") var duration = 5
    @Option(help: "wrk connections.") var connections = 64
    @Option(help: "wrk threads.") var threads = 2
    @Option(help: "Where to write the JSON results.") var output = "roster-bench-http.json"
    @Option(help: "Folder for the database and scripts.") var folder = FileManager.default.temporaryDirectory.path

    func run() async throws {
        let work = "\(folder)/roster-bench-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let seeded = try await Seed.directory(at: "\(work)/roster.sqlite", users: users, bigGroup: bigGroup)
        print(String(format: "Seeded %d users and a group of %d members in %.1f s.", seeded.userIDs.count,
            seeded.bigGroupSize, seeded.seconds))
        let server = try ServerProcess(database: "\(work)/roster.sqlite")
        defer { server.stop() }
        let port = try await server.waitForPort()
        let load = Load(port: port, token: seeded.token, folder: work, seconds: duration, connections: connections, threads: threads)
        var results: [ScenarioResult] = []
        for scenario in Scenario.all(seeded) {
            results.append(try load.run(scenario))
            print(results.last?.row(ceiling: results.first) ?? "")
        }
        let importSeconds = try await OktaImport(port: port, token: seeded.token).run()
        let report = Report(
            results: results, importSeconds: importSeconds, users: seeded.userIDs.count,
            peakMemoryMB: server.peakMemoryMB(), seedSeconds: seeded.seconds)
        print(report.markdown)
        try report.json.serialized().write(toFile: output, atomically: true, encoding: .utf8)
        print("JSON written to \(output)")
    }
}

/// A seeded directory: user ids and names, the large group, and a token.
struct Seeded: Sendable {
    var userIDs: [String]
    var userNames: [String]
    var bigGroupID: String
    var bigGroupSize: Int
    var outsiderID: String
    var token: String
    var seconds: Double
}

enum Seed {
    static func directory(at path: String, users: Int, bigGroup: Int) async throws -> Seeded {
        let store = try SQLiteStore(path: path)
        let seeder = Seeder(store: store)
        var ids: [String] = []
        var group = ""
        let total = max(users, bigGroup) + 1
        let elapsed = try await Stopwatch.time {
            ids = try await seeder.users(count: total)
            group = try await seeder.group("Everyone", members: Array(ids.prefix(bigGroup)))
        }
        let directory = Directory(store: store, baseURL: "http://127.0.0.1/scim/v2")
        let token = try await directory.createToken(description: "benchmark", status: .active).secret
        return Seeded(
            userIDs: Array(ids.prefix(total - 1)), userNames: (0..<(total - 1)).map { "user\($0)@example.com" },
            bigGroupID: group, bigGroupSize: bigGroup, outsiderID: ids[total - 1], token: token,
            seconds: elapsed.milliseconds / 1000)
    }
}
