import Directory
import Foundation

/// Deleting an organization in short transactions: each step removes at most about `limit` rows of one table, so
/// the writer is never held for long whatever the organization's size.
extension SQLOrganizations {
    public func beginDeletion(of organization: OrganizationKey, at time: Date, events: [NewEvent]) async throws -> Bool
    {
        let key = SQLValue.integer(organization.rawValue)
        let results = try await database.write(
            [
                BoundStatement(
                    """
                    UPDATE organizations SET deletion_ms = ?, name_key = NULL
                    WHERE pk = ? AND pk <> 1 AND deletion_ms IS NULL RETURNING pk
                    """, [SQLValue(time), key]),
                BoundStatement("DELETE FROM tokens WHERE org_pk = ? AND org_pk <> 1", [key]),
                BoundStatement("DELETE FROM setup_links WHERE org_pk = ? AND org_pk <> 1", [key]),
                BoundStatement("DELETE FROM organization_domains WHERE org_pk = ? AND org_pk <> 1", [key]),
                BoundStatement(
                    "DELETE FROM sign_in_requests WHERE connection_id IN (SELECT id FROM saml_connections WHERE org_pk = ? AND org_pk <> 1)",
                    [key]),
                BoundStatement("DELETE FROM saml_connections WHERE org_pk = ? AND org_pk <> 1", [key]),
                // Its people's access tokens end at once, not when they expire.
                BoundStatement("DELETE FROM authorization_grants WHERE org_pk = ? AND org_pk <> 1", [key]),
            ]
                + EventSQL.inserting(
                    events, organization: ("CAST(? AS BIGINT)", [key]),
                    when: (
                        "EXISTS (SELECT 1 FROM organizations WHERE pk = ? AND deletion_ms = ?)", [key, SQLValue(time)]
                    ), positions: positions))
        return !results[0].isEmpty
    }

    public func deletions() async throws -> [(organization: OrganizationKey, began: Date)] {
        try await database.rows(
            BoundStatement(
                "SELECT pk, deletion_ms FROM organizations WHERE deletion_ms IS NOT NULL AND tombstone = 0 ORDER BY pk")
        ).compactMap { row in
            guard let key = row.integer(0), let began = row.date(1) else { return nil }
            return (OrganizationKey(key), began)
        }
    }

    public func purge(_ organization: OrganizationKey, limit: Int, finish: Bool) async throws -> Int {
        let key = SQLValue.integer(organization.rawValue)
        let count = Int64(max(1, limit))
        let limit = SQLValue.integer(count)
        // Memberships first, so a group's deletion never cascades to a hundred thousand rows at once.
        let steps: [[BoundStatement]] = [
            [
                BoundStatement(
                    """
                    DELETE FROM memberships WHERE (group_pk, member_pk) IN (
                        SELECT ms.group_pk, ms.member_pk FROM resources g JOIN memberships ms ON ms.group_pk = g.pk
                        WHERE g.org_pk = ? AND g.kind = 'Group' LIMIT ?)
                    RETURNING group_pk
                    """, [key, limit])
            ],
            Self.deleteResources(kind: "User", key: key, limit: limit),
            Self.deleteResources(kind: "Group", key: key, limit: limit),
            [
                BoundStatement(
                    """
                    DELETE FROM activity WHERE id IN (SELECT id FROM activity WHERE org_pk = ? ORDER BY id LIMIT ?)
                    RETURNING id
                    """, [key, .integer(count * 4)])
            ],
            [
                BoundStatement(
                    """
                    DELETE FROM events WHERE pk IN (
                        SELECT pk FROM events WHERE org_pk = ? AND type <> ? ORDER BY pk LIMIT ?)
                    RETURNING pk
                    """, [key, .text(EventType.organizationDeleted.rawValue), .integer(count * 4)])
            ],
        ]
        for step in steps {
            let removed = try await database.write(step).last?.count ?? 0
            if removed > 0 { return removed }
        }
        guard finish else { return 0 }
        // Nothing left but what is small: the organization's fields, counts, provenance left by requests that
        // raced the deletion, and its own row. While its `organization.deleted` event is there to be read, the
        // row stays as a tombstone, with its event sequence and webhook streams; retention buries it.
        let results = try await database.write(
            [
                BoundStatement("DELETE FROM provenance WHERE org_pk = ?", [key]),
                BoundStatement("DELETE FROM custom_fields WHERE org_pk = ?", [key]),
                BoundStatement("DELETE FROM tokens WHERE org_pk = ?", [key]),
                BoundStatement("DELETE FROM setup_links WHERE org_pk = ?", [key]),
                BoundStatement("DELETE FROM resource_counts WHERE org_pk = ?", [key]),
                BoundStatement(
                    """
                    UPDATE organizations SET tombstone = 1
                    WHERE pk = ? AND pk <> 1 AND deletion_ms IS NOT NULL AND tombstone = 0
                        AND EXISTS (SELECT 1 FROM events WHERE org_pk = ?)
                    RETURNING pk
                    """, [key, key]),
            ] + Self.bury("pk = ?", [key]))
        return results.dropFirst(5).reduce(0) { $0 + $1.count }
    }

    /// Deletes the rows of deleted organizations, among those `condition` picks, that no event is left of.
    static func bury(_ condition: String, _ values: [SQLValue]) -> [BoundStatement] {
        let buried = """
            SELECT pk FROM organizations WHERE pk <> 1 AND deletion_ms IS NOT NULL AND \(condition)
                AND NOT EXISTS (SELECT 1 FROM events WHERE events.org_pk = organizations.pk)
            """
        let owned = ["event_sequences", "webhook_streams", "webhook_attempts", "webhook_dead_letters"].map { table in
            BoundStatement("DELETE FROM \(table) WHERE org_pk IN (\(buried))", values)
        }
        return owned + [BoundStatement("DELETE FROM organizations WHERE pk IN (\(buried)) RETURNING pk", values)]
    }

    /// The migration that lets a deleted organization's row outlive its data while its last event is read.
    public static let tombstoneSchema = ["ALTER TABLE organizations ADD COLUMN tombstone BIGINT NOT NULL DEFAULT 0"]

    /// Tombstones of deleted organizations whose last event retention has removed.
    public static let buryTombstones = bury("tombstone = 1", [])

    /// A slice of one kind's resources, in key order along the `(org_pk, kind, pk)` index, with their provenance.
    /// Their indexed values go with them (ON DELETE CASCADE).
    private static func deleteResources(kind: String, key: SQLValue, limit: SQLValue) -> [BoundStatement] {
        let slice = "SELECT pk FROM resources WHERE org_pk = ? AND kind = ? ORDER BY pk LIMIT ?"
        return [
            BoundStatement(
                "DELETE FROM provenance WHERE resource_id IN (SELECT id FROM resources WHERE pk IN (\(slice)))",
                [key, .text(kind), limit]),
            BoundStatement("DELETE FROM resources WHERE pk IN (\(slice)) RETURNING pk", [key, .text(kind), limit]),
        ]
    }
}
