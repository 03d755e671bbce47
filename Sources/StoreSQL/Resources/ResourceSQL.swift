import Directory
import SCIMCore

/// The statements of users, groups and memberships that both dialects run as they are. Every one names the
/// organization, whose key leads the index it uses; what differs between the dialects (locking, how a new key is
/// read back, transactions) stays in each store.
public enum ResourceSQL {
    /// The columns a resource is read from, in this order.
    public static let columns = "id, kind, version, created_ms, modified_ms, body"
    public static let qualifiedColumns = columns.split(separator: ", ").map { "resources.\($0)" }.joined(
        separator: ", ")

    /// An insert of resources, to be followed by `VALUES` and a row of 10 values per resource (`insertValues`).
    public static let insertColumns = """
        INSERT INTO resources (org_pk, id, kind, version, created_ms, modified_ms, unique_key, external_id, display, body)
        """
    public static let insert = insertColumns + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

    /// The values `insert` binds.
    public static func insertValues(_ resource: StoredResource, in organization: OrganizationKey) -> [SQLValue] {
        [
            .integer(organization.rawValue), .text(resource.id), .text(resource.kind.rawValue),
            .integer(Int64(resource.version)), .integer(resource.created.milliseconds),
            .integer(resource.lastModified.milliseconds), SQLValue(resource.uniqueKey), SQLValue(resource.externalId),
            SQLValue(resource.displayName), body(resource),
        ]
    }

    /// The stored form of a resource's body.
    public static func body(_ resource: StoredResource) -> SQLValue {
        .text(JSON.object(resource.body).serialized())
    }

    /// What an update sets (`setColumns`, which binds `setValues`): a resource keeps its creation time, and its
    /// unique key when its name did not change.
    public static let setColumns = """
        version = ?, modified_ms = ?, unique_key = COALESCE(?, unique_key), external_id = ?, display = ?, body = ?
        """

    public static func setValues(_ resource: StoredResource) -> [SQLValue] {
        [
            .integer(Int64(resource.version)), .integer(resource.lastModified.milliseconds),
            SQLValue(resource.keepsUniqueKey ? nil : resource.uniqueKey), SQLValue(resource.externalId),
            SQLValue(resource.displayName), body(resource),
        ]
    }

    public static let fetch = "SELECT \(columns) FROM resources WHERE id = ? AND kind = ? AND org_pk = ?"

    /// The resources `condition` selects (on `resources`), each joined with its groups in the order of their keys:
    /// after the resource's columns, the group's id, kind and display name, NULL when it is in none.
    public static func withGroups(where condition: String) -> String {
        """
        SELECT \(qualifiedColumns), g.id, g.kind, g.display
        FROM resources LEFT JOIN memberships ms ON ms.member_pk = resources.pk
        LEFT JOIN resources g ON g.pk = ms.group_pk
        WHERE \(condition) ORDER BY ms.group_pk
        """
    }

    /// Built once: statement caches are keyed by this text, which a GET would otherwise rebuild every time.
    public static let userWithGroups = withGroups(
        where: "resources.id = ? AND resources.kind = 'User' AND resources.org_pk = ?")

    /// The rows of one organization's kind that a filter's condition selects.
    public static func scope(_ condition: String) -> String {
        "FROM resources WHERE org_pk = ? AND kind = ? AND (\(condition))"
    }

    /// The number of one organization's resources of a kind, and of their deletions, as the triggers keep them.
    public static let counts = "SELECT total, deletions FROM resource_totals WHERE org_pk = ? AND kind = ?"

    /// `resource_totals`, the counts as readers see them. SQLite's single writer keeps one row per organization and
    /// kind; PostgreSQL's writers each add a row of changes that are folded in now and then (see its migrations).
    public static let sqliteTotals =
        "CREATE VIEW resource_totals AS SELECT org_pk, kind, total, deletions FROM resource_counts"
    /// The key of the resource at an offset in creation order, found by stepping over keys of the index only.
    public static let seek = "SELECT pk FROM resources WHERE org_pk = ? AND kind = ? ORDER BY pk LIMIT 1 OFFSET ?"
    /// A page in creation order from a key on.
    public static let page = """
        SELECT \(columns), pk FROM resources WHERE org_pk = ? AND kind = ? AND pk >= ? ORDER BY pk LIMIT ?
        """

    /// An insert of indexed values, to be followed by `VALUES` and a row of 8 values per value.
    public static let insertValues = """
        INSERT INTO attribute_values (org_pk, resource_pk, path, element, text_value, number_value, bool_value, time_value)
        """
    /// Numbers and times indexed only where a value has one: every comparison with them is false on NULL, and most
    /// values are text, so each value written cost two index entries no filter reads.
    public static let sparseValueIndexes = [
        "DROP INDEX attribute_values_by_number",
        """
        CREATE INDEX attribute_values_by_number ON attribute_values(org_pk, path, number_value, resource_pk)
        WHERE number_value IS NOT NULL
        """,
        "DROP INDEX attribute_values_by_time",
        """
        CREATE INDEX attribute_values_by_time ON attribute_values(org_pk, path, time_value, resource_pk)
        WHERE time_value IS NOT NULL
        """,
    ]

    /// The insert of one indexed value.
    public static let insertValue = insertValues + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"

    public static func indexValues(_ value: IndexedValue, key: Int64, in organization: OrganizationKey) -> [SQLValue] {
        [
            .integer(organization.rawValue), .integer(key), .text(value.path), .integer(Int64(value.element)),
            SQLValue(value.text), SQLValue(value.number), SQLValue(value.bool), SQLValue(value.time),
        ]
    }
}

/// The statements of memberships; a member or group is looked up by id within the organization, so another
/// organization's id is exactly one that exists nowhere.
extension ResourceSQL {
    /// A resource's key by its public id, in the organization.
    public static let key = "SELECT pk FROM resources WHERE id = ? AND org_pk = ?"

    public static let members = """
        SELECT ms.member_pk, m.id, m.kind, m.display FROM memberships ms
        JOIN resources m ON m.pk = ms.member_pk
        WHERE ms.group_pk = (SELECT pk FROM resources WHERE id = ? AND kind = 'Group' AND org_pk = ?)
            AND ms.member_pk > ?
        ORDER BY ms.member_pk LIMIT ?
        """

    /// Which of `count` ids are members of a group.
    public static func memberIDs(count: Int) -> String {
        """
        SELECT m.id FROM resources m JOIN memberships ms ON ms.member_pk = m.pk
        WHERE m.id IN (\(placeholders(count))) AND m.org_pk = ?
            AND ms.group_pk = (SELECT pk FROM resources WHERE id = ? AND kind = 'Group' AND org_pk = ?)
        """
    }

    /// The groups of `count` resources, by id.
    public static func groups(count: Int) -> String {
        """
        SELECT m.id, g.id, g.kind, g.display FROM resources m
        JOIN memberships ms ON ms.member_pk = m.pk JOIN resources g ON g.pk = ms.group_pk
        WHERE m.id IN (\(placeholders(count))) AND m.org_pk = ? ORDER BY ms.group_pk
        """
    }

    /// New versions for the groups a resource is a member of, and for the members of a group: what shows a
    /// resource by its display name, or lists it, shows something else once it is renamed, deleted or moved.
    public static let touchGroups =
        "UPDATE resources SET version = version + 1 WHERE pk IN (SELECT group_pk FROM memberships WHERE member_pk = ?)"
    public static let touchMembers =
        "UPDATE resources SET version = version + 1 WHERE pk IN (SELECT member_pk FROM memberships WHERE group_pk = ?)"
    public static let touch = "UPDATE resources SET version = version + 1 WHERE pk = ?"
    /// The public ids of a group's direct members.
    public static let memberIDsOfGroup =
        "SELECT r.id FROM memberships m JOIN resources r ON r.pk = m.member_pk WHERE m.group_pk = ?"

    public static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ",")
    }
}

extension ResourceQuery {
    /// `userName eq …` (users) or `id eq …`: at most one match, found through a unique index. Okta and Entra look a
    /// user up this way before every push; both stores answer it in one statement, with the user's groups.
    public var findsAtMostOne: Bool {
        guard case .compare(let path, .eq, .string) = filter, path.subAttribute == nil, page.count > 0 else {
            return false
        }
        if let schema = path.schema, !schema.caseInsensitiveEquals(type.schema.id) { return false }
        return path.name.caseInsensitiveEquals("id") || (kind == .user && path.name.caseInsensitiveEquals("userName"))
    }
}
