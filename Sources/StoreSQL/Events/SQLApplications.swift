import Directory
import Foundation

/// Applications, their webhook endpoints and the state of delivery to each, on either dialect.
public struct SQLApplications: ApplicationStore {
    let database: any SQLDatabase
    /// Where events are numbered after they commit, what numbers them before streams are read by number and before
    /// a new endpoint starts after the last number (`EventSQL.Positions.settle`).
    let positions: EventSQL.Positions

    public init(_ database: any SQLDatabase, positions: EventSQL.Positions) {
        self.database = database
        self.positions = positions
    }

    // MARK: Applications

    private static let applicationColumns = "id, name, client_id, secret_hash, redirect_uris, created_ms"

    public func insertApplication(_ application: ApplicationRecord) async throws {
        try await database.write(
            BoundStatement(
                "INSERT INTO applications (\(Self.applicationColumns)) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    .text(application.id), .text(application.name), .text(application.clientID),
                    .text(application.secretHash), .text(Self.list(application.redirectURIs)),
                    SQLValue(application.created),
                ]))
    }

    public func applications() async throws -> [ApplicationRecord] {
        try await database.rows(
            BoundStatement("SELECT \(Self.applicationColumns) FROM applications ORDER BY created_ms, id")
        ).map(Self.application)
    }

    public func application(id: String) async throws -> ApplicationRecord? {
        try await database.lookup(
            BoundStatement("SELECT \(Self.applicationColumns) FROM applications WHERE id = ?", [.text(id)])
        ).map(Self.application).first
    }

    public func application(withSecretHash hash: String) async throws -> ApplicationRecord? {
        try await database.lookup(
            BoundStatement("SELECT \(Self.applicationColumns) FROM applications WHERE secret_hash = ?", [.text(hash)])
        ).map(Self.application).first
    }

    public func application(clientID: String) async throws -> ApplicationRecord? {
        try await database.lookup(
            BoundStatement("SELECT \(Self.applicationColumns) FROM applications WHERE client_id = ?", [.text(clientID)])
        ).map(Self.application).first
    }

    public func deleteApplication(id: String) async throws -> Bool {
        // Endpoints go with it (their streams, attempts and dead letters with them), and its security events.
        let rows = try await database.write([
            BoundStatement("DELETE FROM webhook_endpoints WHERE app_id = ?", [.text(id)]),
            BoundStatement("DELETE FROM set_outstanding WHERE app_id = ?", [.text(id)]),
            BoundStatement("DELETE FROM set_streams WHERE app_id = ?", [.text(id)]),
            // Its sign-ins under way, its codes and access tokens end with it.
            BoundStatement("DELETE FROM sign_in_requests WHERE app_id = ?", [.text(id)]),
            BoundStatement("DELETE FROM authorization_grants WHERE app_id = ?", [.text(id)]),
            BoundStatement("DELETE FROM applications WHERE id = ? RETURNING id", [.text(id)]),
        ])
        return !rows[5].isEmpty
    }

    private static func application(_ row: SQLRow) throws -> ApplicationRecord {
        guard let id = row.text(0), let name = row.text(1), let clientID = row.text(2), let hash = row.text(3),
            let uris = row.text(4), let created = row.date(5)
        else { throw unreadable("application") }
        return ApplicationRecord(
            id: id, name: name, clientID: clientID, secretHash: hash, redirectURIs: Self.items(uris), created: created)
    }

    /// Lists kept in one column, a line each: URLs, event types and secrets hold no line breaks.
    static func list(_ items: [String]) -> String { items.joined(separator: "\n") }
    static func items(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    // MARK: Endpoints

    private static let endpointColumns =
        "id, app_id, url, types, secrets, enabled, disabled_reason, failing_since_ms, created_ms, insecure, test_requested_ms"

    public func insertEndpoint(_ endpoint: WebhookEndpoint) async throws {
        // Numbered first, on its own: the numbering's lock is not held through the endpoint's transaction.
        try await positions.numberCommitted(in: database)
        try await database.write(
            [
                BoundStatement(
                    "INSERT INTO webhook_endpoints (\(Self.endpointColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                    [
                        .text(endpoint.id), .text(endpoint.application), .text(endpoint.url),
                        .text(Self.list(endpoint.types)), .text(Self.list(endpoint.secrets)),
                        SQLValue(endpoint.enabled),
                        SQLValue(endpoint.disabledReason), SQLValue(endpoint.failingSince), SQLValue(endpoint.created),
                        SQLValue(endpoint.allowInsecure),
                    ]),
                // It starts after what is already written, in every organization that has events.
                BoundStatement(
                    "INSERT INTO webhook_streams (endpoint_id, org_pk, delivered) SELECT ?, org_pk, last FROM event_sequences",
                    [.text(endpoint.id)]),
            ])
    }

    public func endpoints(of application: String?) async throws -> [WebhookEndpoint] {
        let statement =
            if let application {
                BoundStatement(
                    "SELECT \(Self.endpointColumns) FROM webhook_endpoints WHERE app_id = ? ORDER BY created_ms, id",
                    [.text(application)])
            } else {
                BoundStatement("SELECT \(Self.endpointColumns) FROM webhook_endpoints ORDER BY created_ms, id")
            }
        return try await database.rows(statement).map(Self.endpoint)
    }

    public func endpoint(id: String) async throws -> WebhookEndpoint? {
        try await database.rows(
            BoundStatement("SELECT \(Self.endpointColumns) FROM webhook_endpoints WHERE id = ?", [.text(id)])
        ).map(Self.endpoint).first
    }

    public func deleteEndpoint(id: String) async throws -> Bool {
        try await database.changes("DELETE FROM webhook_endpoints WHERE id = ? RETURNING id", [.text(id)])
    }

    public func setEndpoint(id: String, enabled: Bool, reason: String?, at time: Date) async throws -> Bool {
        // The lease goes too: a round of deliveries under way would otherwise write back what it read before
        // (the failure's start the enabling cleared, the retries it reset), and an endpoint re-enabled after
        // days of failures could be disabled again by its first failed round.
        let statement =
            enabled
            ? BoundStatement(
                """
                UPDATE webhook_endpoints SET enabled = 1, disabled_reason = NULL, failing_since_ms = NULL,
                    lease_owner = NULL, lease_until_ms = NULL
                WHERE id = ? RETURNING id
                """, [.text(id)])
            : BoundStatement(
                """
                UPDATE webhook_endpoints SET enabled = 0, disabled_reason = ?, lease_owner = NULL, lease_until_ms = NULL
                WHERE id = ? RETURNING id
                """, [SQLValue(reason), .text(id)])
        var statements = [statement]
        // Re-enabled, it tries its waiting events again at once, their retry windows begun anew.
        if enabled {
            statements.append(
                BoundStatement(
                    """
                    UPDATE webhook_streams SET attempts = 0, first_attempt_ms = NULL, next_attempt_ms = NULL
                    WHERE endpoint_id = ?
                    """, [.text(id)]))
        }
        return !(try await database.write(statements)[0]).isEmpty
    }

    private static func endpoint(_ row: SQLRow) throws -> WebhookEndpoint {
        guard let id = row.text(0), let application = row.text(1), let url = row.text(2), let types = row.text(3),
            let secrets = row.text(4), let enabled = row.bool(5), let created = row.date(8),
            let insecure = row.bool(9)
        else { throw unreadable("webhook endpoint") }
        var endpoint = WebhookEndpoint(
            id: id, application: application, url: url, types: Self.items(types), secrets: Self.items(secrets),
            enabled: enabled, allowInsecure: insecure, disabledReason: row.text(6), failingSince: row.date(7),
            created: created)
        endpoint.testRequested = row.date(10)
        return endpoint
    }

    public func setEndpointSecrets(id: String, secrets: [String]) async throws -> Bool {
        try await database.changes(
            "UPDATE webhook_endpoints SET secrets = ? WHERE id = ? RETURNING id",
            [.text(Self.list(secrets)), .text(id)])
    }

    public func requestTest(endpoint: String, at time: Date) async throws -> Bool {
        try await database.changes(
            "UPDATE webhook_endpoints SET test_requested_ms = ? WHERE id = ? RETURNING id",
            [SQLValue(time), .text(endpoint)])
    }

    public func recordTest(_ attempt: DeliveryAttempt, owner: String) async throws {
        try await database.write([
            BoundStatement(
                "UPDATE webhook_endpoints SET test_requested_ms = NULL WHERE id = ? AND lease_owner = ?",
                [.text(attempt.endpoint), .text(owner)]),
            Self.insertAttempts([attempt], owner: owner),
        ])
    }

    public func requestResend(endpoint: String, organization: OrganizationKey, sequence: Int64) async throws -> Bool {
        try await database.changes(
            """
            UPDATE webhook_dead_letters SET resend_requested = 1
            WHERE endpoint_id = ? AND org_pk = ? AND sequence = ? RETURNING sequence
            """, [.text(endpoint), .integer(organization.rawValue), .integer(sequence)])
    }

    public func resendRequests(endpoint: String) async throws -> [DeadLetter] {
        try await database.rows(
            BoundStatement(
                """
                SELECT endpoint_id, org_pk, sequence, event_id, time_ms, reason FROM webhook_dead_letters
                WHERE endpoint_id = ? AND resend_requested = 1 ORDER BY org_pk, sequence LIMIT 100
                """, [.text(endpoint)])
        ).map(Self.deadLetter)
    }

    public func recordResend(_ attempt: DeliveryAttempt, owner: String) async throws {
        let key: [SQLValue] = [
            .text(attempt.endpoint), .integer(attempt.organization.rawValue), .integer(attempt.sequence),
        ]
        try await database.write([
            attempt.succeeded
                ? BoundStatement(
                    "DELETE FROM webhook_dead_letters WHERE endpoint_id = ? AND org_pk = ? AND sequence = ?", key)
                : BoundStatement(
                    """
                    UPDATE webhook_dead_letters SET resend_requested = 0
                    WHERE endpoint_id = ? AND org_pk = ? AND sequence = ?
                    """, key),
            Self.insertAttempts([attempt], owner: owner),
        ])
    }

    // MARK: Delivery

    public func claimEndpoints(owner: String, now: Date, until: Date) async throws -> [WebhookEndpoint] {
        // Most databases have no webhook: a read says so without taking SQLite's one writer every few seconds.
        guard
            try await database.first(
                BoundStatement("SELECT 1 FROM webhook_endpoints WHERE enabled = 1 LIMIT 1"), { $0.integer(0) }) != nil
        else { return [] }
        let claimed = try await database.write(
            BoundStatement(
                """
                UPDATE webhook_endpoints SET lease_owner = ?, lease_until_ms = ?
                WHERE enabled = 1 AND (lease_owner IS NULL OR lease_owner = ? OR lease_until_ms < ?)
                RETURNING \(Self.endpointColumns)
                """, [.text(owner), SQLValue(until), .text(owner), SQLValue(now)]))
        return try claimed.map(Self.endpoint)
    }

    public func releaseEndpoints(owner: String) async throws {
        try await database.write(
            BoundStatement(
                "UPDATE webhook_endpoints SET lease_owner = NULL, lease_until_ms = NULL WHERE lease_owner = ?",
                [.text(owner)]))
    }

    /// Streams are made as events appear: an organization whose events began after the endpoint was added starts
    /// at its first.
    public func pendingStreams(endpoint: String, now: Date) async throws -> [WebhookStream] {
        try await positions.numberCommitted(in: database)
        return try await database.rows(
            BoundStatement(
                """
                SELECT event_sequences.org_pk, COALESCE(webhook_streams.delivered, 0), COALESCE(attempts, 0),
                    first_attempt_ms, next_attempt_ms
                FROM event_sequences LEFT JOIN webhook_streams
                    ON webhook_streams.endpoint_id = ? AND webhook_streams.org_pk = event_sequences.org_pk
                WHERE event_sequences.last > COALESCE(webhook_streams.delivered, 0)
                    AND (next_attempt_ms IS NULL OR next_attempt_ms <= ?)
                ORDER BY event_sequences.org_pk
                """, [.text(endpoint), SQLValue(now)])
        ).map { row in
            guard let organization = row.integer(0), let delivered = row.integer(1), let attempts = row.integer(2)
            else { throw unreadable("webhook stream") }
            return WebhookStream(
                organization: OrganizationKey(organization), delivered: delivered, attempts: Int(attempts),
                firstAttempt: row.date(3), nextAttempt: row.date(4))
        }
    }

    public func recordDeliveries(
        endpoint: String, stream: WebhookStream, attempts: [DeliveryAttempt], deadLetter: DeadLetter?,
        failingSince: Date?, owner: String
    ) async throws -> Bool {
        let holds = "EXISTS (SELECT 1 FROM webhook_endpoints WHERE id = ? AND lease_owner = ?)"
        let lease: [SQLValue] = [.text(endpoint), .text(owner)]
        var statements = [
            BoundStatement(
                "UPDATE webhook_endpoints SET failing_since_ms = ? WHERE id = ? AND lease_owner = ? RETURNING id",
                [SQLValue(failingSince), .text(endpoint), .text(owner)]),
            BoundStatement(
                """
                INSERT INTO webhook_streams
                    (endpoint_id, org_pk, delivered, attempts, first_attempt_ms, next_attempt_ms)
                SELECT ?, ?, ?, ?, ?, ? WHERE \(holds)
                ON CONFLICT (endpoint_id, org_pk) DO UPDATE SET delivered = excluded.delivered,
                    attempts = excluded.attempts, first_attempt_ms = excluded.first_attempt_ms,
                    next_attempt_ms = excluded.next_attempt_ms
                """,
                [
                    .text(endpoint), .integer(stream.organization.rawValue), .integer(stream.delivered),
                    .integer(Int64(stream.attempts)), SQLValue(stream.firstAttempt), SQLValue(stream.nextAttempt),
                ] + lease),
        ]
        for chunk in attempts.chunked(into: 500) { statements.append(Self.insertAttempts(Array(chunk), owner: owner)) }
        if let deadLetter {
            statements.append(
                BoundStatement(
                    """
                    INSERT INTO webhook_dead_letters (endpoint_id, org_pk, sequence, event_id, time_ms, reason)
                    SELECT ?, ?, ?, ?, ?, ? WHERE \(holds) ON CONFLICT DO NOTHING
                    """,
                    [
                        .text(deadLetter.endpoint), .integer(deadLetter.organization.rawValue),
                        .integer(deadLetter.sequence), .text(deadLetter.eventID), SQLValue(deadLetter.time),
                        .text(deadLetter.reason),
                    ] + lease))
        }
        return !(try await database.write(statements)[0]).isEmpty
    }

    /// Inserts attempts if `owner` holds their endpoint's lease: one VALUES list, which PostgreSQL plans in a
    /// fraction of what 500 UNION ALL branches take.
    static func insertAttempts(_ attempts: [DeliveryAttempt], owner: String) -> BoundStatement {
        let rows = Array(repeating: "(?, ?, ?, ?, ?, ?, CAST(? AS BIGINT), ?, ?)", count: attempts.count)
        return BoundStatement(
            """
            INSERT INTO webhook_attempts
                (endpoint_id, org_pk, sequence, event_id, event_type, time_ms, status, milliseconds, excerpt)
            SELECT * FROM (VALUES \(rows.joined(separator: ", "))) AS attempt
            WHERE EXISTS (SELECT 1 FROM webhook_endpoints WHERE id = ? AND lease_owner = ?)
            """,
            attempts.flatMap { attempt -> [SQLValue] in
                [
                    .text(attempt.endpoint), .integer(attempt.organization.rawValue), .integer(attempt.sequence),
                    .text(attempt.eventID), .text(attempt.eventType), SQLValue(attempt.time),
                    SQLValue(attempt.status.map(Int64.init)), .real(attempt.milliseconds), .text(attempt.excerpt),
                ]
            } + [.text(attempts.first?.endpoint ?? ""), .text(owner)])
    }

    public func attempts(endpoint: String, limit: Int) async throws -> [DeliveryAttempt] {
        try await database.rows(
            BoundStatement(
                """
                SELECT endpoint_id, org_pk, sequence, event_id, event_type, time_ms, status, milliseconds, excerpt
                FROM webhook_attempts WHERE endpoint_id = ? ORDER BY time_ms DESC, sequence DESC LIMIT ?
                """, [.text(endpoint), .integer(Int64(limit))])
        ).map { row in
            guard let endpoint = row.text(0), let organization = row.integer(1), let sequence = row.integer(2),
                let eventID = row.text(3), let type = row.text(4), let time = row.date(5),
                let milliseconds = row.real(7), let excerpt = row.text(8)
            else { throw unreadable("webhook attempt") }
            return DeliveryAttempt(
                endpoint: endpoint, organization: OrganizationKey(organization), sequence: sequence,
                eventID: eventID, eventType: type, time: time, status: row.integer(6).map(Int.init),
                milliseconds: milliseconds, excerpt: excerpt)
        }
    }

    public func deadLetters(endpoint: String, limit: Int) async throws -> [DeadLetter] {
        try await database.rows(
            BoundStatement(
                """
                SELECT endpoint_id, org_pk, sequence, event_id, time_ms, reason FROM webhook_dead_letters
                WHERE endpoint_id = ? ORDER BY time_ms DESC LIMIT ?
                """, [.text(endpoint), .integer(Int64(limit))])
        ).map(Self.deadLetter)
    }

    private static func deadLetter(_ row: SQLRow) throws -> DeadLetter {
        guard let endpoint = row.text(0), let organization = row.integer(1), let sequence = row.integer(2),
            let eventID = row.text(3), let time = row.date(4), let reason = row.text(5)
        else { throw unreadable("dead letter") }
        return DeadLetter(
            endpoint: endpoint, organization: OrganizationKey(organization), sequence: sequence, eventID: eventID,
            time: time, reason: reason)
    }

    public func deleteAttempts(before time: Date) async throws -> Int {
        try await database.write(
            BoundStatement("DELETE FROM webhook_attempts WHERE time_ms < ? RETURNING 1", [SQLValue(time)])
        ).count
    }
}
