import ArgumentParser
import Directory
import Foundation
import SCIMCore
import SQLiteStore

/// Times adding and removing one member of groups of growing size, through the directory on a SQLite file.
struct MembershipBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memberships",
        abstract: "Add and remove one member on groups of 10, 10,000 and 100,000 members; prints timings and ratios.")

    @Option(help: "Group sizes to measure.")
    var sizes: [Int] = [10, 10_000, 100_000]

    @Option(help: "Add+remove pairs timed per size.")
    var iterations: Int = 200

    @Option(help: "Folder for the benchmark's database files.")
    var folder: String = FileManager.default.temporaryDirectory.path

    func run() async throws {
        var rows: [(size: Int, seed: Double, add: Double, remove: Double)] = []
        for size in sizes {
            let path = "\(folder)/roster-bench-memberships-\(size)-\(UUID().uuidString).sqlite"
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
            let result = try await measure(size: size, path: path)
            rows.append((size, result.seed, result.add, result.remove))
        }
        let base = rows.first
        print(
            "| group size | seed (s) | add one member p50 (ms) | remove one member p50 (ms) | add ratio | remove ratio |"
        )
        print("|---:|---:|---:|---:|---:|---:|")
        for row in rows {
            let addRatio = base.map { row.add / $0.add } ?? 1
            let removeRatio = base.map { row.remove / $0.remove } ?? 1
            print(
                String(
                    format: "| %d | %.1f | %.3f | %.3f | %.2f× | %.2f× |",
                    row.size, row.seed / 1000, row.add, row.remove, addRatio, removeRatio))
        }
    }

    private func measure(size: Int, path: String) async throws -> (seed: Double, add: Double, remove: Double) {
        let stores = try SQLiteStore(path: path).stores
        let directory = Organizations(stores: stores, baseURL: "http://127.0.0.1:8080/scim/v2").defaultDirectory
        let seeder = Seeder(store: stores.resources, organization: .default)
        var ids: [String] = []
        var group = ""
        let seed = try await Stopwatch.time {
            ids = try await seeder.users(count: size + 1)
            group = try await seeder.group("Group of \(size)", members: Array(ids.prefix(size)))
        }
        let newcomer = ids[size]
        let projection = Projection(attributes: [], excludedAttributes: [AttributePath(name: "members")])
        let add = try Self.body(#"{"op":"add","path":"members","value":[{"value":"\#(newcomer)"}]}"#)
        let remove = try Self.body(#"{"op":"remove","path":"members[value eq \"\#(newcomer)\"]"}"#)
        var adds: [Duration] = []
        var removes: [Duration] = []
        for _ in 0..<iterations {
            adds.append(
                try await Stopwatch.time {
                    _ = try await directory.patch(.group, id: group, body: add, projection: projection)
                })
            removes.append(
                try await Stopwatch.time {
                    _ = try await directory.patch(.group, id: group, body: remove, projection: projection)
                })
        }
        return (seed.milliseconds, median(adds), median(removes))
    }

    static func body(_ operation: String) throws -> JSON {
        try JSON.parse(
            Array(#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[\#(operation)]}"#.utf8))
    }
}

/// Fills an organization's directory quickly through the store's bulk path rather than one request per user.
struct Seeder {
    let store: any ResourceStore
    let organization: OrganizationKey
    /// Names are `user<index>@<domain>`.
    var domain = "example.com"

    /// Creates `count` users and returns their ids.
    func users(count: Int, batch: Int = 5_000) async throws -> [String] {
        var ids: [String] = []
        ids.reserveCapacity(count)
        let now = Date()
        var start = 0
        while start < count {
            let resources = (start..<min(start + batch, count)).map { index in
                let id = UUID().uuidString.lowercased()
                ids.append(id)
                let body: JSONObject = [
                    "userName": .string("user\(index)@\(domain)"),
                    "name": .object([
                        "givenName": .string("Given\(index)"), "familyName": .string("Family\(index % 997)"),
                    ]),
                    "emails": [
                        .object(["value": .string("user\(index)@\(domain)"), "type": "work", "primary": true])
                    ],
                    "active": true,
                ]
                return StoredResource(id: id, kind: .user, version: 1, created: now, lastModified: now, body: body)
            }
            try await store.insertMany(resources, in: organization)
            start += batch
        }
        return ids
    }

    /// Creates a group with the given members and returns its id.
    func group(_ name: String, members: [String]) async throws -> String {
        let now = Date()
        let id = UUID().uuidString.lowercased()
        let group = StoredResource(
            id: id, kind: .group, version: 1, created: now, lastModified: now, body: ["displayName": .string(name)])
        try await store.insert(group, members: members, in: organization)
        return id
    }
}
