import App
import ArgumentParser
import Directory
import Foundation
import SCIMCore

/// Per-organization lookups, lists and imports in a database of many organizations, against the same operations
/// in a database holding that organization alone, measured in one run, interleaved.
struct OrganizationsBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "organizations",
        abstract: """
            Seed many small organizations and one big one beside them, then time what an identity provider does in \
            a small and in the big one, against databases holding each alone.
            """)

    @Option(help: "Small organizations.") var organizations = 10_000
    @Option(help: "Users in each small organization.") var users = 100
    @Option(help: "Users in the big organization (0: none).") var big = 1_000_000
    @Option(help: "Timed operations of each kind, per database and organization.") var samples = 2_000
    @Option(help: "Pages of 100 the big organization's import reads (0: all).") var importPages = 2_000
    @Option(
        help: "Folder for the databases; those seeded by an earlier run with the same sizes are reused.")
    var folder = FileManager.default.temporaryDirectory.path
    @Option(help: "Where to write the JSON results.") var output = "roster-bench-organizations.json"

    func run() async throws {
        let sizes = "\(organizations)x\(users)+\(big)"
        let shared = try await SeededOrganizations.open(
            at: "\(folder)/roster-bench-orgs-\(sizes).sqlite", small: organizations, users: users, big: big)
        let smallAlone = try await SeededOrganizations.open(
            at: "\(folder)/roster-bench-orgs-1x\(users).sqlite", small: 1, users: users, big: 0)
        let bigAlone =
            big > 0
            ? try await SeededOrganizations.open(
                at: "\(folder)/roster-bench-orgs-big-\(big).sqlite", small: 0, users: 0, big: big)
            : nil
        var pairs: [(String, Probe, Probe)] = [
            ("small organization", try await shared.probe(shared.small), try await smallAlone.probe(smallAlone.small))
        ]
        if let bigAlone, let sharedBig = shared.big, let aloneBig = bigAlone.big {
            pairs.append(("big organization", try await shared.probe(sharedBig), try await bigAlone.probe(aloneBig)))
        }
        var rows: [Row] = []
        for (name, among, alone) in pairs {
            for operation in Operation.allCases {
                // Interleaved: ten rounds of each, alternating, so a slow stretch of the machine hits both.
                var amongTimes: [Duration] = []
                var aloneTimes: [Duration] = []
                for _ in 0..<10 {
                    amongTimes += try await among.time(operation, samples / 10, importPages: importPages)
                    aloneTimes += try await alone.time(operation, samples / 10, importPages: importPages)
                }
                rows.append(
                    Row(organization: name, operation: operation, among: median(amongTimes), alone: median(aloneTimes)))
                print(rows.last!.markdown)
            }
        }
        let report = Report(organizations: organizations, users: users, big: big, rows: rows)
        print(report.markdown)
        try report.json.serialized().write(toFile: output, atomically: true, encoding: .utf8)
    }

    enum Operation: String, CaseIterable {
        case get = "GET user by id"
        case filter = "filter userName eq"
        case firstPage = "list count=100, first page"
        case lastPage = "list count=100, last page"
        case importPage = "import, per page of 100"
    }

    struct Row {
        var organization: String
        var operation: Operation
        var among: Double
        var alone: Double

        var markdown: String {
            String(
                format: "| %@ | %@ | %.3f | %.3f | %.2f× |", organization, operation.rawValue, among, alone,
                among / max(alone, 0.000_001))
        }
    }

    struct Report {
        var organizations: Int
        var users: Int
        var big: Int
        var rows: [Row]

        var markdown: String {
            var lines = [
                "",
                "\(organizations) organizations of \(users) users and one of \(big), against each alone (SQLite, "
                    + "median ms of the directory's operation, no HTTP):", "",
                "| organization | operation | among all (ms) | alone (ms) | ratio |", "|---|---|---:|---:|---:|",
            ]
            lines += rows.map(\.markdown)
            return lines.joined(separator: "\n")
        }

        var json: JSON {
            .object([
                "organizations": .int(organizations), "usersPerOrganization": .int(users), "bigOrganization": .int(big),
                "rows": .array(
                    rows.map {
                        .object([
                            "organization": .string($0.organization), "operation": .string($0.operation.rawValue),
                            "amongMilliseconds": .double($0.among), "aloneMilliseconds": .double($0.alone),
                        ])
                    }),
            ])
        }
    }
}

/// A seeded database of organizations: the small ones (the first of them measured) and the big one.
struct SeededOrganizations {
    let organizations: Organizations
    let small: OrganizationKey
    let big: OrganizationKey?

    /// Opens the database at `path`, seeding it first unless an earlier run did.
    static func open(at path: String, small: Int, users: Int, big: Int) async throws -> SeededOrganizations {
        let fresh = !FileManager.default.fileExists(atPath: path)
        let stores = try Roster.openStore(Configuration(database: path)).stores
        let organizations = Organizations(stores: stores, baseURL: "http://127.0.0.1/scim/v2")
        if fresh {
            let elapsed = try await Stopwatch.time {
                try await seed(organizations, stores: stores, small: small, users: users, big: big)
            }
            print(String(format: "Seeded %@ in %.1f s.", path, elapsed.milliseconds / 1000))
        }
        let listed = try await organizations.list()
        // The default organization is the first small one when there are small ones, else the big one.
        let smallKey = small > 0 ? OrganizationKey.default : OrganizationKey(0)
        let bigKey = big > 0 ? (small > 0 ? listed.last?.key : .default) : nil
        return SeededOrganizations(organizations: organizations, small: smallKey, big: bigKey)
    }

    private static func seed(_ organizations: Organizations, stores: Stores, small: Int, users: Int, big: Int)
        async throws
    {
        for index in 0..<small {
            let key = index == 0 ? OrganizationKey.default : try await organizations.create(name: "Org \(index)").key
            _ = try await Seeder(store: stores.resources, organization: key, domain: "org\(index).example.com")
                .users(count: users, batch: users)
            if index % 1000 == 999 { print("… \(index + 1) organizations") }
        }
        guard big > 0 else { return }
        let key = small > 0 ? try await organizations.create(name: "Big").key : OrganizationKey.default
        _ = try await Seeder(store: stores.resources, organization: key, domain: "big.example.com").users(count: big)
    }

    /// What the timed operations need of one organization: its directory, a sample of its users, its size.
    func probe(_ key: OrganizationKey) async throws -> Probe {
        let directory = organizations.directory(for: key)
        let total = try await directory.counts().users
        var ids: [String] = []
        var names: [String] = []
        // An even spread over the whole directory, read through its own pages.
        let step = max(1, total / 1000)
        var start = 1
        while start <= total && ids.count < 1000 {
            let page = try await directory.list(.user, filter: nil, page: Page(startIndex: start, count: 1, maximum: 1))
            if let user = page.resources.first {
                ids.append(user["id"]?.stringValue ?? "")
                names.append(user["userName"]?.stringValue ?? "")
            }
            start += step
        }
        return Probe(directory: directory, total: total, ids: ids, names: names)
    }
}

/// Times one organization's operations.
struct Probe {
    let directory: Directory
    let total: Int
    let ids: [String]
    let names: [String]

    func time(_ operation: OrganizationsBenchmark.Operation, _ count: Int, importPages: Int) async throws
        -> [Duration]
    {
        var times: [Duration] = []
        for index in 0..<max(1, count) {
            let pick = index % max(1, ids.count)
            times.append(
                try await Stopwatch.time {
                    switch operation {
                    case .get:
                        _ = try await directory.get(.user, id: ids[pick])
                    case .filter:
                        _ = try await directory.list(
                            .user, filter: "userName eq \"\(names[pick])\"", page: Self.page(1))
                    case .firstPage:
                        _ = try await directory.list(.user, filter: nil, page: Self.page(1))
                    case .lastPage:
                        _ = try await directory.list(.user, filter: nil, page: Self.page(max(1, total - 99)))
                    case .importPage:
                        _ = try await directory.list(
                            .user, filter: nil,
                            page: Self.page(1 + (index % max(1, min(importPages, total / 100))) * 100))
                    }
                })
        }
        return times
    }

    static func page(_ start: Int) -> Page {
        Page(startIndex: start, count: 100, maximum: 100)
    }
}
