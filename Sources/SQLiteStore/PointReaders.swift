import GRDB
import Synchronization

/// Read-only connections for point lookups (a user by id), used on the calling thread.
///
/// A `DatabasePool` read hops to the reader's dispatch queue and back: two thread switches, which cost more than
/// an indexed lookup itself. These connections are taken from an idle list and used where the caller runs; a
/// lookup takes tens of microseconds, and nothing here ever waits: when every connection is busy, `read` returns
/// nil and the caller uses the pool. Only lookups by key belong here; a query that may scan does not.
final class PointReaders: Sendable {
    private let idle: Mutex<[DatabaseQueue]>

    init(path: String, count: Int, prepare: @escaping @Sendable (Database) throws -> Void) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .immediateError
        configuration.prepareDatabase { db in
            try prepare(db)
            // A lookup by key reads a b-tree's upper pages, which 2 MiB holds for millions of rows; the leaves come
            // from the kernel's file cache. With the pool's 8 MiB, a million users' server peaked 20 MiB higher.
            try db.execute(sql: "PRAGMA cache_size = -2048")
        }
        idle = Mutex(try (0..<count).map { _ in try DatabaseQueue(path: path, configuration: configuration) })
    }

    /// `body`'s result, read in one transaction on an idle connection; nil when none is idle. A body of one
    /// statement is a transaction by itself, and skips BEGIN and COMMIT.
    func read<T>(singleStatement: Bool, _ body: (Database) throws -> T) throws -> T? {
        guard let connection = idle.withLock({ $0.popLast() }) else { return nil }
        defer { idle.withLock { $0.append(connection) } }
        do {
            return try connection.inDatabase { db in
                if singleStatement { return try body(db) }
                var result: T?
                try db.inTransaction(.deferred) {
                    result = try body(db)
                    return .commit
                }
                return result
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
            return nil  // Busy (recovery after a crash, say): the pool waits, this thread does not.
        }
    }
}

extension SQLiteStore {
    /// `body` on a point reader when one is idle (and the database is a file), else on the pool. A nil that `body`
    /// returns (not found) is its answer; only "no reader idle" falls back.
    func pointRead<T: Sendable>(singleStatement: Bool = false, _ body: @escaping @Sendable (Database) throws -> T)
        async throws
        -> T
    {
        if let points, let result = try points.read(singleStatement: singleStatement, body) { return result }
        return try await database.read(body)
    }
}
