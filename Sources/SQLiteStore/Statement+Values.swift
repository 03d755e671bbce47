import GRDB
import GRDBSQLite
import StoreSQL

extension Statement {
    /// Runs this statement once with `values` bound to its parameters, in order.
    func execute(values: [SQLValue]) throws {
        try bind(values)
        try execute()
    }

    /// Binds `values` to this statement's parameters, in order, through SQLite's own functions.
    ///
    /// GRDB's `StatementArguments` box each value as an existential, convert it to a `DatabaseValue`, and copy
    /// each string to a C string that SQLite then copies again; a second's activity binds thousands of values,
    /// and that work was 5.8% of a GET's CPU. Here each value is bound with one call. GRDB is told the statement's
    /// arguments are set (to none), so `execute()` and the fetching methods run it with these bindings.
    func bind(_ values: [SQLValue]) throws {
        let expected = Int(sqlite3_bind_parameter_count(sqliteStatement))
        guard values.count == expected else {
            throw DatabaseError(
                resultCode: .SQLITE_MISUSE, message: "\(values.count) values for \(expected) parameters", sql: sql)
        }
        setUncheckedArguments(StatementArguments())  // resets the statement and clears its bindings
        for (index, value) in zip(CInt(1)..., values) {
            let code = bind(value, at: index)
            guard code == SQLITE_OK else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), sql: sql)
            }
        }
    }

    private func bind(_ value: SQLValue, at index: CInt) -> CInt {
        switch value {
        case .integer(let number): return sqlite3_bind_int64(sqliteStatement, index, number)
        case .real(let number): return sqlite3_bind_double(sqliteStatement, index, number)
        case .null: return sqlite3_bind_null(sqliteStatement, index)
        case .text(var text):
            // SQLite copies the bytes (the "transient" destructor); an empty string still needs a pointer, as a
            // null one would bind NULL.
            let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
            return text.withUTF8 { bytes in
                guard let start = bytes.baseAddress, !bytes.isEmpty else {
                    return sqlite3_bind_text(sqliteStatement, index, "", 0, transient)
                }
                return start.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    sqlite3_bind_text64(
                        sqliteStatement, index, $0, sqlite3_uint64(bytes.count), transient, UInt8(SQLITE_UTF8))
                }
            }
        }
    }
}

extension Statement {
    /// Steps through the rows of this statement, its values bound with `bind(_:)`, calling `body` with each; the
    /// columns are read by position through SQLite's own functions.
    ///
    /// For the lookups every GET makes: a GRDB row cursor builds a dictionary of the lowercased column names each
    /// time it starts, and a row read by name looks each one up (with them, the lookup was 18.1% of a GET's CPU
    /// samples; 14.0% without). The statement is reset on the way out, whatever happens, which ends its read
    /// transaction.
    func forEachRow(_ body: (Columns) throws -> Void) throws {
        try stepRows(while: { row in
            try body(row)
            return true
        })
    }

    /// Steps through the rows while `body` returns true.
    func stepRows(while body: (Columns) throws -> Bool) throws {
        defer { sqlite3_reset(sqliteStatement) }
        while true {
            switch sqlite3_step(sqliteStatement) {
            case SQLITE_DONE: return
            case SQLITE_ROW: if try !body(Columns(statement: sqliteStatement)) { return }
            case let code:
                let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(sqliteStatement)))
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
            }
        }
    }
}

/// The current row of a statement being stepped, read by column position; valid only inside `forEachRow`.
struct Columns {
    fileprivate let statement: SQLiteStatement

    func integer(_ column: CInt) -> Int64? {
        sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : sqlite3_column_int64(statement, column)
    }

    func real(_ column: CInt) -> Double? {
        sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : sqlite3_column_double(statement, column)
    }

    /// The column as a bound value would be: NULL, an integer, a real, or text (a blob is read as text).
    func value(_ column: CInt) -> SQLValue {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_NULL: .null
        case SQLITE_INTEGER: .integer(sqlite3_column_int64(statement, column))
        case SQLITE_FLOAT: .real(sqlite3_column_double(statement, column))
        default: .text(text(column) ?? "")
        }
    }

    func text(_ column: CInt) -> String? {
        withBytes(column) { String(decoding: $0, as: UTF8.self) }
    }

    /// `read` applied to the column's UTF-8 bytes, without copying them first; nil for NULL.
    func withBytes<T, E: Error>(_ column: CInt, _ read: (UnsafeBufferPointer<UInt8>) throws(E) -> T) throws(E) -> T? {
        // sqlite3_column_text before sqlite3_column_bytes, as SQLite asks, so the count is that of the text.
        guard let start = sqlite3_column_text(statement, column) else { return nil }
        return try read(UnsafeBufferPointer(start: start, count: Int(sqlite3_column_bytes(statement, column))))
    }
}
