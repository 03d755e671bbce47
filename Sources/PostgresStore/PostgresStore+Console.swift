import Directory
import Foundation
import PostgresNIO
import SCIMCore
import StoreSQL

extension PostgresStore {
    public func adminCount() async throws -> Int {
        for try await count in try await run(SQL("SELECT COUNT(*) FROM admins")).decode(Int64.self) {
            return Int(count)
        }
        return 0
    }

    public func insertAdmin(_ admin: AdminAccount) async throws {
        do {
            try await run(SQL(ConsoleSQL.insertAdmin(admin)))
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == PostgresError.Code.uniqueViolation.raw {
            throw AdminNameTaken()
        }
    }

    public func admin(username: String) async throws -> AdminAccount? {
        try await first(SQL(ConsoleSQL.admin(username: username)), Self.admin)
    }

    public func admin(id: String) async throws -> AdminAccount? {
        try await first(SQL("SELECT \(ConsoleSQL.adminColumns) FROM admins WHERE id = ?", [.text(id)]), Self.admin)
    }

    public func insertSession(_ session: AdminSession) async throws {
        try await run(SQL(ConsoleSQL.insertSession(session)))
    }

    public func session(withHash hash: String) async throws -> AdminSession? {
        try await first(SQL("SELECT \(ConsoleSQL.sessionColumns) FROM sessions WHERE hash = ?", [.text(hash)])) { row in
            let (hash, adminID, csrf, created, expires) = try row.decode((String, String, String, Int64, Int64).self)
            return AdminSession(
                hash: hash, adminID: adminID, csrfToken: csrf, created: Date(milliseconds: created),
                expires: Date(milliseconds: expires))
        }
    }

    public func deleteSession(withHash hash: String) async throws {
        try await run(SQL("DELETE FROM sessions WHERE hash = ?", [.text(hash)]))
    }

    public func deleteSessions(expiredBefore time: Date) async throws {
        try await run(SQL("DELETE FROM sessions WHERE expires_ms < ?", [.integer(time.milliseconds)]))
    }

    public func setting(_ key: String) async throws -> String? {
        try await first(SQL("SELECT value FROM settings WHERE name = ?", [.text(key)])) { try $0.decode(String.self) }
    }

    public func setSetting(_ key: String, to value: String?) async throws {
        try await run(SQL(ConsoleSQL.setSetting(key, to: value)))
    }

    public func record(_ events: [ActivityEvent]) async throws {
        // Provenance follows the events, in their order.
        try await transaction { connection in
            for chunk in ConsoleSQL.activityChunks(events) {
                try await connection.run(SQL(ConsoleSQL.insertActivity(chunk)), logger: logger)
            }
            for statement in events.lazy.compactMap(ConsoleSQL.provenance(after:)) {
                try await connection.run(SQL(statement), logger: logger)
            }
        }
    }

    public func activity(_ query: ActivityQuery) async throws -> [ActivityEvent] {
        var events: [ActivityEvent] = []
        for try await row in try await run(SQL(ConsoleSQL.activity(query))) { events.append(try Self.event(row)) }
        return events
    }

    public func deleteActivity(before time: Date) async throws -> Int {
        let sql = SQL(
            "WITH gone AS (DELETE FROM activity WHERE time_ms < ? RETURNING 1) SELECT COUNT(*) FROM gone",
            [.integer(time.milliseconds)])
        for try await count in try await run(sql).decode(Int64.self) { return Int(count) }
        return 0
    }

    public func provenance(of resourceID: String) async throws -> Provenance? {
        let sql = SQL(
            "SELECT \(ConsoleSQL.provenanceColumns) FROM provenance WHERE resource_id = ?", [.text(resourceID)])
        return try await first(sql) { row in
            let (id, created, createdBy, modified, modifiedBy) = try row.decode(
                (String, Int64?, String?, Int64?, String?).self)
            return Provenance(
                resourceID: id, created: created.map(Date.init(milliseconds:)), createdBy: createdBy,
                modified: modified.map(Date.init(milliseconds:)), modifiedBy: modifiedBy)
        }
    }

    public func token(id: String) async throws -> TokenRecord? {
        try await tokens().first { $0.id == id }
    }

    public func replaceTokenSecret(id: String, hash: String, prefix: String) async throws -> Bool {
        var count = 0
        let sql = SQL(
            "UPDATE tokens SET hash = ?, prefix = ?, last_used_ms = NULL WHERE id = ? RETURNING id",
            [.text(hash), .text(prefix), .text(id)])
        for try await _ in try await run(sql).decode(String.self) { count += 1 }
        return count > 0
    }

    private func first<T>(_ sql: SQL, _ read: (PostgresRow) throws -> T) async throws -> T? {
        for try await row in try await run(sql) { return try read(row) }
        return nil
    }

    static func admin(_ row: PostgresRow) throws -> AdminAccount {
        let (id, username, hash, created) = try row.decode((String, String, String, Int64).self)
        return AdminAccount(id: id, username: username, passwordHash: hash, created: Date(milliseconds: created))
    }

    static func event(_ row: PostgresRow) throws -> ActivityEvent {
        let cells = row.makeRandomAccess()
        return ActivityEvent(
            id: try cells["id"].decode(Int64.self),
            time: Date(milliseconds: try cells["time_ms"].decode(Int64.self)),
            requestID: try cells["request_id"].decode(String.self),
            tokenID: try cells["token_id"].decode(String?.self),
            tokenName: try cells["token_name"].decode(String?.self),
            client: try cells["client"].decode(String.self), method: try cells["method"].decode(String.self),
            path: try cells["path"].decode(String.self), status: Int(try cells["status"].decode(Int64.self)),
            resourceKind: try cells["resource_kind"].decode(String?.self),
            resourceID: try cells["resource_id"].decode(String?.self),
            resourceName: try cells["resource_name"].decode(String?.self),
            changes: ConsoleSQL.splitChanges(try cells["changes"].decode(String.self)),
            detail: try cells["detail"].decode(String?.self),
            milliseconds: try cells["duration_ms"].decode(Double.self))
    }

    static let consoleSchema = [
        """
        CREATE TABLE admins (
            id TEXT PRIMARY KEY,
            username TEXT NOT NULL,
            username_key TEXT COLLATE "C" NOT NULL UNIQUE,
            password_hash TEXT NOT NULL,
            created_ms BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE sessions (
            hash TEXT PRIMARY KEY,
            admin_id TEXT NOT NULL REFERENCES admins(id) ON DELETE CASCADE,
            csrf_token TEXT NOT NULL,
            created_ms BIGINT NOT NULL,
            expires_ms BIGINT NOT NULL
        )
        """,
        "CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """
        CREATE TABLE activity (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            time_ms BIGINT NOT NULL,
            request_id TEXT NOT NULL,
            token_id TEXT,
            token_name TEXT,
            client TEXT COLLATE "C" NOT NULL,
            method TEXT NOT NULL,
            path TEXT NOT NULL,
            status BIGINT NOT NULL,
            resource_kind TEXT,
            resource_id TEXT COLLATE "C",
            resource_name TEXT,
            changes TEXT NOT NULL,
            detail TEXT,
            duration_ms DOUBLE PRECISION NOT NULL
        )
        """,
        "CREATE INDEX activity_by_time ON activity(time_ms)",
        "CREATE INDEX activity_by_client ON activity(client, id)",
        "CREATE INDEX activity_by_resource ON activity(resource_id, id)",
        """
        CREATE TABLE provenance (
            resource_id TEXT COLLATE "C" PRIMARY KEY,
            created_ms BIGINT,
            created_by TEXT,
            modified_ms BIGINT,
            modified_by TEXT
        )
        """,
    ]
}

extension SQL {
    init(_ statement: BoundStatement) {
        self.init(statement.sql, statement.values)
    }
}

extension PostgresStore {
    public func customFields() async throws -> [CustomField] {
        var fields: [CustomField] = []
        for try await (id, label, name, namespace, type, options, enabled) in try await run(SQL(FieldSQL.list))
            .decode((String, String, String, String, String, String, Int64).self)
        {
            if let field = FieldSQL.field(
                id: id, label: label, attributeName: name, namespace: namespace, type: type, options: options,
                enabled: enabled != 0)
            {
                fields.append(field)
            }
        }
        return fields
    }

    public func insertCustomField(_ field: CustomField) async throws {
        do {
            try await run(SQL(FieldSQL.insert(field, created: Date())))
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == PostgresError.Code.uniqueViolation.raw {
            throw SCIMError.uniqueness("A custom field with the SCIM name \(field.attributeName) already exists.")
        }
    }

    public func updateCustomField(_ field: CustomField) async throws -> Bool {
        let statement = FieldSQL.update(field)
        var count = 0
        for try await _ in try await run(SQL(statement.sql + " RETURNING id", statement.values)).decode(String.self) {
            count += 1
        }
        return count > 0
    }

    public func deleteCustomField(id: String) async throws -> Bool {
        var count = 0
        for try await _ in try await run(SQL("DELETE FROM custom_fields WHERE id = ? RETURNING id", [.text(id)]))
            .decode(String.self)
        {
            count += 1
        }
        return count > 0
    }
}
