import Directory
import GRDB
import StoreSQL

/// The shared stores' statements on SQLite: values bound and columns read through SQLite's own functions, each
/// statement prepared once per connection while there are few shapes of them. A grouped write shares its
/// transaction's sync to disk with whatever else is being written.
struct SQLiteDatabase: SQLDatabase {
    let database: any DatabaseWriter
    let writes: WriteBatcher
    /// Connections for lookups by key, used where the caller runs (nil for a database in memory).
    var points: PointReaders?

    func rows(_ statement: BoundStatement) async throws -> [SQLRow] {
        try await Self.translating { try await database.read(Self.run(statement)) }
    }

    /// On a point reader when one is idle: a sign-in's lookups of its connection, request, application and
    /// organization were each two thread switches through the pool.
    func lookup(_ statement: BoundStatement) async throws -> [SQLRow] {
        let read = Self.run(statement)
        if let points, let rows = try await Self.translating({ try points.read(singleStatement: true, read) }) {
            return rows
        }
        return try await Self.translating { try await database.read(read) }
    }

    func write(_ statements: [BoundStatement]) async throws -> [[SQLRow]] {
        try await Self.translating { try await database.write(Self.run(statements)) }
    }

    /// Through the resources' group commit, in a savepoint of the next transaction. Only small writes come here:
    /// with a second's worth of activity in the shared transaction, `roster-bench http` peaked at 330 MiB instead
    /// of 125 (and at 203–265 MiB with parts of 256 events).
    func groupedWrite(_ statements: [BoundStatement]) async throws -> [[SQLRow]] {
        try await Self.translating { try await writes.write(Self.run(statements)) }
    }

    private static func run(_ statement: BoundStatement) -> @Sendable (Database) throws -> [SQLRow] {
        { db in try rows(SQLiteStore.statement(db, statement.sql), statement.values) }
    }

    private static func run(_ statements: [BoundStatement]) -> @Sendable (Database) throws -> [[SQLRow]] {
        { db in try statements.map { try run($0)(db) } }
    }

    private static func rows(_ statement: Statement, _ values: [SQLValue]) throws -> [SQLRow] {
        try statement.bind(values)
        var rows: [SQLRow] = []
        let columns = CInt(statement.columnCount)
        try statement.forEachRow { row in rows.append(SQLRow((0..<columns).map(row.value))) }
        return rows
    }

    /// SQLite's refusal of a repeated unique key, as the shared stores expect it; its message names the table and
    /// column (`UNIQUE constraint failed: organizations.name_key`).
    private static func translating<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as DatabaseError
            where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
            || error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY
        {
            throw SQLUniqueViolation(constraint: error.message ?? "")
        }
    }
}
