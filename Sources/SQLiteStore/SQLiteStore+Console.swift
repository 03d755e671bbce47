import Directory
import Foundation
import GRDB
import SCIMCore
import StoreSQL

extension SQLiteStore {
    public func adminCount() async throws -> Int {
        try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM admins") ?? 0 }
    }

    public func insertAdmin(_ admin: AdminAccount) async throws {
        do {
            try await execute(ConsoleSQL.insertAdmin(admin))
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw AdminNameTaken()
        }
    }

    public func admin(username: String) async throws -> AdminAccount? {
        try await fetchOne(ConsoleSQL.admin(username: username), Self.admin)
    }

    public func admin(id: String) async throws -> AdminAccount? {
        try await fetchOne(
            BoundStatement("SELECT \(ConsoleSQL.adminColumns) FROM admins WHERE id = ?", [.text(id)]), Self.admin)
    }

    public func insertSession(_ session: AdminSession) async throws {
        try await execute(ConsoleSQL.insertSession(session))
    }

    public func session(withHash hash: String) async throws -> AdminSession? {
        try await fetchOne(
            BoundStatement("SELECT \(ConsoleSQL.sessionColumns) FROM sessions WHERE hash = ?", [.text(hash)])
        ) { row in
            AdminSession(
                hash: row["hash"], adminID: row["admin_id"], csrfToken: row["csrf_token"],
                created: Date(milliseconds: row["created_ms"]), expires: Date(milliseconds: row["expires_ms"]))
        }
    }

    public func deleteSession(withHash hash: String) async throws {
        try await execute(BoundStatement("DELETE FROM sessions WHERE hash = ?", [.text(hash)]))
    }

    public func deleteSessions(expiredBefore time: Date) async throws {
        try await execute(BoundStatement("DELETE FROM sessions WHERE expires_ms < ?", [.integer(time.milliseconds)]))
    }

    public func setting(_ key: String) async throws -> String? {
        try await fetchOne(BoundStatement("SELECT value FROM settings WHERE name = ?", [.text(key)])) { row -> String in
            row["value"]
        }
    }

    public func setSetting(_ key: String, to value: String?) async throws {
        try await execute(ConsoleSQL.setSetting(key, to: value))
    }

    public func record(_ events: [ActivityEvent]) async throws {
        // Provenance follows the events, in their order.
        try await database.write { db in
            for chunk in ConsoleSQL.activityChunks(events) {
                let statement = ConsoleSQL.insertActivity(chunk)
                try db.cachedStatement(sql: statement.sql).execute(values: statement.values)
            }
            for statement in events.lazy.compactMap(ConsoleSQL.provenance(after:)) {
                try db.cachedStatement(sql: statement.sql).execute(values: statement.values)
            }
        }
    }

    public func activity(_ query: ActivityQuery) async throws -> [ActivityEvent] {
        let statement = ConsoleSQL.activity(query)
        return try await database.read { db in
            try Row.fetchAll(db, sql: statement.sql, arguments: StatementArguments(statement.values)).map(Self.event)
        }
    }

    public func deleteActivity(before time: Date) async throws -> Int {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM activity WHERE time_ms < ?", arguments: [time.milliseconds])
            return db.changesCount
        }
    }

    public func provenance(of resourceID: String) async throws -> Provenance? {
        let statement = BoundStatement(
            "SELECT \(ConsoleSQL.provenanceColumns) FROM provenance WHERE resource_id = ?", [.text(resourceID)])
        return try await fetchOne(statement) { row in
            Provenance(
                resourceID: row["resource_id"], created: (row["created_ms"] as Int64?).map(Date.init(milliseconds:)),
                createdBy: row["created_by"], modified: (row["modified_ms"] as Int64?).map(Date.init(milliseconds:)),
                modifiedBy: row["modified_by"])
        }
    }

    public func token(id: String) async throws -> TokenRecord? {
        try await fetchOne(BoundStatement("SELECT * FROM tokens WHERE id = ?", [.text(id)]), Self.token)
    }

    public func replaceTokenSecret(id: String, hash: String, prefix: String) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE tokens SET hash = ?, prefix = ?, last_used_ms = NULL WHERE id = ?",
                arguments: [hash, prefix, id])
            return db.changesCount > 0
        }
    }

    func execute(_ statement: BoundStatement) async throws {
        try await database.write { db in
            try db.execute(sql: statement.sql, arguments: StatementArguments(statement.values))
        }
    }

    /// One row, read into a value inside the read: `Row` is not Sendable, and a read that returned it would be the
    /// blocking overload, which stalls a cooperative thread until a reader is free.
    private func fetchOne<T: Sendable>(_ statement: BoundStatement, _ read: @escaping @Sendable (Row) throws -> T)
        async throws -> T?
    {
        try await database.read { db in
            try Row.fetchOne(db, sql: statement.sql, arguments: StatementArguments(statement.values)).map(read)
        }
    }

    static func admin(_ row: Row) -> AdminAccount {
        AdminAccount(
            id: row["id"], username: row["username"], passwordHash: row["password_hash"],
            created: Date(milliseconds: row["created_ms"]))
    }

    static func event(_ row: Row) -> ActivityEvent {
        ActivityEvent(
            id: row["id"], time: Date(milliseconds: row["time_ms"]), requestID: row["request_id"],
            tokenID: row["token_id"], tokenName: row["token_name"], client: row["client"], method: row["method"],
            path: row["path"], status: row["status"], resourceKind: row["resource_kind"],
            resourceID: row["resource_id"], resourceName: row["resource_name"],
            changes: ConsoleSQL.splitChanges(row["changes"]), detail: row["detail"], milliseconds: row["duration_ms"])
    }

    /// The console's tables, added after the directory's.
    static let consoleSchema = """
        CREATE TABLE admins (
            id TEXT PRIMARY KEY,
            username TEXT NOT NULL,
            username_key TEXT NOT NULL UNIQUE,
            password_hash TEXT NOT NULL,
            created_ms INTEGER NOT NULL
        );
        CREATE TABLE sessions (
            hash TEXT PRIMARY KEY,
            admin_id TEXT NOT NULL REFERENCES admins(id) ON DELETE CASCADE,
            csrf_token TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            expires_ms INTEGER NOT NULL
        );
        CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE activity (
            id INTEGER PRIMARY KEY,
            time_ms INTEGER NOT NULL,
            request_id TEXT NOT NULL,
            token_id TEXT,
            token_name TEXT,
            client TEXT NOT NULL,
            method TEXT NOT NULL,
            path TEXT NOT NULL,
            status INTEGER NOT NULL,
            resource_kind TEXT,
            resource_id TEXT,
            resource_name TEXT,
            changes TEXT NOT NULL,
            detail TEXT,
            duration_ms REAL NOT NULL
        );
        CREATE INDEX activity_by_time ON activity(time_ms);
        CREATE INDEX activity_by_client ON activity(client, id);
        CREATE INDEX activity_by_resource ON activity(resource_id, id);
        CREATE TABLE provenance (
            resource_id TEXT PRIMARY KEY,
            created_ms INTEGER,
            created_by TEXT,
            modified_ms INTEGER,
            modified_by TEXT
        );
        """
}

extension SQLiteStore {
    public func customFields() async throws -> [CustomField] {
        try await database.read { db in
            try Row.fetchAll(db, sql: FieldSQL.list.sql).compactMap { row in
                FieldSQL.field(
                    id: row["id"], label: row["label"], attributeName: row["attribute_name"],
                    namespace: row["namespace"], type: row["type"], options: row["options"],
                    enabled: (row["enabled"] as Int64) != 0)
            }
        }
    }

    public func insertCustomField(_ field: CustomField) async throws {
        do {
            try await execute(FieldSQL.insert(field, created: Date()))
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw SCIMError.uniqueness("A custom field with the SCIM name \(field.attributeName) already exists.")
        }
    }

    public func updateCustomField(_ field: CustomField) async throws -> Bool {
        let statement = FieldSQL.update(field)
        return try await database.write { db in
            try db.execute(sql: statement.sql, arguments: StatementArguments(statement.values))
            return db.changesCount > 0
        }
    }

    public func deleteCustomField(id: String) async throws -> Bool {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM custom_fields WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }
}
