import App
import ArgumentParser
import Directory
import Foundation
import SCIMCore

/// Paging a big directory by `startIndex` and by cursor (RFC 9865), at its start and at its end, unsorted and
/// sorted by userName, measured in one run on one database (the directory's operations, no HTTP).
struct PagingBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paging",
        abstract: """
            Seed a big directory, then time pages of 100 at its start and at its end by startIndex and by cursor, \
            and a whole read of it by cursor.
            """)

    @Option(help: "Users in the directory.") var users = 1_000_000
    @Option(help: "Timed pages of each kind.") var samples = 200
    @Option(help: "Folder for the database; one seeded by an earlier run with the same size is reused.")
    var folder = FileManager.default.temporaryDirectory.path
    @Option(help: "Where to write the JSON results.") var output = "roster-bench-paging.json"

    static let pageSize = 100

    func run() async throws {
        let seeded = try await SeededOrganizations.open(
            at: "\(folder)/roster-bench-orgs-big-\(users).sqlite", small: 0, users: 0, big: users)
        let directory = seeded.organizations.directory(for: try require(seeded.big))
        let type = try await directory.resourceType(.user)
        let byName = try Sort.parse(sortBy: "userName", sortOrder: nil, type: type)
        var rows: [Row] = []
        for (label, sort) in [("", Sort?.none), (", sorted by userName", byName)] {
            // The whole read by cursor, which also finds the cursor of the last page.
            var lastCursor = ""
            var cursor = ""
            var read = 0
            let whole = try await Stopwatch.time {
                repeat {
                    let page = try await directory.list(
                        .user, filter: nil, sort: sort, cursor: try Self.paging(cursor), projection: .default)
                    read += page.resources.count
                    lastCursor = cursor
                    cursor = page.nextCursor ?? ""
                } while !cursor.isEmpty
            }
            guard read == users else { throw ValidationFailure("the cursor read \(read) of \(users) users") }
            print(String(format: "Read all %d users by cursor%@: %.1f s", users, label, whole.milliseconds / 1000))
            let endIndex = max(1, users - Self.pageSize + 1)
            let timings: [(String, () async throws -> Void)] = [
                (
                    "first page, startIndex",
                    {
                        _ = try await directory.list(.user, filter: nil, sort: sort, page: Self.page(1))
                    }
                ),
                (
                    "first page, cursor",
                    {
                        _ = try await directory.list(
                            .user, filter: nil, sort: sort, cursor: try Self.paging(""), projection: .default)
                    }
                ),
                (
                    "last page, startIndex",
                    {
                        _ = try await directory.list(.user, filter: nil, sort: sort, page: Self.page(endIndex))
                    }
                ),
                (
                    "last page, cursor",
                    {
                        _ = try await directory.list(
                            .user, filter: nil, sort: sort, cursor: try Self.paging(lastCursor),
                            projection: .default)
                    }
                ),
            ]
            // Interleaved rounds, so a slow stretch of the machine hits every kind of page.
            var times = [[Duration]](repeating: [], count: timings.count)
            for _ in 0..<10 {
                for (index, timing) in timings.enumerated() {
                    for _ in 0..<max(1, samples / 10) { times[index].append(try await Stopwatch.time(timing.1)) }
                }
            }
            for (index, timing) in timings.enumerated() {
                rows.append(Row(page: timing.0 + label, milliseconds: median(times[index])))
                print(rows.last!.markdown)
            }
            rows.append(Row(page: "whole directory by cursor\(label) (s)", milliseconds: whole.milliseconds / 1000))
        }
        print("\n\(users) users, pages of \(Self.pageSize), SQLite, median ms of the directory's operation:\n")
        print("| page | ms |\n|---|---:|")
        for row in rows { print(row.markdown) }
        let json = JSON.object(["users": .int(users), "rows": .array(rows.map(\.json))])
        try json.serialized().write(toFile: output, atomically: true, encoding: .utf8)
    }

    static func page(_ start: Int) -> Page { Page(startIndex: start, count: pageSize, maximum: pageSize) }

    static func paging(_ cursor: String) throws -> CursorPaging {
        try CursorPaging(cursor: cursor, count: pageSize, maximum: pageSize)
    }

    struct Row {
        var page: String
        var milliseconds: Double

        var markdown: String { String(format: "| %@ | %.3f |", page, milliseconds) }
        var json: JSON { .object(["page": .string(page), "milliseconds": .double(milliseconds)]) }
    }
}

private func require<T>(_ value: T?) throws -> T {
    guard let value else { throw ValidationFailure("the seeded database has no big organization") }
    return value
}
