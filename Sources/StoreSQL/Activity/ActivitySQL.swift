import Directory
import Foundation

/// The activity log's statements, written once for both stores: they use only SQL that SQLite and PostgreSQL share.
public enum ActivitySQL {
    static let columns = """
        id, time_ms, org_pk, request_id, token_id, token_name, client, method, path, status, resource_kind, \
        resource_id, resource_name, changes, detail, duration_ms
        """
    static let provenanceColumns = "resource_id, org_pk, created_ms, created_by, modified_ms, modified_by"

    /// Rows cut into chunks for multi-row statements, in order: one statement per chunk instead of one per row
    /// (a round trip each on PostgreSQL). Chunks hold 64, 16, 4 or 1 rows, so few statement shapes exist, and
    /// 64 events bind 960 values, under every SQLite's limit of 999.
    static func chunks<Row>(_ rows: [Row]) -> [ArraySlice<Row>] {
        var chunks: [ArraySlice<Row>] = []
        var rest = rows[...]
        while !rest.isEmpty {
            let size = chunkSizes.first { $0 <= rest.count }!
            chunks.append(rest.prefix(size))
            rest = rest.dropFirst(size)
        }
        return chunks
    }

    /// One chunk of events (of one of the chunk sizes) as one multi-row insert.
    static func insert(_ chunk: ArraySlice<ActivityEvent>) -> BoundStatement {
        BoundStatement(insertSQL[chunk.count]!, chunk.flatMap(values))
    }

    private static let chunkSizes = [64, 16, 4, 1]

    /// The insert for each chunk size, written once: the statement caches are keyed by this text.
    private static let insertSQL = Dictionary(
        uniqueKeysWithValues: chunkSizes.map { size in
            let rows = repeatElement("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", count: size).joined(
                separator: ", ")
            return (
                size,
                """
                INSERT INTO activity (time_ms, org_pk, request_id, token_id, token_name, client, method, path, status, \
                resource_kind, resource_id, resource_name, changes, detail, duration_ms) VALUES \(rows)
                """
            )
        })

    private static func values(_ event: ActivityEvent) -> [SQLValue] {
        [
            .integer(event.time.milliseconds), SQLValue(event.organization?.rawValue), .text(event.requestID),
            SQLValue(event.tokenID), SQLValue(event.tokenName), .text(event.client), .text(event.method),
            .text(event.path),
            .integer(Int64(event.status)), SQLValue(event.resourceKind), SQLValue(event.resourceID),
            SQLValue(event.resourceName), .text(event.changes.joined(separator: "\n")), SQLValue(event.detail),
            .real(event.milliseconds),
        ]
    }

    /// How events change the provenance of their resources (set on create, updated on change, gone on delete), as
    /// at most three groups of statements: each resource's events are folded into what their order leaves (its last
    /// delete, then the last create and the last change that came after that delete), so every row is changed once
    /// per statement, and rows of one kind go 64, 16, 4 or 1 to a statement. Applied event by event, a burst of
    /// changes to one group (Okta pushing members) took a statement per event, each a round trip on PostgreSQL: 600
    /// events on 7 resources were 350 round trips in one transaction. Within a group, resources go in the order of
    /// their ids. Resource ids are unique across organizations, so a resource's events are all of one.
    static func provenance(after events: [ActivityEvent]) -> [BoundStatement] {
        var net: [String: (deleted: ProvenanceChange?, created: ProvenanceChange?, modified: ProvenanceChange?)] = [:]
        for event in events {
            guard let change = ProvenanceChange(event) else { continue }
            var folded = net[change.id] ?? (nil, nil, nil)
            switch change.kind {
            case .deleted: folded = (change, nil, nil)
            case .created: folded.created = change
            case .modified: folded.modified = change
            }
            net[change.id] = folded
        }
        let resources = net.sorted { $0.key < $1.key }.map(\.value)
        return [
            (ProvenanceChange.Kind.deleted, resources.compactMap(\.deleted)),
            (.created, resources.compactMap(\.created)), (.modified, resources.compactMap(\.modified)),
        ].flatMap { kind, changes in chunks(changes).map { provenanceStatement(kind, Array($0)) } }
    }

    /// One event's change to its resource's provenance.
    struct ProvenanceChange {
        enum Kind { case created, modified, deleted }
        var kind: Kind
        var id: String
        var organization: Int64
        var time: Int64
        var by: SQLValue

        init?(_ event: ActivityEvent) {
            guard let id = event.resourceID, let organization = event.organization?.rawValue else { return nil }
            if event.created {
                kind = .created
            } else if event.modified && !event.changes.isEmpty {
                kind = .modified
            } else if event.method == "DELETE" && event.status == 204 {
                kind = .deleted
            } else {
                return nil
            }
            (self.id, self.organization) = (id, organization)
            time = event.time.milliseconds
            by = SQLValue(event.tokenName ?? event.tokenID)
        }
    }

    private static func provenanceStatement(_ kind: ProvenanceChange.Kind, _ changes: [ProvenanceChange])
        -> BoundStatement
    {
        switch kind {
        case .created, .modified:
            let (row, set) =
                kind == .created
                ? ("(?, ?, ?, ?, NULL, NULL)", "created_ms = excluded.created_ms, created_by = excluded.created_by")
                : ("(?, ?, NULL, NULL, ?, ?)", "modified_ms = excluded.modified_ms, modified_by = excluded.modified_by")
            return BoundStatement(
                """
                INSERT INTO provenance (\(provenanceColumns)) VALUES \(repeatElement(row, count: changes.count).joined(separator: ", "))
                ON CONFLICT (resource_id) DO UPDATE SET \(set)
                """,
                changes.flatMap { [.text($0.id), .integer($0.organization), .integer($0.time), $0.by] })
        case .deleted:
            return BoundStatement(
                "DELETE FROM provenance WHERE "
                    + repeatElement("(resource_id = ? AND org_pk = ?)", count: changes.count).joined(separator: " OR "),
                changes.flatMap { [.text($0.id), .integer($0.organization)] })
        }
    }

    /// The newest matching events first; each condition is bound, and the id cursor keeps deep pages cheap.
    ///
    /// A resource's events come from two places. Its writes are found through `activity_by_resource_written`;
    /// its reads are not indexed (an index of every read, keyed by random resource ids, rewrote pages all over it
    /// on every flush: 7–16% of a GET's CPU), so they are looked for among the newest `query.readWindow` events.
    static func select(_ query: ActivityQuery) -> BoundStatement {
        var conditions = ["1 = 1"]
        var values: [SQLValue] = []
        switch query.scope {
        case .everything: break
        case .organization(let organization):
            conditions.append("org_pk = ?")
            values.append(.integer(organization.rawValue))
        case .organizationAndUnattributed(let organization):
            conditions.append("(org_pk = ? OR org_pk IS NULL)")
            values.append(.integer(organization.rawValue))
        }
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
                "SELECT \(columns) FROM activity WHERE \(filter) ORDER BY id DESC LIMIT ?", values + [limit])
        }
        return BoundStatement(
            """
            SELECT \(columns) FROM (
                SELECT \(columns) FROM (
                    SELECT \(columns) FROM activity
                    WHERE resource_id = ? AND method <> 'GET' AND \(filter) ORDER BY id DESC LIMIT ?
                ) AS writes
                UNION ALL
                SELECT \(columns) FROM (
                    SELECT \(columns) FROM activity
                    WHERE id > (SELECT COALESCE(MAX(id), 0) FROM activity) - ?
                        AND resource_id = ? AND method = 'GET' AND \(filter) ORDER BY id DESC LIMIT ?
                ) AS reads
            ) AS events ORDER BY id DESC LIMIT ?
            """,
            [.text(id)] + values + [limit, .integer(Int64(max(0, query.readWindow))), .text(id)] + values
                + [limit, limit])
    }

    /// Replaces the index of every event by resource with one of writes only (see `select(_:)`).
    public static let indexWritesByResource = [
        "DROP INDEX activity_by_resource",
        "CREATE INDEX activity_by_resource_written ON activity(resource_id, id) WHERE method <> 'GET'",
    ]

    static func splitChanges(_ text: String) -> [String] {
        text.isEmpty ? [] : text.components(separatedBy: "\n")
    }

    /// An event from a row of `columns`.
    static func event(_ row: SQLRow) -> ActivityEvent? {
        guard let id = row.integer(0), let time = row.date(1), let requestID = row.text(3), let client = row.text(6),
            let method = row.text(7), let path = row.text(8), let status = row.integer(9)
        else { return nil }
        return ActivityEvent(
            id: id, time: time, organization: row.integer(2).map(OrganizationKey.init), requestID: requestID,
            tokenID: row.text(4), tokenName: row.text(5), client: client, method: method, path: path,
            status: Int(status), resourceKind: row.text(10), resourceID: row.text(11), resourceName: row.text(12),
            changes: splitChanges(row.text(13) ?? ""), detail: row.text(14), milliseconds: row.real(15) ?? 0)
    }
}
