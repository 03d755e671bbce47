import Directory
import Foundation

/// The outbox's reads and its retention, on either dialect.
public struct SQLEvents: EventStore {
    let database: any SQLDatabase
    let positions: EventSQL.Positions

    public init(_ database: any SQLDatabase, positions: EventSQL.Positions) {
        self.database = database
        self.positions = positions
    }

    private var columns: String {
        """
        \(positions.major), events.pk, events.org_pk, organizations.id, events.sequence, events.id, events.type,
        events.time_ms, events.payload
        """
    }

    private static let joined = "FROM events JOIN organizations ON organizations.pk = events.org_pk"

    /// A reader that has caught up, while a writer is still open below the newest event (the activity log's
    /// flush, say), waits for it briefly, 100 ms at most, so an acknowledged change shows at once; a reader with
    /// events to read gets them without waiting.
    public func events(after position: FeedPosition, types: [String]?, limit: Int) async throws
        -> (events: [StoredEvent], withheld: Bool)
    {
        let (typeCondition, typeValues) = Self.typeCondition(types)
        for attempt in 1...20 {
            let (settled, horizon, withheld) = try await settledCondition()
            let sql = """
                SELECT \(columns) \(Self.joined)
                WHERE \(positions.after) \(settled) \(typeCondition)
                ORDER BY \(positions.order) LIMIT ?
                """
            let values = positions.values(position) + horizon + typeValues + [.integer(Int64(limit))]
            let page = try await database.rows(BoundStatement(sql, values)).map(Self.event)
            if !page.isEmpty || !withheld || attempt == 20 { return (page, withheld) }
            try await Task.sleep(for: .milliseconds(5))
        }
        return ([], true)
    }

    /// The condition only settled events meet and its value, read first in a statement of its own, and whether
    /// some committed event is held back by a writer still open.
    private func settledCondition() async throws -> (String, [SQLValue], withheld: Bool) {
        guard let settle = positions.settle else { return ("", [], false) }
        // Numbered and unnumbered events have an index each, and the unnumbered are all above where the numbering
        // stopped last (see `PostgresStore+EventNumbering`).
        // A write: done once the numbering has committed, so the page's statement, maybe on another connection,
        // sees every number below the bound.
        let row = try await database.write(
            BoundStatement(
                """
                SELECT (\(settle)), GREATEST(
                    (SELECT MAX(xid) FROM events WHERE sequence IS NOT NULL),
                    (SELECT MAX(xid) FROM events
                        WHERE sequence IS NULL AND xid >= (SELECT event_numbering.below FROM event_numbering)))
                """)
        ).first
        guard let below = row?.integer(0) else { throw unreadable("transaction horizon") }
        return (
            "AND events.xid < ? AND events.sequence IS NOT NULL", [.integer(below)], (row?.integer(1) ?? 0) >= below
        )
    }

    public func events(of organization: OrganizationKey, afterSequence sequence: Int64, types: [String]?, limit: Int)
        async throws -> [StoredEvent]
    {
        try await positions.numberCommitted(in: database)
        let (typeCondition, typeValues) = Self.typeCondition(types)
        let sql = """
            SELECT \(columns) \(Self.joined)
            WHERE events.org_pk = ? AND events.sequence > ? \(typeCondition)
            ORDER BY events.sequence LIMIT ?
            """
        let values = [.integer(organization.rawValue), .integer(sequence)] + typeValues + [.integer(Int64(limit))]
        return try await database.rows(BoundStatement(sql, values)).map(Self.event)
    }

    private static func typeCondition(_ types: [String]?) -> (String, [SQLValue]) {
        guard let types, !types.isEmpty else { return ("", []) }
        let marks = Array(repeating: "?", count: types.count).joined(separator: ", ")
        return ("AND events.type IN (\(marks))", types.map(SQLValue.text))
    }

    private static func event(_ row: SQLRow) throws -> StoredEvent {
        guard let major = row.integer(0), let pk = row.integer(1), let organizationKey = row.integer(2),
            let organization = row.text(3), let sequence = row.integer(4), let id = row.text(5),
            let type = row.text(6), let time = row.date(7), let payload = row.text(8)
        else { throw unreadable("event") }
        return StoredEvent(
            position: FeedPosition(major: major, minor: pk), organizationKey: OrganizationKey(organizationKey),
            organization: organization, sequence: sequence, id: id, type: type, time: time, payload: payload)
    }

    public func latestPosition() async throws -> FeedPosition {
        let order = positions.order.replacingOccurrences(of: ",", with: " DESC,") + " DESC"
        let (settled, horizon, _) = try await settledCondition()
        let sql = "SELECT \(positions.major), events.pk FROM events WHERE 1 = 1 \(settled) ORDER BY \(order) LIMIT 1"
        return try await database.first(BoundStatement(sql, horizon)) { row in
            row.integer(0).flatMap { major in row.integer(1).map { FeedPosition(major: major, minor: $0) } }
        } ?? .start
    }

    public func organizationKey(id: String) async throws -> OrganizationKey? {
        try await database.first(BoundStatement("SELECT pk FROM organizations WHERE id = ?", [.text(id)])) {
            $0.integer(0).map(OrganizationKey.init)
        }
    }

    public func lastSequences() async throws -> [OrganizationKey: Int64] {
        try await positions.numberCommitted(in: database)
        var result: [OrganizationKey: Int64] = [:]
        for row in try await database.rows(BoundStatement("SELECT org_pk, last FROM event_sequences")) {
            guard let key = row.integer(0), let last = row.integer(1) else { throw unreadable("event sequence") }
            result[OrganizationKey(key)] = last
        }
        return result
    }

    /// The oldest events first, by key: of a batch of the oldest, those numbered and older than `time` go. Where the
    /// deleted ones ended is written in the same transaction, so a cursor into them is always told they are gone.
    public func deleteEvents(before time: Date, limit: Int) async throws -> Int {
        try await positions.numberCommitted(in: database)
        let rows = try await database.rows(
            BoundStatement(
                """
                SELECT \(positions.major), pk, org_pk, sequence FROM events
                WHERE pk IN (SELECT pk FROM events ORDER BY pk LIMIT ?) AND time_ms < ? AND sequence IS NOT NULL
                """, [.integer(Int64(limit)), SQLValue(time)]))
        guard !rows.isEmpty else { return 0 }
        var highest = FeedPosition.start
        var sequences: [Int64: Int64] = [:]
        var keys: [SQLValue] = []
        for row in rows {
            guard let major = row.integer(0), let pk = row.integer(1), let organization = row.integer(2),
                let sequence = row.integer(3)
            else { throw unreadable("event") }
            highest = max(highest, FeedPosition(major: major, minor: pk))
            sequences[organization] = max(sequences[organization] ?? 0, sequence)
            keys.append(.integer(pk))
        }
        var statements = [
            BoundStatement(
                """
                INSERT INTO settings (name, value) VALUES (?, ?)
                ON CONFLICT (name) DO UPDATE SET value = excluded.value
                """, [.text(Self.prunedSetting), .text("\(highest.major) \(highest.minor)")])
        ]
        // In the order of their keys, as the numbering takes the same rows: two writers never wait on each other.
        for (organization, sequence) in sequences.sorted(by: { $0.key < $1.key }) {
            statements.append(
                BoundStatement(
                    "UPDATE event_sequences SET pruned = ? WHERE org_pk = ? AND pruned < ?",
                    [.integer(sequence), .integer(organization), .integer(sequence)]))
        }
        let marks = Array(repeating: "?", count: keys.count).joined(separator: ", ")
        statements.append(BoundStatement("DELETE FROM events WHERE pk IN (\(marks))", keys))
        try await database.write(statements + SQLOrganizations.buryTombstones)
        return rows.count
    }

    static let prunedSetting = "events-pruned-position"

    public func prunedPosition() async throws -> FeedPosition {
        guard
            let text = try await database.first(
                BoundStatement("SELECT value FROM settings WHERE name = ?", [.text(Self.prunedSetting)]), { $0.text(0) }
            )
        else { return .start }
        let parts = text.split(separator: " ").compactMap { Int64($0) }
        guard parts.count == 2 else { throw unreadable("pruned event position") }
        return FeedPosition(major: parts[0], minor: parts[1])
    }

    public func prunedSequence(of organization: OrganizationKey) async throws -> Int64 {
        try await database.first(
            BoundStatement("SELECT pruned FROM event_sequences WHERE org_pk = ?", [.integer(organization.rawValue)]),
            { $0.integer(0) }) ?? 0
    }
}
