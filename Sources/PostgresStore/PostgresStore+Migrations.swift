import Directory
import Foundation
import Logging
import PostgresNIO
import SCIMCore
import StoreSQL

extension PostgresStore {
    /// The same schema as the SQLite store's, migration by migration, with byte-order ("C") collation on every
    /// compared text column, so both stores sort and compare alike.
    static var migrations: [Migration] {
        statements.map { Migration(name: $0.name, statements: $0.sql) } + [
            Migration(name: "give every row an organization", sql: organizationStatements),
            // Instances of the version before may still be writing: they wait until the new keys are in.
            Migration(
                name: "compare names as identities: trimmed, width and case folded",
                sql: [SQL("LOCK TABLE resources IN SHARE ROW EXCLUSIVE MODE")]
            ) {
                connection, logger in
                var rows: [IdentityKeyMigration.Row] = []
                for try await (pk, scope, key) in try await connection.run(
                    SQL(IdentityKeyMigration.select), logger: logger
                ).decode((Int64, String, String).self) {
                    rows.append(IdentityKeyMigration.Row(pk: pk, scope: scope, key: key))
                }
                try await connection.run(SQL(IdentityKeyMigration.dropIndex), logger: logger)
                for change in IdentityKeyMigration.rekey(rows) {
                    try await connection.run(
                        SQL(IdentityKeyMigration.update, [.text(change.key), .integer(change.pk)]),
                        logger: logger)
                }
                try await connection.run(SQL(IdentityKeyMigration.createIndex), logger: logger)
            },
            Migration(
                name: "create setup links for customers' IT administrators",
                statements: SQLAccounts.setupLinksSchema),
            Migration(
                name: "keep events with their changes, and applications with their webhooks",
                statements: EventSQL.postgresSchema),
            Migration(
                name: "tell an organization's deletion until its event expires",
                statements: SQLOrganizations.tombstoneSchema),
            Migration(
                name: "keep signing keys, and streams of security events",
                statements: SQLApplications.securityEventSchema),
            Migration(
                name: "keep organizations' SAML connections", statements: SQLConnections.schema),
            Migration(
                name: "hand sign-ins to applications: started sign-ins, codes and tokens",
                statements: SQLConnections.flowSchema),
            Migration(
                name: "give each SAML connection a key for encrypted assertions",
                statements: SQLConnections.keySchema),
            Migration(
                name: "fetch identity providers' metadata from their URLs",
                statements: SQLConnections.metadataURLSchema),
            Migration(
                name: "end a sign-in in one statement: a grant names its request",
                statements: SQLConnections.grantRequestSchema),
            Migration(
                name: "index numbers and times only where values have them",
                statements: ResourceSQL.sparseValueIndexes),
            Migration(name: "let creates of one kind commit side by side", statements: commitOrderSchema),
            Migration(name: "number events once they have committed", statements: eventNumberingSchema),
        ]
    }

    /// One migration: its statements, then any work that needs Swift, in one transaction.
    struct Migration: Sendable {
        var name: String
        var sql: [SQL]
        var work: (@Sendable (PostgresConnection, Logger) async throws -> Void)? = nil
    }

    private static let statements: [(name: String, sql: [String])] = [
        (
            "create resources, memberships and tokens",
            [
                """
                CREATE TABLE resources (
                    pk BIGSERIAL PRIMARY KEY,
                    id TEXT COLLATE "C" NOT NULL UNIQUE,
                    kind TEXT COLLATE "C" NOT NULL,
                    version BIGINT NOT NULL,
                    created_ms BIGINT NOT NULL,
                    modified_ms BIGINT NOT NULL,
                    unique_key TEXT COLLATE "C",
                    external_id TEXT COLLATE "C",
                    display TEXT,
                    body TEXT NOT NULL
                )
                """,
                "CREATE UNIQUE INDEX resources_by_unique_key ON resources(kind, unique_key)",
                "CREATE INDEX resources_by_external_id ON resources(kind, external_id)",
                "CREATE INDEX resources_by_kind ON resources(kind, pk)",
                """
                CREATE TABLE memberships (
                    group_pk BIGINT NOT NULL REFERENCES resources(pk) ON DELETE CASCADE,
                    member_pk BIGINT NOT NULL REFERENCES resources(pk) ON DELETE CASCADE,
                    PRIMARY KEY (group_pk, member_pk)
                )
                """,
                "CREATE INDEX memberships_by_member ON memberships(member_pk, group_pk)",
                """
                CREATE TABLE tokens (
                    id TEXT PRIMARY KEY,
                    description TEXT NOT NULL,
                    status TEXT NOT NULL,
                    hash TEXT NOT NULL UNIQUE,
                    prefix TEXT NOT NULL,
                    created_ms BIGINT NOT NULL,
                    last_used_ms BIGINT
                )
                """,
            ]
        ),
        (
            "index attribute values for filters and sorting",
            [
                """
                CREATE TABLE attribute_values (
                    resource_pk BIGINT NOT NULL REFERENCES resources(pk) ON DELETE CASCADE,
                    path TEXT COLLATE "C" NOT NULL,
                    element INTEGER NOT NULL,
                    text_value TEXT COLLATE "C",
                    number_value DOUBLE PRECISION,
                    bool_value SMALLINT,
                    time_value BIGINT
                )
                """,
                "CREATE INDEX attribute_values_by_text ON attribute_values(path, text_value, resource_pk)",
                "CREATE INDEX attribute_values_by_number ON attribute_values(path, number_value, resource_pk)",
                "CREATE INDEX attribute_values_by_time ON attribute_values(path, time_value, resource_pk)",
                "CREATE INDEX attribute_values_by_resource ON attribute_values(resource_pk, path, element)",
                "CREATE INDEX resources_by_kind_created ON resources(kind, created_ms, pk)",
                "CREATE INDEX resources_by_kind_modified ON resources(kind, modified_ms, pk)",
            ]
        ),
        ("create the console's admins, sessions, settings, activity and provenance", consoleSchema),
        (
            "create custom user fields",
            [
                """
                CREATE TABLE custom_fields (
                    id TEXT PRIMARY KEY,
                    label TEXT NOT NULL,
                    attribute_name TEXT NOT NULL,
                    attribute_key TEXT NOT NULL UNIQUE,
                    namespace TEXT NOT NULL,
                    type TEXT NOT NULL,
                    options TEXT NOT NULL,
                    enabled BIGINT NOT NULL,
                    created_ms BIGINT NOT NULL
                )
                """
            ]
        ),
        (
            "count resources by kind, and their deletions",
            [
                // No instance still on the previous version may write between the count and the triggers.
                "LOCK TABLE resources IN SHARE ROW EXCLUSIVE MODE",
                """
                CREATE TABLE resource_counts (
                    kind TEXT COLLATE "C" PRIMARY KEY,
                    total BIGINT NOT NULL,
                    deletions BIGINT NOT NULL
                )
                """,
                """
                INSERT INTO resource_counts (kind, total, deletions)
                SELECT k.kind, (SELECT COUNT(*) FROM resources r WHERE r.kind = k.kind), 0
                FROM (VALUES ('User'), ('Group')) AS k(kind)
                """,
                // The count's row is locked before the new row's key is drawn, and stays locked until commit, so
                // keys are drawn in commit order: a row committed later never sorts before one already listed
                // (which a remembered page start relies on; see PostgresStore.listInOrder). The column default
                // would draw the key before the lock, so the trigger draws it; a key given explicitly (a
                // data-only restore) is kept.
                "ALTER TABLE resources ALTER COLUMN pk DROP DEFAULT",
                """
                CREATE FUNCTION roster_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE resource_counts SET total = total + 1 WHERE kind = NEW.kind;
                    IF NEW.pk IS NULL THEN
                        NEW.pk := nextval(pg_get_serial_sequence('resources', 'pk'));
                    END IF;
                    RETURN NEW;
                END $$
                """,
                """
                CREATE TRIGGER resources_counted_on_insert BEFORE INSERT ON resources
                FOR EACH ROW EXECUTE FUNCTION roster_count_insert()
                """,
                """
                CREATE FUNCTION roster_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE resource_counts SET total = total - 1, deletions = deletions + 1 WHERE kind = OLD.kind;
                    RETURN OLD;
                END $$
                """,
                """
                CREATE TRIGGER resources_counted_on_delete AFTER DELETE ON resources
                FOR EACH ROW EXECUTE FUNCTION roster_count_delete()
                """,
            ]
        ),
        ("index only writes by resource", ActivitySQL.indexWritesByResource),
    ]

    /// The console's tables as the third migration made them.
    private static let consoleSchema = [
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

    public func isReady() async -> Bool {
        do {
            // Readiness is asked often and must answer at once: a second's wait for a connection, no more.
            // Not prepared: before the migrations the table is missing, and a statement that fails to prepare
            // closes its connection, which the pool could then give to the migrations.
            let rows = try await leased(wait: .seconds(1)) { [logger] connection in
                try await connection.run(SQL("SELECT COUNT(*) FROM roster_migrations"), logger: logger).collect()
            }
            let count = try rows.first?.decode(Int64.self) ?? 0
            return count >= Int64(Self.migrations.count)
        } catch {
            return false
        }
    }

    /// An arbitrary constant naming Roster's migration lock.
    static let migrationLock: Int64 = 0x526F_7374_6572

    /// Applies the migrations not yet applied, each in its own transaction, holding an advisory lock so that
    /// instances starting together apply each migration once.
    public func migrate() async throws {
        try await withOpenConnection { connection in
            try await connection.run(
                SQL("SELECT pg_advisory_lock(?)", [.integer(Self.migrationLock)]), logger: logger)
            do {
                try await applyMigrations(on: connection)
            } catch {
                _ = try? await connection.run(
                    SQL("SELECT pg_advisory_unlock(?)", [.integer(Self.migrationLock)]), logger: logger)
                throw error
            }
            try await connection.run(
                SQL("SELECT pg_advisory_unlock(?)", [.integer(Self.migrationLock)]), logger: logger)
        }
    }

    private func applyMigrations(on connection: PostgresConnection) async throws {
        try await connection.run(
            SQL(
                "CREATE TABLE IF NOT EXISTS roster_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
            ),
            logger: logger)
        var applied = Set<String>()
        for try await name in try await connection.run(
            SQL("SELECT name FROM roster_migrations"), logger: logger
        )
        .decode(String.self) {
            applied.insert(name)
        }
        for migration in Self.migrations where !applied.contains(migration.name) {
            try await connection.run(SQL("BEGIN"), logger: logger)
            do {
                for statement in migration.sql { try await connection.run(statement, logger: logger) }
                try await migration.work?(connection, logger)
                try await connection.run(
                    SQL("INSERT INTO roster_migrations (name) VALUES (?)", [.text(migration.name)]),
                    logger: logger)
                try await connection.run(SQL("COMMIT"), logger: logger)
            } catch {
                _ = try? await connection.run(SQL("ROLLBACK"), logger: logger)
                throw error
            }
        }
    }
}

extension PostgresStore.Migration {
    /// A migration of statements only, as the shared stores write their schemas.
    init(name: String, statements: [String]) {
        self.init(name: name, sql: statements.map { SQL($0) })
    }
}
