import Directory
import Foundation
import GRDB
import SCIMCore
import StoreSQL

/// The store on an embedded SQLite database (GRDB), in WAL mode so readers never wait for the writer.
public struct SQLiteStore: Store {
    let database: any DatabaseWriter
    /// Where single-resource writes go, so concurrent ones share a commit.
    let writes: WriteBatcher
    /// Connections for lookups by id on the calling thread; nil for an in-memory database.
    let points: PointReaders?
    let pageStarts = PageStarts()

    /// Opens (creating if needed) the database file at `path` and migrates it; `mapMiB` of the file are read
    /// through a memory map.
    public init(path: String, mapMiB: Int = 0) throws {
        let mapBytes = max(0, min(mapMiB, 1 << 20)) << 20
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        let prepare: @Sendable (Database) throws -> Void = { db in
            // A directory of a million users is about a GiB on disk; what the process holds stays bounded: 8 MiB
            // of page cache per connection (six at most), and by default no memory map, whose pages count as the
            // process's own once an import has read the whole file. The kernel's file cache keeps the rest warm.
            try db.execute(sql: "PRAGMA cache_size = -8192; PRAGMA mmap_size = \(mapBytes)")
            // WAL (DatabasePool) with synchronous FULL: every acknowledged write has been fsynced to the WAL, so it
            // survives a crash of the process and of the machine. NORMAL would be faster and still survive a killed
            // process, but could lose the last commits on power loss; a directory of record wants FULL.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Filters' co/sw/ew compile to LIKE, which must compare case as PostgreSQL's does.
            try db.execute(sql: "PRAGMA case_sensitive_like = ON")
        }
        configuration.prepareDatabase(prepare)
        let pool = try DatabasePool(path: path, configuration: configuration)
        // The pool switches its writer to WAL after `prepare` has run, and sets `synchronous = NORMAL` as it does:
        // without this, commits were never synced to disk (found by counting fdatasync calls under load).
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        self.database = pool
        self.writes = WriteBatcher(writer: database)
        try Self.migrator.migrate(database)
        // Each write in a batch has a savepoint, whose undo pages SQLite writes to a temporary file once they pass
        // 64 KiB: one write system call per page (POST: 7% of its CPU in the kernel). In memory they cost a copy.
        // Set after the migrations, which may rewrite whole tables; a batch holds at most a few MiB of them.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA temp_store = MEMORY") }
        self.points = try PointReaders(path: path, count: 2, prepare: prepare)
    }

    /// A private in-memory database, for tests.
    public static func inMemory() throws -> SQLiteStore {
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA case_sensitive_like = ON") }
        return try SQLiteStore(database: DatabaseQueue(configuration: configuration))
    }

    init(database: any DatabaseWriter) throws {
        self.database = database
        self.writes = WriteBatcher(writer: database)
        self.points = nil
        try Self.migrator.migrate(database)
    }

    /// Translates SQLite's unique-constraint failures into the SCIM error the client should see.
    static func translating<T>(_ kind: ResourceKind, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            let attribute = kind == .user ? "userName" : "displayName"
            throw SCIMError.uniqueness("A \(kind.rawValue.lowercased()) with this \(attribute) already exists.")
        }
    }
}

extension SQLiteStore {
    /// SQLite's own consistency check: "ok", or the problems it found.
    public func integrityCheck() async throws -> String {
        try await database.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n") }
    }

    public func isReady() async -> Bool {
        (try? await database.read { db in try Self.migrator.hasCompletedMigrations(db) }) ?? false
    }
}

extension SQLiteStore {
    /// Append-only migrations, named in plain words.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("create resources, memberships and tokens") { db in
            try db.execute(
                sql: """
                    CREATE TABLE resources (
                        pk INTEGER PRIMARY KEY,
                        id TEXT NOT NULL UNIQUE,
                        kind TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        created_ms INTEGER NOT NULL,
                        modified_ms INTEGER NOT NULL,
                        unique_key TEXT,
                        external_id TEXT,
                        display TEXT,
                        body TEXT NOT NULL
                    );
                    CREATE UNIQUE INDEX resources_by_unique_key ON resources(kind, unique_key);
                    CREATE INDEX resources_by_external_id ON resources(kind, external_id);
                    CREATE INDEX resources_by_kind ON resources(kind, pk);
                    CREATE TABLE memberships (
                        group_pk INTEGER NOT NULL REFERENCES resources(pk) ON DELETE CASCADE,
                        member_pk INTEGER NOT NULL REFERENCES resources(pk) ON DELETE CASCADE,
                        PRIMARY KEY (group_pk, member_pk)
                    ) WITHOUT ROWID;
                    CREATE INDEX memberships_by_member ON memberships(member_pk, group_pk);
                    CREATE TABLE tokens (
                        id TEXT PRIMARY KEY,
                        description TEXT NOT NULL,
                        status TEXT NOT NULL,
                        hash TEXT NOT NULL UNIQUE,
                        prefix TEXT NOT NULL,
                        created_ms INTEGER NOT NULL,
                        last_used_ms INTEGER
                    );
                    """)
        }
        migrator.registerMigration("index attribute values for filters and sorting") { db in
            try db.execute(
                sql: """
                    CREATE TABLE attribute_values (
                        resource_pk INTEGER NOT NULL REFERENCES resources(pk) ON DELETE CASCADE,
                        path TEXT NOT NULL,
                        element INTEGER NOT NULL,
                        text_value TEXT,
                        number_value REAL,
                        bool_value INTEGER,
                        time_value INTEGER
                    );
                    CREATE INDEX attribute_values_by_text ON attribute_values(path, text_value, resource_pk);
                    CREATE INDEX attribute_values_by_number ON attribute_values(path, number_value, resource_pk);
                    CREATE INDEX attribute_values_by_time ON attribute_values(path, time_value, resource_pk);
                    CREATE INDEX attribute_values_by_resource ON attribute_values(resource_pk, path, element);
                    CREATE INDEX resources_by_kind_created ON resources(kind, created_ms, pk);
                    CREATE INDEX resources_by_kind_modified ON resources(kind, modified_ms, pk);
                    """)
            for row in try Row.fetchAll(db, sql: "SELECT pk, \(SQLiteStore.columns) FROM resources") {
                try SQLiteStore.writeIndex(try SQLiteStore.resource(row).indexedValues, key: row["pk"], replacing: true, db)
            }
        }
        migrator.registerMigration("create the console's admins, sessions, settings, activity and provenance") { db in
            try db.execute(sql: SQLiteStore.consoleSchema)
        }
        migrator.registerMigration("create custom user fields") { db in
            try db.execute(sql: FieldSQL.schema.replacingOccurrences(of: "BIGINT", with: "INTEGER"))
        }
        migrator.registerMigration("count resources by kind, and their deletions") { db in
            // Kept by triggers in the writing transaction, so a list's total never needs a count of every row,
            // and a remembered page start knows whether a delete has moved it (see PageStarts).
            try db.execute(
                sql: """
                    CREATE TABLE resource_counts (
                        kind TEXT PRIMARY KEY,
                        total INTEGER NOT NULL,
                        deletions INTEGER NOT NULL
                    );
                    INSERT INTO resource_counts (kind, total, deletions)
                        SELECT k.kind, (SELECT COUNT(*) FROM resources r WHERE r.kind = k.kind), 0
                        FROM (SELECT 'User' AS kind UNION ALL SELECT 'Group') k;
                    CREATE TRIGGER resources_counted_on_insert AFTER INSERT ON resources BEGIN
                        UPDATE resource_counts SET total = total + 1 WHERE kind = NEW.kind;
                    END;
                    CREATE TRIGGER resources_counted_on_delete AFTER DELETE ON resources BEGIN
                        UPDATE resource_counts SET total = total - 1, deletions = deletions + 1 WHERE kind = OLD.kind;
                    END;
                    """)
        }
        migrator.registerMigration("index only writes by resource") { db in
            for statement in ConsoleSQL.indexWritesByResource { try db.execute(sql: statement) }
        }
        return migrator
    }

    /// Replaces a resource's indexed values; called in the transaction that writes the resource.
    static func writeIndex(_ values: [IndexedValue], key: Int64, replacing: Bool, _ db: Database) throws {
        if replacing {
            try db.cachedStatement(sql: "DELETE FROM attribute_values WHERE resource_pk = ?").execute(arguments: [key])
        }
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO attribute_values (resource_pk, path, element, text_value, number_value, bool_value, time_value)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
        for value in values {
            try statement.execute(arguments: [
                key, value.path, value.element, value.text, value.number, value.bool, value.time,
            ])
        }
    }
}

extension StatementArguments {
    /// The bound values of compiled SQL, in GRDB's terms.
    init(_ values: [SQLValue]) {
        self.init(
            values.map { value -> (any DatabaseValueConvertible)? in
                switch value {
                case .text(let text): text
                case .integer(let number): number
                case .real(let number): number
                case .null: nil
                }
            })
    }
}
