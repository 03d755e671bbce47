import Directory
import Foundation
import RosterTestSupport
import SCIMCore
import Testing

@testable import PostgresStore

/// On PostgreSQL, events are written unnumbered and numbered once they have committed: a reader by number never
/// meets a number below one it has seen appearing later, and numbers stay contiguous.
@Suite struct PostgresEventNumberingTests {
    /// A writer still open holds back no other writer's numbers; the feed of every organization, in transaction
    /// order, still shows nothing past it until it ends.
    @Test func eventsAreNumberedAsTheyCommit() async throws {
        guard PostgresTestDatabase.isConfigured else { return }
        try await withPostgresStore { store in
            let events = store.stores.events
            try await store.insert(Self.user("a"), members: [], events: [Self.event("a")], in: .default)
            let (written, writtenSignal) = AsyncStream.makeStream(of: Void.self)
            let (commit, commitSignal) = AsyncStream.makeStream(of: Void.self)
            let slow = Task {
                try await store.transaction { connection in
                    try await store.run(PostgresSQL.events([Self.event("slow")], in: .default), on: connection)
                        .collect()
                    writtenSignal.yield()
                    for await _ in commit { break }
                }
            }
            for await _ in written { break }
            // "c" is not held up by "slow", and commits first.
            try await store.insert(Self.user("c"), members: [], events: [Self.event("c")], in: .default)
            let first = try await events.events(of: .default, afterSequence: 0, types: nil, limit: 10)
            #expect(first.map(\.id) == ["a", "c"])
            #expect(first.map(\.sequence) == [1, 2])
            #expect(try await events.lastSequences()[.default] == 2)
            #expect(try await events.events(after: .start, types: nil, limit: 10).events.map(\.id) == ["a"])
            commitSignal.yield()
            try await slow.value
            let after = try await events.events(of: .default, afterSequence: 2, types: nil, limit: 10)
            #expect(after.map(\.id) == ["slow"])
            #expect(after.map(\.sequence) == [3])
            let feed = try await events.events(after: .start, types: nil, limit: 10).events
            #expect(feed.map(\.id) == ["a", "slow", "c"])
            #expect(feed.map(\.sequence) == [1, 3, 2])
        }
    }

    /// Writers in parallel and readers following by number, as webhook delivery does ("after the last one I
    /// delivered"): every page a reader reads starts right after what it had, and it ends with every event once.
    @Test func aReaderByNumberNeverSkipsAnEventOfWritersInParallel() async throws {
        guard PostgresTestDatabase.isConfigured else { return }
        try await withPostgresStore { store in
            let events = store.stores.events
            let writers = 6
            let each = 25
            let writing = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for writer in 0..<writers {
                        group.addTask {
                            for index in 0..<each {
                                let name = "w\(writer)-\(index)"
                                try await store.insert(
                                    Self.user(name), members: [], events: [Self.event(name)], in: .default)
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            // Two readers, as two webhook endpoints: each numbers before it reads, side by side.
            let readers = (0..<2).map { _ in
                Task {
                    var delivered: Int64 = 0
                    var seen: [String] = []
                    while seen.count < writers * each {
                        let page = try await events.events(of: .default, afterSequence: delivered, types: nil, limit: 7)
                        #expect(page.map(\.sequence) == Array(delivered + 1..<delivered + 1 + Int64(page.count)))
                        seen += page.map(\.id)
                        delivered = page.last?.sequence ?? delivered
                        if page.isEmpty { try await Task.sleep(for: .milliseconds(2)) }
                    }
                    return seen
                }
            }
            for reader in readers {
                let seen = try await reader.value
                #expect(Set(seen).count == writers * each)
                #expect(seen.count == writers * each)
            }
            try await writing.value
            #expect(try await events.lastSequences()[.default] == Int64(writers * each))
        }
    }

    /// A backlog (here one transaction's 10,005 events) is numbered 1,000 at a time: the feed of every organization
    /// shows what is numbered, and each page numbers more; the background numbering goes on until none is left.
    @Test func aBacklogIsNumberedInBatches() async throws {
        guard PostgresTestDatabase.isConfigured else { return }
        try await withPostgresStore { store in
            func write(_ events: [NewEvent]) async throws {
                try await store.transaction { connection in
                    try await store.run(PostgresSQL.events(events, in: .default), on: connection).collect()
                }
            }
            func unnumbered() async throws -> Int64 {
                let rows = try await store.run(SQL("SELECT COUNT(*) FROM events WHERE sequence IS NULL"))
                return try #require(rows.first).decode(Int64.self)
            }
            let many = (0..<10_005).map { Self.event("e\($0)") }
            try await write(many)
            #expect(try await unnumbered() == 10_005)
            try await store.run(SQL("SELECT roster_number_events()"), writes: true)
            #expect(try await unnumbered() == 9_005)
            var feed: [StoredEvent] = []
            var position = FeedPosition.start
            while feed.count < many.count {
                let page = try await store.stores.events.events(after: position, types: nil, limit: 2500).events
                #expect(!page.isEmpty)
                if page.isEmpty { break }
                feed += page
                position = page.last!.position
            }
            #expect(try await unnumbered() == 0)
            #expect(feed.map(\.id) == many.map(\.id))
            #expect(feed.map(\.sequence) == Array(1...Int64(many.count)))

            try await write((0..<2_500).map { Self.event("more\($0)") })
            try await store.numberEvents()
            #expect(try await unnumbered() == 0)
            #expect(try await store.stores.events.lastSequences()[.default] == 12_505)
        }
    }

    /// A database restored from another cluster's dump keeps where that cluster's numbering stopped, ahead of
    /// every transaction id here: the numbering starts over rather than never number a new event.
    @Test func aWatermarkFromAnotherClusterIsStartedOver() async throws {
        guard PostgresTestDatabase.isConfigured else { return }
        try await withPostgresStore { store in
            try await store.run(SQL("UPDATE event_numbering SET below = 9000000000000"), writes: true)
            try await store.insert(Self.user("a"), members: [], events: [Self.event("a")], in: .default)
            let read = try await store.stores.events.events(of: .default, afterSequence: 0, types: nil, limit: 10)
            #expect(read.map(\.id) == ["a"])
            let below = try await store.run(SQL("SELECT below FROM event_numbering"))
            #expect(try #require(below.first).decode(Int64.self) < 9_000_000_000_000)
        }
    }

    static func user(_ name: String) -> StoredResource { PostgresCommitTests.user(name) }

    static func event(_ id: String) -> NewEvent {
        NewEvent(
            id: id, type: .userCreated, resourceID: id, time: Date(timeIntervalSince1970: 1_800_000_000),
            payload: "{}")
    }
}
