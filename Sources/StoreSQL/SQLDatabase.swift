import Directory
import Foundation
import Synchronization

/// A value bound to a `?` placeholder; booleans are bound as 0 and 1 so every store compares them alike.
public enum SQLValue: Sendable, Hashable {
    case text(String)
    case integer(Int64)
    case real(Double)
    case null

    public init(_ text: String?) { self = text.map(SQLValue.text) ?? .null }
    public init(_ number: Int64?) { self = number.map(SQLValue.integer) ?? .null }
    public init(_ number: Double?) { self = number.map(SQLValue.real) ?? .null }
    public init(_ flag: Bool?) { self = flag.map { .integer($0 ? 1 : 0) } ?? .null }
    public init(_ date: Date?) { self = date.map { .integer($0.milliseconds) } ?? .null }
}

/// A statement with `?` placeholders and the values bound to them, in order.
public struct BoundStatement: Sendable, Hashable {
    public var sql: String
    public var values: [SQLValue]

    public init(_ sql: String, _ values: [SQLValue] = []) {
        self.sql = sql
        self.values = values
    }
}

/// One row a statement returned, its columns by position.
public struct SQLRow: Sendable, Hashable {
    public var values: [SQLValue]

    public init(_ values: [SQLValue]) {
        self.values = values
    }

    public func text(_ column: Int) -> String? {
        guard case .text(let text) = values[column] else { return nil }
        return text
    }

    public func integer(_ column: Int) -> Int64? {
        switch values[column] {
        case .integer(let number): number
        case .real(let number): Int64(exactly: number)
        default: nil
        }
    }

    public func real(_ column: Int) -> Double? {
        switch values[column] {
        case .real(let number): number
        case .integer(let number): Double(number)
        default: nil
        }
    }

    public func bool(_ column: Int) -> Bool? { integer(column).map { $0 != 0 } }

    public func date(_ column: Int) -> Date? { integer(column).map(Date.init(milliseconds:)) }
}

/// A statement refused because it would repeat a unique key; `constraint` names the key as the database does
/// (a table and column, or an index), so a store can say which.
public struct SQLUniqueViolation: Error, Sendable, CustomStringConvertible {
    public var constraint: String

    public init(constraint: String) {
        self.constraint = constraint
    }

    public var description: String { "unique key repeated: \(constraint)" }
}

/// A database the stores shared by both dialects run their statements on; each dialect implements it once.
///
/// Statements are written in the SQL both dialects share (`?` placeholders, `RETURNING`, `ON CONFLICT`). What a
/// write changed is what its `RETURNING` clause returns.
public protocol SQLDatabase: Sendable {
    /// The rows one statement returns, read in a transaction of its own.
    func rows(_ statement: BoundStatement) async throws -> [SQLRow]
    /// The rows of a lookup by a unique key (found through an index, never a scan: one row, or the few rows
    /// joined to it), which a dialect may read where the caller runs instead of handing it to a reader's thread.
    func lookup(_ statement: BoundStatement) async throws -> [SQLRow]
    /// Runs statements in order in one transaction and returns the rows each returned; nothing is written unless
    /// all succeed. A repeated unique key throws `SQLUniqueViolation`.
    func write(_ statements: [BoundStatement]) async throws -> [[SQLRow]]
    /// `write`, for a small write on a hot path (a sign-in's): a dialect may commit it together with the other
    /// writes under way, acknowledged once that commit is durable (SQLite's group commit).
    func groupedWrite(_ statements: [BoundStatement]) async throws -> [[SQLRow]]
}

extension SQLDatabase {
    public func lookup(_ statement: BoundStatement) async throws -> [SQLRow] {
        try await rows(statement)
    }

    public func groupedWrite(_ statements: [BoundStatement]) async throws -> [[SQLRow]] {
        try await write(statements)
    }

    /// The rows one grouped write returned.
    @discardableResult
    public func groupedWrite(_ statement: BoundStatement) async throws -> [SQLRow] {
        try await groupedWrite([statement])[0]
    }

    /// The rows one write returned.
    @discardableResult
    public func write(_ statement: BoundStatement) async throws -> [SQLRow] {
        try await write([statement])[0]
    }

    /// Whether a write whose `RETURNING` clause names what it changed changed anything.
    public func changes(_ sql: String, _ values: [SQLValue]) async throws -> Bool {
        try await !write(BoundStatement(sql, values)).isEmpty
    }

    /// The first row a statement returns, read with `read`.
    public func first<T>(_ statement: BoundStatement, _ read: (SQLRow) throws -> T?) async throws -> T? {
        try await rows(statement).first.flatMap(read)
    }
}

/// A row a store cannot read back: a bug or damaged data, reported as a 500.
func unreadable(_ what: String) -> StoreCorruption {
    StoreCorruption(detail: "\(what) has an unreadable row")
}

/// The database ceiling on either dialect: the statements Roster's GET and POST cannot do with less.
public final class SQLCeiling: DatabaseCeiling {
    let database: any SQLDatabase
    private let prepared = Mutex(false)

    public init(_ database: any SQLDatabase) {
        self.database = database
    }

    public func pointSelect(id: String) async throws -> Bool {
        try await database.first(
            BoundStatement("SELECT pk FROM resources WHERE id = ? AND org_pk = ?", [.text(id), .integer(1)])
        ) { $0.integer(0) } != nil
    }

    public func insertRow() async throws {
        if !prepared.withLock({ $0 }) {
            // The first requests race to make the table: one does, the others' refusals are no matter, and every
            // one inserts only once it is made.
            _ = try? await database.write(
                BoundStatement("CREATE TABLE IF NOT EXISTS roster_benchmark_ceiling (created_ms BIGINT NOT NULL)"))
            prepared.withLock { $0 = true }
        }
        _ = try await database.write(
            BoundStatement("INSERT INTO roster_benchmark_ceiling (created_ms) VALUES (?)", [SQLValue(Date())]))
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements: statements bind a bounded number of values.
    public func chunked(into size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
