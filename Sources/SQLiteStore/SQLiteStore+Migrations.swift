import Directory
import Foundation
import GRDB
import StoreSQL

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
            // The index as this migration wrote it, before organizations; later migrations bring it up to date.
            let insert = try db.makeStatement(
                sql: """
                    INSERT INTO attribute_values (resource_pk, path, element, text_value, number_value, bool_value, time_value)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
            for row in try Row.fetchAll(db, sql: "SELECT pk, \(ResourceSQL.columns) FROM resources") {
                for value in try SQLiteStore.resource(row).indexedValues {
                    try insert.execute(values: [
                        .integer(row["pk"]), .text(value.path), .integer(Int64(value.element)), SQLValue(value.text),
                        SQLValue(value.number), SQLValue(value.bool), SQLValue(value.time),
                    ])
                }
            }
        }
        migrator.registerMigration("create the console's admins, sessions, settings, activity and provenance") { db in
            try db.execute(sql: consoleSchema)
        }
        migrator.registerMigration("create custom user fields") { db in
            try db.execute(
                sql: """
                    CREATE TABLE custom_fields (
                        id TEXT PRIMARY KEY,
                        label TEXT NOT NULL,
                        attribute_name TEXT NOT NULL,
                        attribute_key TEXT NOT NULL UNIQUE,
                        namespace TEXT NOT NULL,
                        type TEXT NOT NULL,
                        options TEXT NOT NULL,
                        enabled INTEGER NOT NULL,
                        created_ms INTEGER NOT NULL
                    )
                    """)
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
            for statement in ActivitySQL.indexWritesByResource { try db.execute(sql: statement) }
        }
        migrator.registerMigration("give every row an organization") { db in
            try migrateToOrganizations(db)
        }
        migrator.registerMigration("compare names as identities: trimmed, width and case folded") { db in
            let rows = try Row.fetchAll(db, sql: IdentityKeyMigration.select).map {
                IdentityKeyMigration.Row(pk: $0[0], scope: $0[1], key: $0[2])
            }
            try db.execute(sql: IdentityKeyMigration.dropIndex)
            let update = try db.makeStatement(sql: IdentityKeyMigration.update)
            for change in IdentityKeyMigration.rekey(rows) {
                try update.execute(arguments: [change.key, change.pk])
            }
            try db.execute(sql: IdentityKeyMigration.createIndex)
        }
        migrator.registerMigration("create setup links for customers' IT administrators") { db in
            for statement in SQLAccounts.setupLinksSchema { try db.execute(sql: statement) }
        }
        migrator.registerMigration("keep events with their changes, and applications with their webhooks") { db in
            for statement in EventSQL.sqliteSchema { try db.execute(sql: statement) }
        }
        migrator.registerMigration("tell an organization's deletion until its event expires") { db in
            for statement in SQLOrganizations.tombstoneSchema { try db.execute(sql: statement) }
        }
        migrator.registerMigration("keep signing keys, and streams of security events") { db in
            for statement in SQLApplications.securityEventSchema { try db.execute(sql: statement) }
        }
        migrator.registerMigration("keep organizations' SAML connections") { db in
            for statement in SQLConnections.schema { try db.execute(sql: statement) }
        }
        migrator.registerMigration("hand sign-ins to applications: started sign-ins, codes and tokens") { db in
            for statement in SQLConnections.flowSchema { try db.execute(sql: statement) }
        }
        migrator.registerMigration("give each SAML connection a key for encrypted assertions") { db in
            for statement in SQLConnections.keySchema { try db.execute(sql: statement) }
        }
        migrator.registerMigration("fetch identity providers' metadata from their URLs") { db in
            for statement in SQLConnections.metadataURLSchema { try db.execute(sql: statement) }
        }
        migrator.registerMigration("end a sign-in in one statement: a grant names its request") { db in
            for statement in SQLConnections.grantRequestSchema { try db.execute(sql: statement) }
        }
        migrator.registerMigration("index numbers and times only where values have them") { db in
            for statement in ResourceSQL.sparseValueIndexes { try db.execute(sql: statement) }
        }
        migrator.registerMigration("let creates of one kind commit side by side") { db in
            try db.execute(sql: ResourceSQL.sqliteTotals)
        }
        return migrator
    }

    /// The console's tables as the third migration made them.
    private static let consoleSchema = """
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
    /// One directory becomes the default organization's: every row gets the organization's key, which then leads
    /// every index; what was unique in the database (a userName, a group's name, a field's SCIM name) becomes
    /// unique in the organization. Ids, versions and token hashes are kept, so tokens and ETags stay valid.
    ///
    /// Columns are added with a default (SQLite then rewrites no row); the two small tables whose uniqueness is a
    /// column constraint are rebuilt. Organization keys are never reused (AUTOINCREMENT): a key names one
    /// organization forever, so nothing left behind by a deleted one could ever appear in a new one.
    static func migrateToOrganizations(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE organizations (
                    pk INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    name_key TEXT UNIQUE,
                    created_ms INTEGER NOT NULL,
                    ignores_unknown INTEGER NOT NULL DEFAULT 0,
                    deletion_ms INTEGER
                );
                CREATE TABLE organization_domains (
                    domain TEXT PRIMARY KEY,
                    org_pk INTEGER NOT NULL REFERENCES organizations(pk) ON DELETE CASCADE,
                    position INTEGER NOT NULL
                );
                CREATE INDEX organization_domains_by_org ON organization_domains(org_pk, position);
                """)
        try db.execute(
            sql: """
                INSERT INTO organizations (pk, id, name, name_key, created_ms, ignores_unknown)
                VALUES (1, ?, 'Default', 'default', ?,
                    COALESCE((SELECT value = 'true' FROM settings WHERE name = 'ignore_unknown_extension_attributes'), 0))
                """, arguments: [Directory.timeOrderedID(), Date().milliseconds])
        try db.execute(sql: "DELETE FROM settings WHERE name = 'ignore_unknown_extension_attributes'")
        for statement in organizationStatements { try db.execute(sql: statement) }
    }

    /// The columns (their default, the default organization, costs SQLite no rewrite), the tables whose
    /// uniqueness was a column's own, and the triggers; the indexes come from `OrganizationMigration`.
    private static let organizationStatements =
        [
            "ALTER TABLE resources ADD COLUMN org_pk INTEGER NOT NULL DEFAULT 1",
            "ALTER TABLE attribute_values ADD COLUMN org_pk INTEGER NOT NULL DEFAULT 1",
            "ALTER TABLE tokens ADD COLUMN org_pk INTEGER NOT NULL DEFAULT 1",
            "ALTER TABLE provenance ADD COLUMN org_pk INTEGER NOT NULL DEFAULT 1",
            "ALTER TABLE activity ADD COLUMN org_pk INTEGER DEFAULT 1",
        ] + OrganizationMigration.indexesLedByOrganization + countsByOrganization + fieldsByOrganization

    private static let countsByOrganization = [
        "DROP TRIGGER resources_counted_on_insert",
        "DROP TRIGGER resources_counted_on_delete",
        """
        CREATE TABLE resource_counts_by_organization (
            org_pk INTEGER NOT NULL,
            kind TEXT NOT NULL,
            total INTEGER NOT NULL,
            deletions INTEGER NOT NULL,
            PRIMARY KEY (org_pk, kind)
        ) WITHOUT ROWID
        """,
        "INSERT INTO resource_counts_by_organization SELECT 1, kind, total, deletions FROM resource_counts",
        "DROP TABLE resource_counts",
        "ALTER TABLE resource_counts_by_organization RENAME TO resource_counts",
        """
        CREATE TRIGGER resources_counted_on_insert AFTER INSERT ON resources BEGIN
            UPDATE resource_counts SET total = total + 1 WHERE org_pk = NEW.org_pk AND kind = NEW.kind;
        END
        """,
        """
        CREATE TRIGGER resources_counted_on_delete AFTER DELETE ON resources BEGIN
            UPDATE resource_counts SET total = total - 1, deletions = deletions + 1
            WHERE org_pk = OLD.org_pk AND kind = OLD.kind;
        END
        """,
    ]

    private static let fieldsByOrganization = [
        """
        CREATE TABLE custom_fields_by_organization (
            org_pk INTEGER NOT NULL,
            id TEXT PRIMARY KEY,
            label TEXT NOT NULL,
            attribute_name TEXT NOT NULL,
            attribute_key TEXT NOT NULL,
            namespace TEXT NOT NULL,
            type TEXT NOT NULL,
            options TEXT NOT NULL,
            enabled INTEGER NOT NULL,
            created_ms INTEGER NOT NULL,
            UNIQUE (org_pk, attribute_key)
        )
        """,
        """
        INSERT INTO custom_fields_by_organization
        SELECT 1, id, label, attribute_name, attribute_key, namespace, type, options, enabled, created_ms
        FROM custom_fields
        """,
        "DROP TABLE custom_fields",
        "ALTER TABLE custom_fields_by_organization RENAME TO custom_fields",
    ]
}
