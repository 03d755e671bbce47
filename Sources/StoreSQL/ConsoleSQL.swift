import Directory
import Foundation
import SCIMCore

/// A statement with `?` placeholders and the values bound to them.
public struct BoundStatement: Sendable, Hashable {
    public var sql: String
    public var values: [SQLValue]

    public init(_ sql: String, _ values: [SQLValue] = []) {
        self.sql = sql
        self.values = values
    }
}

/// The console's statements, written once for both stores: they use only SQL that SQLite and PostgreSQL share.
public enum ConsoleSQL {
    public static let adminColumns = "id, username, password_hash, created_ms"
    public static let sessionColumns = "hash, admin_id, csrf_token, created_ms, expires_ms"
    public static let activityColumns = """
        id, time_ms, request_id, token_id, token_name, client, method, path, status, resource_kind, resource_id, \
        resource_name, changes, detail, duration_ms
        """
    public static let provenanceColumns = "resource_id, created_ms, created_by, modified_ms, modified_by"

    public static func insertAdmin(_ admin: AdminAccount) -> BoundStatement {
        BoundStatement(
            "INSERT INTO admins (id, username, username_key, password_hash, created_ms) VALUES (?, ?, ?, ?, ?)",
            [
                .text(admin.id), .text(admin.username), .text(Folding.fold(admin.username)),
                .text(admin.passwordHash), .integer(admin.created.milliseconds),
            ])
    }

    public static func admin(username: String) -> BoundStatement {
        BoundStatement("SELECT \(adminColumns) FROM admins WHERE username_key = ?", [.text(Folding.fold(username))])
    }

    public static func insertSession(_ session: AdminSession) -> BoundStatement {
        BoundStatement(
            "INSERT INTO sessions (\(sessionColumns)) VALUES (?, ?, ?, ?, ?)",
            [
                .text(session.hash), .text(session.adminID), .text(session.csrfToken),
                .integer(session.created.milliseconds), .integer(session.expires.milliseconds),
            ])
    }

    public static func setSetting(_ key: String, to value: String?) -> BoundStatement {
        guard let value else { return BoundStatement("DELETE FROM settings WHERE name = ?", [.text(key)]) }
        return BoundStatement(
            "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            [.text(key), .text(value)])
    }

    /// Events cut into chunks for multi-row inserts, in order: one statement per chunk instead of one per event
    /// (a round trip each on PostgreSQL). Chunks hold 64, 16, 4 or 1 events, so few statement shapes exist, and
    /// 64 rows bind 896 values, under every SQLite's limit of 999. Each chunk's statement is built when it is run,
    /// so a second's worth of events is never held twice over as bound values.
    public static func activityChunks(_ events: [ActivityEvent]) -> [ArraySlice<ActivityEvent>] {
        var chunks: [ArraySlice<ActivityEvent>] = []
        var rest = events[...]
        while !rest.isEmpty {
            let size = activityChunkSizes.first { $0 <= rest.count }!
            chunks.append(rest.prefix(size))
            rest = rest.dropFirst(size)
        }
        return chunks
    }

    /// One chunk of events (of one of the chunk sizes) as one multi-row insert.
    public static func insertActivity(_ chunk: ArraySlice<ActivityEvent>) -> BoundStatement {
        BoundStatement(insertActivitySQL[chunk.count]!, chunk.flatMap(activityValues))
    }

    private static let activityChunkSizes = [64, 16, 4, 1]

    /// The insert for each chunk size, written once: the statement caches are keyed by this text.
    private static let insertActivitySQL = Dictionary(
        uniqueKeysWithValues: activityChunkSizes.map { size in
            let rows = repeatElement("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", count: size).joined(separator: ", ")
            return (
                size,
                """
                INSERT INTO activity (time_ms, request_id, token_id, token_name, client, method, path, status, \
                resource_kind, resource_id, resource_name, changes, detail, duration_ms) VALUES \(rows)
                """
            )
        })

    private static func activityValues(_ event: ActivityEvent) -> [SQLValue] {
        [
            .integer(event.time.milliseconds), .text(event.requestID), SQLValue(event.tokenID),
            SQLValue(event.tokenName), .text(event.client), .text(event.method), .text(event.path),
            .integer(Int64(event.status)), SQLValue(event.resourceKind), SQLValue(event.resourceID),
            SQLValue(event.resourceName), .text(event.changes.joined(separator: "\n")), SQLValue(event.detail),
            .real(event.milliseconds),
        ]
    }

    /// How an event changes the provenance of its resource: set on create, updated on change, gone on delete.
    public static func provenance(after event: ActivityEvent) -> BoundStatement? {
        guard let id = event.resourceID else { return nil }
        let by = SQLValue(event.tokenName ?? event.tokenID)
        let time = SQLValue.integer(event.time.milliseconds)
        if event.created {
            return BoundStatement(
                """
                INSERT INTO provenance (\(provenanceColumns)) VALUES (?, ?, ?, NULL, NULL)
                ON CONFLICT (resource_id) DO UPDATE SET created_ms = excluded.created_ms, created_by = excluded.created_by
                """, [.text(id), time, by])
        }
        if event.modified && !event.changes.isEmpty {
            return BoundStatement(
                """
                INSERT INTO provenance (\(provenanceColumns)) VALUES (?, NULL, NULL, ?, ?)
                ON CONFLICT (resource_id) DO UPDATE SET modified_ms = excluded.modified_ms, modified_by = excluded.modified_by
                """, [.text(id), time, by])
        }
        if event.method == "DELETE" && event.status == 204 {
            return BoundStatement("DELETE FROM provenance WHERE resource_id = ?", [.text(id)])
        }
        return nil
    }

    /// The newest matching events first; each condition is bound, and the id cursor keeps deep pages cheap.
    ///
    /// A resource's events come from two places. Its writes are found through `activity_by_resource_written`;
    /// its reads are not indexed (an index of every read, keyed by random resource ids, rewrote pages all over it
    /// on every flush: 7–16% of a GET's CPU), so they are looked for among the newest `query.readWindow` events.
    public static func activity(_ query: ActivityQuery) -> BoundStatement {
        var conditions = ["1 = 1"]
        var values: [SQLValue] = []
        if let before = query.before {
            conditions.append("id < ?")
            values.append(.integer(before))
        }
        switch query.outcome {
        case .all: break
        case .succeeded: conditions.append("status < 400")
        case .failed: conditions.append("status >= 400")
        }
        if let client = query.client {
            conditions.append("client = ?")
            values.append(.text(client))
        }
        let limit = SQLValue.integer(Int64(max(1, min(query.limit, 1000))))
        let filter = conditions.joined(separator: " AND ")
        guard let id = query.resourceID else {
            return BoundStatement(
                "SELECT \(activityColumns) FROM activity WHERE \(filter) ORDER BY id DESC LIMIT ?", values + [limit])
        }
        return BoundStatement(
            """
            SELECT \(activityColumns) FROM (
                SELECT \(activityColumns) FROM (
                    SELECT \(activityColumns) FROM activity
                    WHERE resource_id = ? AND method <> 'GET' AND \(filter) ORDER BY id DESC LIMIT ?
                ) AS writes
                UNION ALL
                SELECT \(activityColumns) FROM (
                    SELECT \(activityColumns) FROM activity
                    WHERE id > (SELECT COALESCE(MAX(id), 0) FROM activity) - ?
                        AND resource_id = ? AND method = 'GET' AND \(filter) ORDER BY id DESC LIMIT ?
                ) AS reads
            ) AS events ORDER BY id DESC LIMIT ?
            """,
            [.text(id)] + values + [limit, .integer(Int64(max(0, query.readWindow))), .text(id)] + values
                + [limit, limit])
    }

    /// Replaces the index of every event by resource with one of writes only (see `activity(_:)`).
    public static let indexWritesByResource = [
        "DROP INDEX activity_by_resource",
        "CREATE INDEX activity_by_resource_written ON activity(resource_id, id) WHERE method <> 'GET'",
    ]

    public static func splitChanges(_ text: String) -> [String] {
        text.isEmpty ? [] : text.components(separatedBy: "\n")
    }
}

/// The custom fields' statements, shared by both stores.
public enum FieldSQL {
    public static let columns = "id, label, attribute_name, namespace, type, options, enabled"

    public static let list = BoundStatement("SELECT \(columns) FROM custom_fields ORDER BY created_ms, id")

    public static func insert(_ field: CustomField, created: Date) -> BoundStatement {
        BoundStatement(
            """
            INSERT INTO custom_fields (id, label, attribute_name, attribute_key, namespace, type, options, enabled, created_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(field.id), .text(field.label), .text(field.attributeName),
                .text(Folding.fold(field.attributeName)),
                .text(field.namespace.rawValue), .text(field.type.rawValue), .text(options(field.options)),
                .integer(field.enabled ? 1 : 0), .integer(created.milliseconds),
            ])
    }

    public static func update(_ field: CustomField) -> BoundStatement {
        BoundStatement(
            "UPDATE custom_fields SET label = ?, options = ?, enabled = ? WHERE id = ?",
            [.text(field.label), .text(options(field.options)), .integer(field.enabled ? 1 : 0), .text(field.id)])
    }

    static func options(_ options: [String]) -> String {
        JSON.array(options.map(JSON.string)).serialized()
    }

    /// A field from its columns; nil for a row this version cannot read (an unknown type or namespace).
    public static func field(
        id: String, label: String, attributeName: String, namespace: String, type: String, options: String,
        enabled: Bool
    ) -> CustomField? {
        guard let type = CustomFieldType(rawValue: type), let namespace = CustomFieldNamespace(rawValue: namespace)
        else { return nil }
        let parsed = (try? JSON.parse(Array(options.utf8)))?.arrayValue?.compactMap(\.stringValue) ?? []
        return CustomField(
            id: id, label: label, attributeName: attributeName, type: type, options: parsed, namespace: namespace,
            enabled: enabled)
    }

    public static let schema = """
        CREATE TABLE custom_fields (
            id TEXT PRIMARY KEY,
            label TEXT NOT NULL,
            attribute_name TEXT NOT NULL,
            attribute_key TEXT NOT NULL UNIQUE,
            namespace TEXT NOT NULL,
            type TEXT NOT NULL,
            options TEXT NOT NULL,
            enabled INTEGER NOT NULL,
            created_ms BIGINT NOT NULL
        )
        """
}
