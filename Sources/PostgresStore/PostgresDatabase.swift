import Directory
import Logging
import PostgresNIO
import StoreSQL

/// The shared stores' statements on PostgreSQL: one round trip for a single statement, a transaction on one
/// connection for several.
struct PostgresDatabase: SQLDatabase {
    let store: PostgresStore

    func rows(_ statement: BoundStatement) async throws -> [SQLRow] {
        try await Self.translating {
            try Self.rows(of: await store.run(SQL(statement.sql, statement.values)))
        }
    }

    func write(_ statements: [BoundStatement]) async throws -> [[SQLRow]] {
        try await Self.translating {
            if statements.count == 1 {
                return [try Self.rows(of: await store.run(SQL(statements[0].sql, statements[0].values), writes: true))]
            }
            return try await store.transaction { connection in
                var results: [[SQLRow]] = []
                for statement in statements {
                    let rows = try await store.run(SQL(statement.sql, statement.values), on: connection)
                    results.append(try Self.rows(of: try await rows.collect()))
                }
                return results
            }
        }
    }

    private static func rows(of rows: [PostgresRow]) throws -> [SQLRow] {
        try rows.map { SQLRow(try $0.map(value)) }
    }

    /// A cell as a bound value would be, by its type: integers, reals, booleans (as 0 and 1) and text.
    static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int8, .int4, .int2: return .integer(try cell.decode(Int64.self))
        case .float8, .float4, .numeric: return .real(try cell.decode(Double.self))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        default: return .text(try cell.decode(String.self))
        }
    }

    /// PostgreSQL's refusal of a repeated unique key, as the shared stores expect it: the constraint's name
    /// (`organization_domains_pkey`) or, failing that, the message.
    private static func translating<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == PostgresError.Code.uniqueViolation.raw {
            throw SQLUniqueViolation(
                constraint: error.serverInfo?[.constraintName] ?? error.serverInfo?[.message] ?? "")
        }
    }
}
