import Directory
import Foundation

/// Signing keys and the streams of security events pollers take (RFC 8936), on either dialect.
extension SQLApplications {
    /// The tables, made by their own migration.
    public static let securityEventSchema = [
        """
        CREATE TABLE signing_keys (
            id TEXT PRIMARY KEY,
            private_key TEXT NOT NULL,
            public_jwk TEXT NOT NULL,
            created_ms BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE set_streams (
            app_id TEXT PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE,
            major BIGINT NOT NULL,
            minor BIGINT NOT NULL,
            handout TEXT
        )
        """,
        """
        CREATE TABLE set_outstanding (
            app_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
            id TEXT NOT NULL,
            org_pk BIGINT NOT NULL,
            sequence BIGINT NOT NULL,
            handed_ms BIGINT NOT NULL,
            PRIMARY KEY (app_id, id)
        )
        """,
        "CREATE INDEX set_outstanding_by_time ON set_outstanding (app_id, handed_ms)",
    ]

    // MARK: Signing keys

    public func signingKeys() async throws -> [SigningKeyRecord] {
        try await database.rows(
            BoundStatement("SELECT id, private_key, public_jwk, created_ms FROM signing_keys ORDER BY created_ms, id")
        ).map { row in
            guard let id = row.text(0), let key = row.text(1), let jwk = row.text(2), let created = row.date(3) else {
                throw unreadable("signing key")
            }
            return SigningKeyRecord(id: id, privateKeyPEM: key, publicJWK: jwk, created: created)
        }
    }

    public func insertSigningKey(_ key: SigningKeyRecord) async throws {
        try await database.write(
            BoundStatement(
                """
                INSERT INTO signing_keys (id, private_key, public_jwk, created_ms) VALUES (?, ?, ?, ?)
                ON CONFLICT (id) DO NOTHING
                """, [.text(key.id), .text(key.privateKeyPEM), .text(key.publicJWK), SQLValue(key.created)]))
    }

    // MARK: Security event streams

    public func securityEventPosition(of application: String) async throws -> FeedPosition? {
        try await database.first(
            BoundStatement("SELECT major, minor FROM set_streams WHERE app_id = ?", [.text(application)])
        ) { row in
            row.integer(0).flatMap { major in row.integer(1).map { FeedPosition(major: major, minor: $0) } }
        }
    }

    public func startSecurityEvents(of application: String, at position: FeedPosition) async throws {
        // Not for an application removed meanwhile.
        try await database.write(
            BoundStatement(
                """
                INSERT INTO set_streams (app_id, major, minor) SELECT ?, ?, ?
                WHERE EXISTS (SELECT 1 FROM applications WHERE id = ?) ON CONFLICT (app_id) DO NOTHING
                """, [.text(application), .integer(position.major), .integer(position.minor), .text(application)]))
    }

    public func acknowledge(_ ids: [String], of application: String) async throws -> [String] {
        var removed: [String] = []
        for chunk in ids.chunked(into: 500) {
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            removed += try await database.write(
                BoundStatement(
                    "DELETE FROM set_outstanding WHERE app_id = ? AND id IN (\(marks)) RETURNING id",
                    [.text(application)] + chunk.map(SQLValue.text))
            ).compactMap { $0.text(0) }
        }
        return removed
    }

    public func hasDue(of application: String, handedOutBefore before: Date) async throws -> Bool {
        try await database.first(
            BoundStatement(
                "SELECT 1 FROM set_outstanding WHERE app_id = ? AND handed_ms < ? LIMIT 1",
                [.text(application), SQLValue(before)]), { $0.integer(0) }) != nil
    }

    public func redeliver(of application: String, handedOutBefore before: Date, now: Date, limit: Int) async throws
        -> [OutstandingEvent]
    {
        // A read first: most polls have nothing to take again, and then take no write.
        guard try await hasDue(of: application, handedOutBefore: before) else { return [] }
        // The condition is checked again by the UPDATE itself, so two polls racing take each event once.
        let rows = try await database.write(
            BoundStatement(
                """
                UPDATE set_outstanding SET handed_ms = ?
                WHERE app_id = ? AND handed_ms < ? AND id IN (
                    SELECT id FROM set_outstanding WHERE app_id = ? AND handed_ms < ? ORDER BY handed_ms, id LIMIT ?)
                RETURNING id, org_pk, sequence
                """,
                [
                    SQLValue(now), .text(application), SQLValue(before), .text(application), SQLValue(before),
                    .integer(Int64(limit)),
                ]))
        return try rows.map(Self.outstanding).sorted { ($0.organization, $0.sequence) < ($1.organization, $1.sequence) }
    }

    private static func outstanding(_ row: SQLRow) throws -> OutstandingEvent {
        guard let id = row.text(0), let organization = row.integer(1), let sequence = row.integer(2) else {
            throw unreadable("outstanding security event")
        }
        return OutstandingEvent(id: id, organization: OrganizationKey(organization), sequence: sequence)
    }

    public func outstandingCount(of application: String) async throws -> Int {
        Int(
            try await database.first(
                BoundStatement("SELECT COUNT(*) FROM set_outstanding WHERE app_id = ?", [.text(application)]),
                { $0.integer(0) }) ?? 0)
    }

    public func handOut(
        _ events: [OutstandingEvent], of application: String, from: FeedPosition, to: FeedPosition, at time: Date
    ) async throws -> Bool {
        // The stream's row first, marked with this hand-out: a racing poll waits for it (PostgreSQL) or runs after
        // (SQLite), finds the stream moved, and inserts nothing, since the mark is not its own; it reads again.
        let mark = SQLValue.text(UUID().uuidString)
        var statements = [
            BoundStatement(
                """
                UPDATE set_streams SET major = ?, minor = ?, handout = ?
                WHERE app_id = ? AND major = ? AND minor = ? RETURNING app_id
                """,
                [
                    .integer(to.major), .integer(to.minor), mark, .text(application), .integer(from.major),
                    .integer(from.minor),
                ])
        ]
        for chunk in events.chunked(into: 200) {
            let rows = Array(repeating: "(?, CAST(? AS BIGINT), CAST(? AS BIGINT))", count: chunk.count)
                .joined(separator: ", ")
            statements.append(
                BoundStatement(
                    """
                    INSERT INTO set_outstanding (app_id, id, org_pk, sequence, handed_ms)
                    SELECT ?, v.column1, v.column2, v.column3, ? FROM (VALUES \(rows)) AS v
                    WHERE EXISTS (SELECT 1 FROM set_streams WHERE app_id = ? AND handout = ?)
                    ON CONFLICT (app_id, id) DO NOTHING
                    """,
                    [.text(application), SQLValue(time)]
                        + chunk.flatMap { [.text($0.id), .integer($0.organization.rawValue), .integer($0.sequence)] }
                        + [.text(application), mark]))
        }
        return !(try await database.write(statements)[0].isEmpty)
    }
}
