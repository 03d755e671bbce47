import Foundation
import RosterTestSupport
import SCIMCore
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The probe's memory attack: users with text at its length limits, listed a thousand at a time by six clients
/// at once. A page holds at most 4 MiB of stored resources, so the server's memory stays bounded: it grows by
/// less than 192 MiB over what it held before the lists (the probe's lists, before the limits, took it from 66 to
/// 1,050 MiB).
@Suite(.serialized) struct MemoryBoundTests {
    static let bound = 192.0

    @Test func sixHugeListsAtOnceKeepMemoryBounded() async throws {
        let database = RosterCLITests.temporaryDatabase()
        let token = try await RosterCLITests.createToken("Lists", database: database)
        let server = try RunningServer(arguments: ["serve", "--port", "0", "--database", database])
        defer { server.stop() }
        let base = "http://127.0.0.1:\(try await server.waitForPort())/scim/v2"
        let filler = String(repeating: "x", count: 4000)
        for index in 0..<24 {
            // About 780 KB each: 190 emails of 4 KB, and a displayName of 1 KB.
            let emails = (0..<190).map { JSON.object(["value": .string("\(index).\($0)@\(filler).example")]) }
            let user = JSON.object([
                "userName": .string("big\(index)@example.com"),
                "displayName": .string("DDD" + String(repeating: "d", count: 1000)), "emails": .array(emails),
            ])
            let (status, _) = try await RosterCLITests.send(
                "POST", URL(string: "\(base)/Users")!, token: token, body: user.serialized())
            try #require(status == 201)
        }
        let before = server.residentMemoryMB
        let peak = Mutexed(before)
        let sampling = Thread.detachNewThreadWithStop { peak.update { $0 = max($0, server.residentMemoryMB) } }
        let filter = #"displayName sw "DDD""#.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let pages = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<6 {
                group.addTask {
                    var counts: [Int] = []
                    for _ in 0..<3 {
                        var request = URLRequest(url: URL(string: "\(base)/Users?count=1000&filter=\(filter)")!)
                        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
                        let (data, _) = try await URLSession.shared.data(for: request)
                        counts.append(try JSON.parse(Array(data))["itemsPerPage"]?.intValue ?? -1)
                    }
                    return counts
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        sampling.stop()
        #expect(pages.count == 18 && pages.allSatisfy { $0 > 0 && $0 < 24 }, "each page is cut short: \(pages)")
        let grown = peak.value - before
        #expect(grown < Self.bound, "memory grew by \(Int(grown)) MiB, from \(Int(before)) MiB")
    }
}

/// A background loop, every 20 ms until stopped.
final class StoppableLoop: @unchecked Sendable {
    private let stopped = Mutexed(false)
    func stop() { stopped.update { $0 = true } }
    var isStopped: Bool { stopped.value }
}

extension Thread {
    static func detachNewThreadWithStop(_ body: @escaping @Sendable () -> Void) -> StoppableLoop {
        let loop = StoppableLoop()
        detachNewThread {
            while !loop.isStopped {
                body()
                usleep(20_000)
            }
        }
        return loop
    }
}
