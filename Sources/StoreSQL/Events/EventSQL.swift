import Directory
import Foundation

/// The outbox's SQL, shared by both stores: each writes events in its own write transactions with these
/// statements, and reads them through `SQLEvents`.
public enum EventSQL {
    /// How a dialect orders the feed of every organization (see `FeedPosition`).
    public struct Positions: Sendable {
        /// The position's major part as a column expression.
        var major: String
        /// The feed's order.
        var order: String
        /// The condition of the events after a position, as the order's index can seek it, and its values.
        var after: String
        var values: @Sendable (FeedPosition) -> [SQLValue]
        /// A statement that numbers the committed events (see `PostgresStore+EventNumbering`) and gives the
        /// transaction id below which every event is committed and numbered, run before the feed's own statement
        /// (whose snapshot then holds all their events) and before every read by number; nil where events are
        /// numbered as they are written, in commit order.
        var settle: String?

        /// Numbers the committed events, where they are numbered after they commit, before a read by number: a
        /// write, done once the numbering has committed, so a read on another connection sees the numbers.
        func numberCommitted(in database: any SQLDatabase) async throws {
            guard let settle else { return }
            try await database.write(BoundStatement(settle))
        }

        /// SQLite has one writer: keys and numbers are given in commit order.
        public static let sqlite = Positions(
            major: "0", order: "events.pk", after: "events.pk > ?", values: { [.integer($0.minor)] }, settle: nil)
        /// PostgreSQL writers commit in any order, so the feed orders by the writing transaction's id and shows an
        /// event only once every older transaction writing to this database has ended: whatever commits later
        /// sorts after it. Events are numbered after they commit; the feed's index holds numbered events only.
        public static let postgres = Positions(
            major: "events.xid", order: "events.xid, events.pk",
            after: "(events.xid, events.pk) > (?, ?) AND events.sequence IS NOT NULL",
            values: { [.integer($0.major), .integer($0.minor)] }, settle: "SELECT bound FROM roster_number_events()")
    }

    /// The tables both stores create; `serial` is the dialect's auto-increasing key and `xid` its extra column
    /// (SQLite needs none).
    static func schema(serial: String, xid: String) -> [String] {
        [
            """
            CREATE TABLE events (
                pk \(serial),\(xid)
                org_pk BIGINT NOT NULL,
                sequence BIGINT NOT NULL,
                id TEXT NOT NULL,
                type TEXT NOT NULL,
                resource_id TEXT NOT NULL,
                time_ms BIGINT NOT NULL,
                payload TEXT NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX events_by_sequence ON events (org_pk, sequence)",
            """
            CREATE TABLE event_sequences (
                org_pk BIGINT PRIMARY KEY,
                last BIGINT NOT NULL,
                pruned BIGINT NOT NULL DEFAULT 0
            )
            """,
            """
            CREATE TABLE applications (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                client_id TEXT NOT NULL UNIQUE,
                secret_hash TEXT NOT NULL UNIQUE,
                redirect_uris TEXT NOT NULL,
                created_ms BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE webhook_endpoints (
                id TEXT PRIMARY KEY,
                app_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
                url TEXT NOT NULL,
                types TEXT NOT NULL,
                secrets TEXT NOT NULL,
                enabled BIGINT NOT NULL,
                insecure BIGINT NOT NULL,
                disabled_reason TEXT,
                failing_since_ms BIGINT,
                test_requested_ms BIGINT,
                created_ms BIGINT NOT NULL,
                lease_owner TEXT,
                lease_until_ms BIGINT
            )
            """,
            """
            CREATE TABLE webhook_streams (
                endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
                org_pk BIGINT NOT NULL,
                delivered BIGINT NOT NULL,
                attempts BIGINT NOT NULL DEFAULT 0,
                first_attempt_ms BIGINT,
                next_attempt_ms BIGINT,
                PRIMARY KEY (endpoint_id, org_pk)
            )
            """,
            """
            CREATE TABLE webhook_attempts (
                endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
                org_pk BIGINT NOT NULL,
                sequence BIGINT NOT NULL,
                event_id TEXT NOT NULL,
                event_type TEXT NOT NULL,
                time_ms BIGINT NOT NULL,
                status BIGINT,
                milliseconds DOUBLE PRECISION NOT NULL,
                excerpt TEXT NOT NULL
            )
            """,
            "CREATE INDEX webhook_attempts_by_endpoint ON webhook_attempts (endpoint_id, time_ms)",
            """
            CREATE TABLE webhook_dead_letters (
                endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
                org_pk BIGINT NOT NULL,
                sequence BIGINT NOT NULL,
                event_id TEXT NOT NULL,
                time_ms BIGINT NOT NULL,
                reason TEXT NOT NULL,
                resend_requested BIGINT NOT NULL DEFAULT 0,
                PRIMARY KEY (endpoint_id, org_pk, sequence)
            )
            """,
        ]
    }

    public static let sqliteSchema = schema(serial: "INTEGER PRIMARY KEY AUTOINCREMENT", xid: "")
    public static let postgresSchema =
        schema(
            serial: "BIGSERIAL PRIMARY KEY",
            xid: "\n    xid BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),")
        + ["CREATE INDEX events_by_position ON events (xid, pk)"]

    /// Takes `count` numbers of the organization's sequence; returns the last. The organization's row stays
    /// locked until the transaction ends, so its numbers are given in commit order.
    public static let takeSequence = """
        INSERT INTO event_sequences (org_pk, last) VALUES (?, ?)
        ON CONFLICT (org_pk) DO UPDATE SET last = event_sequences.last + excluded.last RETURNING last
        """

    public static let insert =
        "INSERT INTO events (org_pk, sequence, id, type, resource_id, time_ms, payload) VALUES (?, ?, ?, ?, ?, ?, ?)"

    /// The values of `insert` for the events, numbered up to `last`.
    public static func values(_ events: [NewEvent], last: Int64, in organization: OrganizationKey) -> [[SQLValue]] {
        let first = last - Int64(events.count) + 1
        return events.enumerated().map { offset, event in
            [
                .integer(organization.rawValue), .integer(first + Int64(offset)), .text(event.id),
                .text(event.type.rawValue), .text(event.resourceID), SQLValue(event.time), .text(event.payload),
            ]
        }
    }

    /// Statements that insert `events` inside a batch of writes, on either dialect: for the organization whose key
    /// the SQL expression `organization` gives (with its values), and only where `condition` holds (so a change
    /// that turns out to touch nothing tells nothing). Numbered now where `positions` numbers events as they are
    /// written, and left for the numbering after commit otherwise.
    public static func inserting(
        _ events: [NewEvent], organization: (sql: String, values: [SQLValue]),
        when condition: (sql: String, values: [SQLValue]) = ("1 = 1", []), positions: Positions
    ) -> [BoundStatement] {
        guard !events.isEmpty else { return [] }
        guard positions.settle == nil else {
            return events.map { event in
                BoundStatement(
                    """
                    INSERT INTO events (org_pk, id, type, resource_id, time_ms, payload)
                    SELECT \(organization.sql), ?, ?, ?, CAST(? AS BIGINT), ? WHERE \(condition.sql)
                    """,
                    organization.values + [
                        .text(event.id), .text(event.type.rawValue), .text(event.resourceID), SQLValue(event.time),
                        .text(event.payload),
                    ] + condition.values)
            }
        }
        let count = Int64(events.count)
        var statements = [
            BoundStatement(
                """
                INSERT INTO event_sequences (org_pk, last) SELECT \(organization.sql), CAST(? AS BIGINT)
                WHERE \(condition.sql)
                ON CONFLICT (org_pk) DO UPDATE SET last = event_sequences.last + excluded.last
                """, organization.values + [.integer(count)] + condition.values)
        ]
        for (offset, event) in events.enumerated() {
            statements.append(
                BoundStatement(
                    """
                    INSERT INTO events (org_pk, sequence, id, type, resource_id, time_ms, payload)
                    SELECT s.org_pk, s.last - CAST(? AS BIGINT), ?, ?, ?, CAST(? AS BIGINT), ?
                    FROM event_sequences s WHERE s.org_pk = \(organization.sql) AND \(condition.sql)
                    """,
                    [
                        .integer(count - 1 - Int64(offset)), .text(event.id), .text(event.type.rawValue),
                        .text(event.resourceID), SQLValue(event.time), .text(event.payload),
                    ] + organization.values + condition.values))
        }
        return statements
    }
}
