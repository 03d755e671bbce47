import Directory
import Foundation
import RosterTestSupport
import SCIMCore
import Testing

@testable import PostgresStore

/// On PostgreSQL, creates of one kind commit side by side: each holds its kind's lock in shared mode and adds its
/// own row of count changes. A listing in creation order takes the lock exclusively while it takes its snapshots,
/// so it waits for the creates under way, and a create committed later never lands before a row it listed.
@Suite struct PostgresCommitOrderTests {
    @Test func aListingInCreationOrderWaitsForTheCreatesUnderWay() async throws {
        guard PostgresTestDatabase.isConfigured else { return }
        try await withPostgresStore { store in
            try await store.insert(PostgresCommitTests.user("a"), members: [], events: [], in: .default)
            // "b" draws its key, then waits to commit.
            let underWay = await Self.openWrite(
                store, PostgresSQL.insert(PostgresCommitTests.user("b"), events: [], in: .default))
            // "c" is not held up by "b", and commits first with a later key.
            try await store.insert(PostgresCommitTests.user("c"), members: [], events: [], in: .default)
            let page = Page(startIndex: 1, count: 10, maximum: 100)
            let list = ResourceQuery(organization: .default, kind: .user, filter: nil, page: page)
            var byCursor = list
            byCursor.seek = Seek(after: nil)
            let listing = Task { try await store.search(list) }
            let cursor = Task { [byCursor] in try await store.search(byCursor) }
            try await Task.sleep(for: .milliseconds(300))
            underWay.commit()
            try await underWay.done.value
            let listed = try await listing.value
            #expect(listed.resources.map(\.id) == ["a", "b", "c"])
            #expect(listed.total == 3)
            #expect(try await cursor.value.resources.map(\.id) == ["a", "b", "c"])
        }
    }

    /// A reader in commit order holds writers back only while it takes its snapshot, not while it reads its rows: a
    /// create and a second reader go on while the first is still inside its transaction, whose rows do not show the
    /// create.
    @Test func aReaderInCommitOrderHoldsWritersBackOnlyUntilItsSnapshot() async throws {
        guard PostgresTestDatabase.isConfigured else { return }
        // A statement held back by the reader fails after the timeout rather than hang the test.
        try await withPostgresStore(statementTimeout: .seconds(30)) { store in
            try await store.insert(PostgresCommitTests.user("a"), members: [], events: [], in: .default)
            let (reading, readingSignal) = AsyncStream.makeStream(of: Void.self)
            let (finish, finishSignal) = AsyncStream.makeStream(of: Void.self)
            let count = SQL("SELECT COUNT(*) FROM resources WHERE kind = 'User'")
            let reader = Task {
                try await store.inCommitOrder(.user, in: .default) { connection in
                    try await store.declare(count, on: connection)
                } then: { connection, _ in
                    readingSignal.yield()
                    for await _ in finish { break }
                    let declared = try await store.fetchDeclared(on: connection).collect()
                    return try #require(declared.first).decode(Int64.self)
                }
            }
            for await _ in reading { break }
            // Each would wait for the reader's end if it still held the lock, until the statement timeout.
            try await store.insert(PostgresCommitTests.user("b"), members: [], events: [], in: .default)
            let second = try await store.inCommitOrder(.user, in: .default) { connection in
                try #require(try await store.run(count, on: connection).collect().first).decode(Int64.self)
            } then: { _, counted in
                counted
            }
            #expect(second == 2)
            finishSignal.yield()
            // The first reader's rows are those of its snapshot, taken before the create.
            #expect(try await reader.value == 1)
            // The lock went with the snapshot: nothing is left held for the next writer.
            try await store.insert(PostgresCommitTests.user("c"), members: [], events: [], in: .default)
        }
    }

    /// A reader that fails while it holds the lock (here, its own statement fails) closes its connection: a
    /// session's lock survives the rollback, and would hold every later writer of the kind back.
    @Test func aReaderThatFailsUnderTheLockLeavesItToNoOne() async throws {
        guard PostgresTestDatabase.isConfigured else { return }
        try await withPostgresStore(statementTimeout: .seconds(30)) { store in
            let failure = await #expect(throws: (any Error).self) {
                try await store.inCommitOrder(.user, in: .default) { connection in
                    try await store.run(SQL("SELECT * FROM no_such_table"), on: connection).collect()
                } then: { _, rows in
                    rows.count
                }
            }
            // Answered by the failure itself, not by the statement timeout: a ROLLBACK written to the closed
            // connection would never be answered.
            #expect(!"\(failure.map { String(describing: $0) } ?? "")".contains("did not finish"), "\(failure!)")
            try await Self.expectNoAdvisoryLockHeld(store)
            try await store.insert(PostgresCommitTests.user("after"), members: [], events: [], in: .default)
        }
    }

    /// A reader cancelled while it waits for the lock: the driver stops waiting, the server does not, and gets the
    /// lock once the writer commits. The connection is closed, so the lock goes with its session.
    @Test func aReaderCancelledWhileItWaitsLeavesTheLockToNoOne() async throws {
        guard PostgresTestDatabase.isConfigured else { return }
        try await withPostgresStore(statementTimeout: .seconds(30)) { store in
            try await store.insert(PostgresCommitTests.user("a"), members: [], events: [], in: .default)
            let writer = await Self.openWrite(
                store,
                SQL(
                    "SELECT pg_advisory_xact_lock_shared(\(PostgresStore.commitOrderLock))",
                    [.text("User"), .integer(1)]))
            let page = Page(startIndex: 1, count: 10, maximum: 100)
            let reader = Task {
                try await store.search(ResourceQuery(organization: .default, kind: .user, filter: nil, page: page))
            }
            // Until the reader's session waits for the lock.
            var waiting = false
            for _ in 0..<200 where !waiting {
                let rows = try await store.run(
                    SQL(Self.advisoryLocks + " AND NOT granted"))
                waiting = try rows.first?.decode(Int64.self) == 1
                if !waiting { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(waiting)
            reader.cancel()
            writer.commit()
            try await writer.done.value
            // The driver throws the cancellation when the lock's answer comes, or reads the page if the answer came
            // first: either way, no lock may be left behind.
            _ = await reader.result
            try await Self.expectNoAdvisoryLockHeld(store)
            // Would wait for the lock until the statement timeout.
            try await store.insert(PostgresCommitTests.user("b"), members: [], events: [], in: .default)
        }
    }

    /// A write transaction that has run `sql` and stays open until `commit` is called; `done` ends with it.
    static func openWrite(_ store: PostgresStore, _ sql: SQL) async
        -> (done: Task<Void, any Error>, commit: @Sendable () -> Void)
    {
        let (ran, ranSignal) = AsyncStream.makeStream(of: Void.self)
        let (commit, commitSignal) = AsyncStream.makeStream(of: Void.self)
        let done = Task {
            // Finished however the transaction ends, so a failure before `sql` has run does not leave the caller
            // waiting: it shows in `done`.
            defer { ranSignal.finish() }
            try await store.transaction { connection in
                _ = try await store.run(sql, on: connection).collect()
                ranSignal.yield()
                for await _ in commit { break }
            }
        }
        for await _ in ran { break }
        return (done, { commitSignal.yield() })
    }

    /// This database's advisory locks (the cluster's other tests have theirs).
    static let advisoryLocks = """
        SELECT COUNT(*) FROM pg_locks
        WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
        """

    /// No session holds an advisory lock, once the sessions of closed connections have ended.
    static func expectNoAdvisoryLockHeld(_ store: PostgresStore) async throws {
        var held: Int64 = -1
        for _ in 0..<100 where held != 0 {
            let rows = try await store.run(
                SQL(Self.advisoryLocks + " AND granted"))
            held = try rows.first?.decode(Int64.self) ?? -1
            if held != 0 { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(held == 0)
    }

    /// Counts are exact whether or not their changes have been folded, and names left out by a conflict are not
    /// counted.
    @Test func countsAddUpBeforeAndAfterTheirChangesAreFolded() async throws {
        guard PostgresTestDatabase.isConfigured else { return }
        try await withPostgresStore { store in
            let users = (0..<30).map { PostgresCommitTests.user("u\($0)") }
            try await store.insertMany(Array(users[..<20]), in: .default)
            let again = [PostgresCommitTests.user("u0", id: "again")] + users[20...]
            let refused = try await store.insertEach(again, events: again.map { _ in [] }, in: .default)
            #expect(refused.compactMap { $0 }.count == 1)
            for user in users[..<5] {
                #expect(try await store.delete(.user, id: user.id, expectedVersion: nil, events: [], in: .default))
            }
            func counts() async throws -> (total: Int, deletions: Int64, changes: Int64) {
                let rows = try await store.run(
                    SQL(
                        """
                        SELECT total, deletions, (SELECT COUNT(*) FROM resource_count_changes WHERE kind = 'User')
                        FROM resource_totals WHERE org_pk = 1 AND kind = 'User'
                        """))
                let (total, deletions, changes) = try #require(rows.first).decode((Int64, Int64, Int64).self)
                return (Int(total), deletions, changes)
            }
            let before = try await counts()
            #expect(before.total == 25)
            #expect(before.deletions == 5)
            #expect(try await store.stores.organizations.counts(in: .default).users == 25)
            _ = try await store.run(SQL("SELECT roster_fold_counts(1, 'User')"), writes: true)
            let after = try await counts()
            #expect(after.total == 25)
            #expect(after.deletions == 5)
            #expect(after.changes == 0)
            let page = Page(startIndex: 1, count: 100, maximum: 100)
            let list = ResourceQuery(organization: .default, kind: .user, filter: nil, page: page)
            #expect(try await store.search(list).total == 25)
        }
    }
}
