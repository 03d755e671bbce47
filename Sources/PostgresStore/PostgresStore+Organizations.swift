import Directory
import Foundation
import StoreSQL

extension PostgresStore {
    /// One directory becomes the default organization's, as on SQLite (see `SQLiteStore.migrateToOrganizations`):
    /// every row gets the organization's key, which then leads every index, and what was unique in the database
    /// becomes unique in the organization. Columns are added with the default organization as their default, which
    /// PostgreSQL records without rewriting a row; Roster names the organization in every insert, and an instance
    /// of the previous release still running during a rolling upgrade writes into the default one.
    static var organizationStatements: [SQL] {
        [
            SQL(
                """
                CREATE TABLE organizations (
                    pk BIGSERIAL PRIMARY KEY,
                    id TEXT COLLATE "C" NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    name_key TEXT COLLATE "C" UNIQUE,
                    created_ms BIGINT NOT NULL,
                    ignores_unknown BIGINT NOT NULL DEFAULT 0,
                    deletion_ms BIGINT
                )
                """),
            SQL(
                """
                INSERT INTO organizations (pk, id, name, name_key, created_ms, ignores_unknown)
                VALUES (1, ?, 'Default', 'default', ?, COALESCE((
                    SELECT CASE WHEN value = 'true' THEN 1 ELSE 0 END FROM settings
                    WHERE name = 'ignore_unknown_extension_attributes'), 0))
                """, [.text(Directory.timeOrderedID()), .integer(Date().milliseconds)]),
            // The next organization is 2; keys are drawn from the sequence and never reused.
            SQL("SELECT setval(pg_get_serial_sequence('organizations', 'pk'), 1)"),
            SQL("DELETE FROM settings WHERE name = 'ignore_unknown_extension_attributes'"),
            SQL(
                """
                CREATE TABLE organization_domains (
                    domain TEXT COLLATE "C" PRIMARY KEY,
                    org_pk BIGINT NOT NULL REFERENCES organizations(pk) ON DELETE CASCADE,
                    position BIGINT NOT NULL
                )
                """),
            SQL("CREATE INDEX organization_domains_by_org ON organization_domains(org_pk, position)"),
        ]
            + ([
                "resources", "attribute_values", "resource_counts", "tokens", "custom_fields", "provenance",
            ].flatMap(Self.addOrganization) + ["ALTER TABLE activity ADD COLUMN org_pk BIGINT DEFAULT 1"]
            + Self.keysLedByOrganization).map { SQL($0) }
    }

    /// A NOT NULL organization column, the default one's for the rows there are.
    private static func addOrganization(to table: String) -> [String] {
        ["ALTER TABLE \(table) ADD COLUMN org_pk BIGINT NOT NULL DEFAULT 1"]
    }

    private static let keysLedByOrganization =
        OrganizationMigration.indexesLedByOrganization + [
            "ALTER TABLE resource_counts DROP CONSTRAINT resource_counts_pkey",
            "ALTER TABLE resource_counts ADD PRIMARY KEY (org_pk, kind)",
            // The count's row of the new row's organization and kind is locked before its key is drawn, so keys
            // follow commit order within an organization (see PageStarts).
            """
            CREATE OR REPLACE FUNCTION roster_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE resource_counts SET total = total + 1 WHERE org_pk = NEW.org_pk AND kind = NEW.kind;
                IF NEW.pk IS NULL THEN
                    NEW.pk := nextval(pg_get_serial_sequence('resources', 'pk'));
                END IF;
                RETURN NEW;
            END $$
            """,
            """
            CREATE OR REPLACE FUNCTION roster_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE resource_counts SET total = total - 1, deletions = deletions + 1
                WHERE org_pk = OLD.org_pk AND kind = OLD.kind;
                RETURN OLD;
            END $$
            """,
            "ALTER TABLE custom_fields DROP CONSTRAINT custom_fields_attribute_key_key",
            "ALTER TABLE custom_fields ADD CONSTRAINT custom_fields_by_organization UNIQUE (org_pk, attribute_key)",
        ]
}
