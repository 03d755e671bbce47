import Directory
import Foundation
import GRDB
import StoreSQL
import Testing

@testable import SQLiteStore

/// Values bound and rows read through SQLite's own functions (`Statement+Values.swift`), which the lookups of
/// every GET and the activity writes use instead of GRDB's arguments and rows.
struct StatementValuesTests {
    @Test(arguments: ["", "é 😀 ∂", "a\u{0}b", "'; DROP TABLE x; --", String(repeating: "x", count: 100_000)])
    func valuesComeBackExactlyAsBound(text: String) throws {
        try DatabaseQueue().inDatabase { db in
            let statement = try db.cachedStatement(sql: "SELECT ?, typeof(?), ?, ?, ?, typeof(?), ?")
            try statement.bind([.text(text), .text(text), .integer(.min), .integer(.max), .real(1.5), .null, .null])
            var rows = 0
            try statement.forEachRow { row in
                rows += 1
                #expect(row.text(0) == text)
                #expect(row.withBytes(0) { Array($0) } == Array(text.utf8))
                #expect(row.text(1) == "text", "an empty string is text, not NULL")
                #expect(row.integer(2) == .min)
                #expect(row.integer(3) == .max)
                #expect(row.text(4) == "1.5")
                #expect(row.text(5) == "null")
                #expect(row.text(6) == nil)
                #expect(row.integer(6) == nil)
            }
            #expect(rows == 1)
        }
    }

    @Test func theWrongNumberOfValuesIsAnErrorAndTheStatementStaysUsable() throws {
        try DatabaseQueue().inDatabase { db in
            let statement = try db.cachedStatement(sql: "SELECT ? + ?")
            #expect(throws: DatabaseError.self) { try statement.bind([.integer(1)]) }
            #expect(throws: DatabaseError.self) { try statement.bind([.integer(1), .integer(2), .integer(3)]) }
            try statement.bind([.integer(1), .integer(2)])
            var sum: Int64?
            try statement.forEachRow { sum = $0.integer(0) }
            #expect(sum == 3)
        }
    }

    /// A step that fails is thrown with SQLite's message, and the same cached statement runs again afterwards,
    /// bound by us or by GRDB.
    @Test func aFailingStepIsThrownAndTheStatementRunsAgain() throws {
        try DatabaseQueue().inDatabase { db in
            let statement = try db.cachedStatement(sql: "SELECT abs(?)")
            try statement.bind([.integer(.min)])
            let error = #expect(throws: DatabaseError.self) { try statement.forEachRow { _ in } }
            #expect(error?.message?.contains("overflow") == true, "\(String(describing: error))")
            try statement.bind([.integer(-5)])
            var value: Int64?
            try statement.forEachRow { value = $0.integer(0) }
            #expect(value == 5)
            #expect(try Int.fetchOne(statement, arguments: [-7]) == 7)
            try statement.execute(values: [.integer(-8)])
        }
    }

    /// A cached statement left mid-way would keep its read transaction, and the connection's next reads would see
    /// the database as it was then. Stopping early (the body throws) must end it.
    @Test func aReadThatStopsEarlyEndsItsTransaction() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("roster-values-\(UUID()).sqlite").path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let writer = try DatabasePool(path: path)
        try writer.write { db in try db.execute(sql: "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2), (3)") }
        let reader = try DatabaseQueue(path: path)
        struct Stop: Error {}
        try reader.inDatabase { db in
            let statement = try db.cachedStatement(sql: "SELECT x FROM t ORDER BY x")
            try statement.bind([])
            #expect(throws: Stop.self) { try statement.forEachRow { _ in throw Stop() } }
        }
        try writer.write { db in try db.execute(sql: "INSERT INTO t VALUES (4)") }
        let count = try reader.inDatabase { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM t") }
        #expect(count == 4)
    }

    /// A row that cannot be a resource (a body that is not a JSON object) is reported as corruption, on every
    /// path that reads one, rather than crashing or passing for a missing resource.
    @Test func anUnreadableStoredRowIsCorruption() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("roster-values-\(UUID()).sqlite").path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let store = try SQLiteStore(path: path)
        try await store.database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO resources (id, kind, version, created_ms, modified_ms, unique_key, body)
                    VALUES ('u1', 'User', 1, 0, 0, 'broken@example.com', '{"userName":'),
                           ('g1', 'Group', 1, 0, 0, 'broken', '[]')
                    """)
        }
        await #expect(throws: StoreCorruption.self) { try await store.fetchUserWithGroups(id: "u1", in: .default) }
        await #expect(throws: StoreCorruption.self) { try await store.fetch(.user, id: "u1", in: .default) }
        await #expect(throws: StoreCorruption.self) { try await store.fetch(.group, id: "g1", in: .default) }
        #expect(try await store.fetchUserWithGroups(id: "u2", in: .default) == nil)
    }
}
