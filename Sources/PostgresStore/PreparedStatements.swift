import Logging
import PostgresNIO
import Synchronization

/// Statements PostgreSQL parses and plans once per connection, then runs by name: parsing and planning were nine
/// tenths of the server's time for a GET's statement (0.35 ms of 0.4), and most of a point SELECT's.
///
/// A statement is prepared when its text is short and one of the first `capacity` texts its store ran; the others
/// (a rare filter's shape, a batch of a thousand rows) run unnamed, parsed each time, as before. The bound keeps
/// what every connection holds on the server bounded whatever clients send. Each store has its own, as each has its
/// own connections.
final class PreparedStatements: Sendable {
    /// The most statements prepared, per store and so per connection.
    static let capacity = 256
    /// The longest text prepared, in UTF-8 bytes.
    static let longest = 4096

    /// A statement's text and the types of its values: PostgreSQL types a prepared statement's parameters once,
    /// so the same text bound with other types (a NULL where text was) is another statement.
    struct Key: Hashable, Sendable {
        var text: String
        var types: [PostgresDataType]
    }

    private let known = Mutex<[Key: Named.Statement]>([:])

    /// The prepared statement `text` bound with `types` runs as, or nil when it runs unnamed.
    func statement(_ text: String, types: [PostgresDataType]) -> Named.Statement? {
        guard text.utf8.count <= Self.longest else { return nil }
        let key = Key(text: text, types: types)
        let (statement, full) = known.withLock { ($0[key], $0.count >= Self.capacity) }
        if let statement { return statement }
        if full { return nil }
        // Numbered outside the lock; another caller may number the same text meanwhile, and the first one kept wins.
        let numbered = SQL.numbered(text)
        return known.withLock { known in
            if let statement = known[key] { return statement }
            guard known.count < Self.capacity else { return nil }
            let statement = Named.Statement(name: "roster_\(known.count + 1)", sql: numbered, types: types)
            known[key] = statement
            return statement
        }
    }
}

/// A statement known only at run time, as postgres-nio's prepared statements want one.
///
/// postgres-nio prepares a statement on a connection the first time it runs there and keeps it, but takes its name
/// and text from static members (`PostgresPreparedStatement` is meant for statements written as types). Here they
/// read a task-local the caller binds around `execute`, which reads them before its first suspension, and again
/// only to describe an error, still within the binding.
struct Named: PostgresPreparedStatement {
    struct Statement: Sendable {
        var name: String
        var sql: String
        var types: [PostgresDataType]
    }

    typealias Row = PostgresRow

    @TaskLocal static var running: Statement?

    static var name: String { bound.name }
    static var sql: String { bound.sql }
    static var bindingDataTypes: [PostgresDataType] { bound.types }

    private static var bound: Statement {
        guard let running else { preconditionFailure("Named runs only within Named.$running.withValue") }
        return running
    }

    var bindings: PostgresBindings

    func makeBindings() -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) -> PostgresRow { row }
}

/// The rows of a statement, whichever way it ran.
typealias Rows = AsyncThrowingMapSequence<PostgresRowSequence, PostgresRow>

extension PostgresConnection {
    /// Runs a statement, prepared on this connection when `statements` may keep it; without them (a migration's,
    /// which never runs again), unnamed.
    @discardableResult
    func run(_ sql: SQL, preparing statements: PreparedStatements? = nil, logger: Logger) async throws -> Rows {
        if let statement = statements?.statement(sql.text, types: sql.types) {
            do {
                return try await Named.$running.withValue(statement) {
                    try await execute(Named(bindings: sql.bindings), logger: logger)
                }
            } catch let error as PSQLError {
                // postgres-nio keeps a statement's failure to prepare for the connection's life: a table missing
                // for a moment would fail that statement on this connection ever after. An error preparing can
                // raise closes the connection, and the pool opens another.
                if let state = error.serverInfo?[.sqlState], Self.mayComeFromPreparing(state) {
                    try? await close()
                }
                throw error
            }
        }
        return try await query(PostgresQuery(unsafeSQL: SQL.numbered(sql.text), binds: sql.bindings), logger: logger)
            .map { $0 }
    }
}

extension PostgresConnection {
    /// Errors in the statement's text or names (class 42), and the refusal of a transaction that failed before
    /// (25P02): what parsing raises.
    static func mayComeFromPreparing(_ state: String) -> Bool {
        state.hasPrefix("42") || state == "25P02"
    }
}

extension Rows {
    /// Every row, read whole.
    func collect() async throws -> [PostgresRow] {
        var rows: [PostgresRow] = []
        for try await row in self { rows.append(row) }
        return rows
    }
}
