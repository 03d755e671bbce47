import Directory
import Foundation

/// SAML connections, on either dialect.
public struct SQLConnections: ConnectionStore {
    let database: any SQLDatabase

    public init(_ database: any SQLDatabase) {
        self.database = database
    }

    public static let schema = [
        """
        CREATE TABLE saml_connections (
            id TEXT PRIMARY KEY,
            org_pk BIGINT NOT NULL,
            idp_entity_id TEXT NOT NULL,
            idp_sso_url TEXT NOT NULL,
            idp_certificates TEXT NOT NULL,
            allow_sha1 BIGINT NOT NULL,
            just_in_time BIGINT NOT NULL,
            idp_initiated_app TEXT,
            created_ms BIGINT NOT NULL
        )
        """,
        "CREATE INDEX saml_connections_by_organization ON saml_connections (org_pk, created_ms)",
        """
        CREATE TABLE saml_replays (
            connection_id TEXT NOT NULL,
            assertion_id TEXT NOT NULL,
            until_ms BIGINT NOT NULL,
            PRIMARY KEY (connection_id, assertion_id)
        )
        """,
        "CREATE INDEX saml_replays_by_time ON saml_replays (until_ms)",
    ]

    /// The sign-ins under way and the codes they end in, and each connection's latest attempt.
    public static let flowSchema = [
        """
        CREATE TABLE sign_in_requests (
            id TEXT PRIMARY KEY,
            connection_id TEXT NOT NULL,
            app_id TEXT NOT NULL,
            redirect_uri TEXT NOT NULL,
            scope TEXT NOT NULL,
            state TEXT,
            nonce TEXT,
            code_challenge TEXT NOT NULL,
            browser_hash TEXT NOT NULL,
            expires_ms BIGINT NOT NULL
        )
        """,
        "CREATE INDEX sign_in_requests_by_time ON sign_in_requests (expires_ms)",
        """
        CREATE TABLE authorization_grants (
            code_hash TEXT PRIMARY KEY,
            app_id TEXT NOT NULL,
            redirect_uri TEXT NOT NULL,
            scope TEXT NOT NULL,
            org_pk BIGINT NOT NULL,
            user_id TEXT NOT NULL,
            connection_id TEXT NOT NULL,
            nonce TEXT,
            code_challenge TEXT,
            auth_time_ms BIGINT NOT NULL,
            expires_ms BIGINT NOT NULL,
            redeemed_ms BIGINT,
            access_hash TEXT,
            access_expires_ms BIGINT,
            kept_until_ms BIGINT NOT NULL
        )
        """,
        "CREATE INDEX authorization_grants_by_access ON authorization_grants (access_hash)",
        "CREATE INDEX authorization_grants_by_time ON authorization_grants (kept_until_ms)",
        "ALTER TABLE saml_connections ADD COLUMN last_attempt_ms BIGINT",
        "ALTER TABLE saml_connections ADD COLUMN last_attempt_ok BIGINT",
        "ALTER TABLE saml_connections ADD COLUMN last_attempt_text TEXT",
    ]

    /// Each connection's key pair for encrypted assertions.
    public static let keySchema = [
        "ALTER TABLE saml_connections ADD COLUMN sp_private_key TEXT",
        "ALTER TABLE saml_connections ADD COLUMN sp_certificate TEXT",
    ]

    /// Connections made from a metadata URL, fetched again each day.
    public static let metadataURLSchema = [
        "ALTER TABLE saml_connections ADD COLUMN idp_metadata_url TEXT",
        "ALTER TABLE saml_connections ADD COLUMN allow_private_metadata BIGINT NOT NULL DEFAULT 0",
        "ALTER TABLE saml_connections ADD COLUMN metadata_checked_ms BIGINT",
        "ALTER TABLE saml_connections ADD COLUMN metadata_error TEXT",
    ]

    /// A grant names the started sign-in it ended, once: the key that lets a sign-in end in one statement.
    public static let grantRequestSchema = [
        "ALTER TABLE authorization_grants ADD COLUMN request_id TEXT",
        "CREATE UNIQUE INDEX authorization_grants_by_request ON authorization_grants (request_id)",
    ]

    public func updateIdentityProvider(
        connection: String, ssoURL: String?, certificates: [String]?, checked: Date, error: String?
    ) async throws {
        if let ssoURL, let certificates {
            try await database.write(
                BoundStatement(
                    """
                    UPDATE saml_connections SET idp_sso_url = ?, idp_certificates = ?, metadata_checked_ms = ?,
                        metadata_error = NULL
                    WHERE id = ?
                    """, [.text(ssoURL), .text(certificates.joined()), SQLValue(checked), .text(connection)]))
        } else {
            try await database.write(
                BoundStatement(
                    "UPDATE saml_connections SET metadata_checked_ms = ?, metadata_error = ? WHERE id = ?",
                    [SQLValue(checked), SQLValue(error), .text(connection)]))
        }
    }

    public func setServiceProviderKey(connection: String, privateKeyPEM: String, certificatePEM: String)
        async throws
    {
        try await database.write(
            BoundStatement(
                "UPDATE saml_connections SET sp_private_key = ?, sp_certificate = ? WHERE id = ? AND sp_certificate IS NULL",
                [.text(privateKeyPEM), .text(certificatePEM), .text(connection)]))
    }

    /// How long a grant row outlives its code: past its access token's end, so a code presented twice can still
    /// take that token back.
    static let grantKept: TimeInterval = 2 * 3600

    public func insertSignInRequest(_ request: SignInRequest, now: Date) async throws {
        try await database.groupedWrite(
            BoundStatement(
                """
                INSERT INTO sign_in_requests (id, connection_id, app_id, redirect_uri, scope, state, nonce,
                    code_challenge, browser_hash, expires_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(request.id), .text(request.connection), .text(request.application),
                    .text(request.redirectURI), .text(request.scope), SQLValue(request.state),
                    SQLValue(request.nonce), .text(request.codeChallenge), .text(request.browserHash),
                    SQLValue(request.expires),
                ]))
    }

    public func pruneSignIns(now: Date) async throws {
        let limit = 10_000
        try await database.write([
            BoundStatement(
                "DELETE FROM sign_in_requests WHERE id IN (SELECT id FROM sign_in_requests WHERE expires_ms < ? LIMIT \(limit))",
                [SQLValue(now)]),
            BoundStatement(
                "DELETE FROM authorization_grants WHERE code_hash IN (SELECT code_hash FROM authorization_grants WHERE kept_until_ms < ? LIMIT \(limit))",
                [SQLValue(now)]),
            BoundStatement(
                "DELETE FROM saml_replays WHERE until_ms < ? AND assertion_id IN (SELECT assertion_id FROM saml_replays WHERE until_ms < ? LIMIT \(limit))",
                [SQLValue(now), SQLValue(now)]),
        ])
    }

    private static let requestColumns =
        "id, connection_id, app_id, redirect_uri, scope, state, nonce, code_challenge, browser_hash, expires_ms"

    public func signInRequest(id: String) async throws -> SignInRequest? {
        try await database.lookup(
            BoundStatement("SELECT \(Self.requestColumns) FROM sign_in_requests WHERE id = ?", [.text(id)])
        ).map(Self.request).first
    }

    public func finishSignIn(
        _ grant: AuthorizationGrant, request: (id: String, browserHash: String)?, assertion: String?,
        assertionUntil: Date, now: Date
    ) async throws -> SignInFinish {
        // A used assertion's key is repeated, and so is a request a grant has ended: either rolls the whole
        // transaction back.
        let replay = assertion.map {
            BoundStatement(
                "INSERT INTO saml_replays (connection_id, assertion_id, until_ms) VALUES (?, ?, ?)",
                [.text(grant.connection), .text($0), SQLValue(assertionUntil)])
        }
        let insert = "INSERT INTO authorization_grants (\(Self.grantColumns), kept_until_ms, request_id)"
        let mine: [SQLValue] = [
            .text(grant.codeHash), .integer(grant.organization.rawValue), .text(grant.userID),
            SQLValue(grant.authTime), SQLValue(grant.expires), SQLValue(grant.expires + Self.grantKept),
        ]
        let keep: BoundStatement
        if let request {
            // What the application asked for comes from its started sign-in, and only while that is still valid.
            keep = BoundStatement(
                """
                \(insert)
                SELECT ?, app_id, redirect_uri, scope, ?, ?, connection_id, nonce, code_challenge, ?, ?, NULL, ?, id
                FROM sign_in_requests WHERE id = ? AND connection_id = ? AND browser_hash = ? AND expires_ms > ?
                RETURNING code_hash
                """,
                mine + [.text(request.id), .text(grant.connection), .text(request.browserHash), SQLValue(now)])
        } else {
            keep = BoundStatement(
                "\(insert) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL) RETURNING code_hash",
                [
                    .text(grant.codeHash), .text(grant.application), .text(grant.redirectURI), .text(grant.scope),
                    .integer(grant.organization.rawValue), .text(grant.userID), .text(grant.connection),
                    SQLValue(grant.nonce), SQLValue(grant.codeChallenge), SQLValue(grant.authTime),
                    SQLValue(grant.expires), SQLValue(grant.expires + Self.grantKept),
                ])
        }
        do {
            let kept = try await database.groupedWrite([replay, keep].compactMap { $0 }).last ?? []
            return kept.isEmpty ? .requestGone : .finished
        } catch let repeated as SQLUniqueViolation {
            return repeated.constraint.contains("saml_replays") ? .replayed : .requestGone
        }
    }

    private static func request(_ row: SQLRow) throws -> SignInRequest {
        guard let id = row.text(0), let connection = row.text(1), let application = row.text(2),
            let redirect = row.text(3), let scope = row.text(4), let challenge = row.text(7),
            let browser = row.text(8), let expires = row.date(9)
        else { throw unreadable("sign-in request") }
        return SignInRequest(
            id: id, connection: connection, application: application, redirectURI: redirect, scope: scope,
            state: row.text(5), nonce: row.text(6), codeChallenge: challenge, browserHash: browser,
            expires: expires)
    }

    private static let grantColumns =
        "code_hash, app_id, redirect_uri, scope, org_pk, user_id, connection_id, nonce, code_challenge, auth_time_ms, expires_ms, redeemed_ms"

    public func grant(codeHash: String) async throws -> AuthorizationGrant? {
        try await database.lookup(
            BoundStatement(
                "SELECT \(Self.grantColumns) FROM authorization_grants WHERE code_hash = ?", [.text(codeHash)])
        ).map(Self.grant).first
    }

    public func redeemGrant(
        codeHash: String, application: String, redirectURI: String?, codeChallenge: String?, accessHash: String,
        accessExpires: Date, at time: Date
    ) async throws -> AuthorizationGrant? {
        var conditions = "code_hash = ? AND app_id = ? AND redeemed_ms IS NULL AND expires_ms > ?"
        var values: [SQLValue] = [
            SQLValue(time), .text(accessHash), SQLValue(accessExpires), .text(codeHash), .text(application),
            SQLValue(time),
        ]
        if let redirectURI {
            conditions += " AND redirect_uri = ?"
            values.append(.text(redirectURI))
        } else {
            conditions += " AND code_challenge IS NULL"
        }
        if let codeChallenge {
            conditions += " AND (code_challenge IS NULL OR code_challenge = ?)"
            values.append(.text(codeChallenge))
        } else {
            conditions += " AND code_challenge IS NULL"
        }
        return try await database.groupedWrite(
            BoundStatement(
                """
                UPDATE authorization_grants SET redeemed_ms = ?, access_hash = ?, access_expires_ms = ?
                WHERE \(conditions) RETURNING \(Self.grantColumns)
                """, values)
        ).map(Self.grant).first
    }

    public func revokeGrant(codeHash: String) async throws {
        try await database.groupedWrite(
            BoundStatement(
                "UPDATE authorization_grants SET access_hash = NULL, access_expires_ms = NULL WHERE code_hash = ?",
                [.text(codeHash)]))
    }

    public func grant(accessHash: String, now: Date) async throws -> AuthorizationGrant? {
        try await database.rows(
            BoundStatement(
                "SELECT \(Self.grantColumns) FROM authorization_grants WHERE access_hash = ? AND access_expires_ms > ?",
                [.text(accessHash), SQLValue(now)])
        ).map(Self.grant).first
    }

    private static func grant(_ row: SQLRow) throws -> AuthorizationGrant {
        guard let code = row.text(0), let application = row.text(1), let redirect = row.text(2),
            let scope = row.text(3), let organization = row.integer(4), let user = row.text(5),
            let connection = row.text(6), let authTime = row.date(9), let expires = row.date(10)
        else { throw unreadable("authorization grant") }
        return AuthorizationGrant(
            codeHash: code, application: application, redirectURI: redirect, scope: scope,
            organization: OrganizationKey(organization), userID: user, connection: connection, nonce: row.text(7),
            codeChallenge: row.text(8), authTime: authTime, expires: expires, redeemed: row.integer(11) != nil)
    }

    public func recordAttempt(_ attempt: SignInAttempt, connection: String) async throws {
        try await database.groupedWrite(
            BoundStatement(
                "UPDATE saml_connections SET last_attempt_ms = ?, last_attempt_ok = ?, last_attempt_text = ? WHERE id = ?",
                [SQLValue(attempt.time), SQLValue(attempt.succeeded), .text(attempt.text), .text(connection)]))
    }

    public func recordAssertion(id: String, connection: String, until: Date, now: Date) async throws -> Bool {
        // The unique key decides between instances racing with the same assertion (expired rows go in
        // pruneSignIns).
        !(try await database.groupedWrite(
            BoundStatement(
                """
                INSERT INTO saml_replays (connection_id, assertion_id, until_ms) VALUES (?, ?, ?)
                ON CONFLICT (connection_id, assertion_id) DO NOTHING RETURNING assertion_id
                """, [.text(connection), .text(id), SQLValue(until)])
        ).isEmpty)
    }

    private static let columns =
        "id, org_pk, idp_entity_id, idp_sso_url, idp_certificates, allow_sha1, just_in_time, idp_initiated_app, created_ms"
    private static let readColumns =
        columns + ", last_attempt_ms, last_attempt_ok, last_attempt_text, sp_certificate, sp_private_key, "
        + "idp_metadata_url, allow_private_metadata, metadata_checked_ms, metadata_error"

    public func insertConnection(_ connection: SAMLConnection) async throws {
        try await database.write(
            BoundStatement(
                """
                INSERT INTO saml_connections (\(Self.columns), sp_certificate, sp_private_key, idp_metadata_url,
                    allow_private_metadata, metadata_checked_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(connection.id), .integer(connection.organization.rawValue), .text(connection.idpEntityID),
                    .text(connection.idpSSOURL), .text(connection.idpCertificates.joined()),
                    SQLValue(connection.allowSHA1), SQLValue(connection.justInTime),
                    SQLValue(connection.idpInitiatedApplication), SQLValue(connection.created),
                    SQLValue(connection.spCertificate), SQLValue(connection.spPrivateKey),
                    SQLValue(connection.idpMetadataURL), SQLValue(connection.allowPrivateMetadata),
                    SQLValue(connection.metadataChecked),
                ]))
    }

    public func connections(of organization: OrganizationKey?) async throws -> [SAMLConnection] {
        let (condition, values): (String, [SQLValue]) =
            organization.map { ("WHERE org_pk = ?", [.integer($0.rawValue)]) } ?? ("", [])
        return try await database.rows(
            BoundStatement(
                "SELECT \(Self.readColumns) FROM saml_connections \(condition) ORDER BY created_ms, id", values)
        ).map(Self.connection)
    }

    public func connection(id: String) async throws -> SAMLConnection? {
        try await database.lookup(
            BoundStatement("SELECT \(Self.readColumns) FROM saml_connections WHERE id = ?", [.text(id)])
        ).map(Self.connection).first
    }

    public func deleteConnection(id: String) async throws -> Bool {
        // Sign-ins under way through it fail, and the access tokens it gave are taken back.
        let rows = try await database.write([
            BoundStatement("DELETE FROM sign_in_requests WHERE connection_id = ?", [.text(id)]),
            BoundStatement("DELETE FROM authorization_grants WHERE connection_id = ?", [.text(id)]),
            BoundStatement("DELETE FROM saml_connections WHERE id = ? RETURNING id", [.text(id)]),
        ])
        return !rows[2].isEmpty
    }

    private static func connection(_ row: SQLRow) throws -> SAMLConnection {
        guard let id = row.text(0), let organization = row.integer(1), let entityID = row.text(2),
            let ssoURL = row.text(3), let certificates = row.text(4), let sha1 = row.bool(5),
            let justInTime = row.bool(6), let created = row.date(8)
        else { throw unreadable("SAML connection") }
        var connection = SAMLConnection(
            id: id, organization: OrganizationKey(organization), idpEntityID: entityID, idpSSOURL: ssoURL,
            idpCertificates: SAMLConnection.certificates(stored: certificates), allowSHA1: sha1, justInTime: justInTime,
            idpInitiatedApplication: row.text(7), created: created,
            lastAttempt: row.date(9).map {
                SignInAttempt(time: $0, succeeded: row.bool(10) ?? false, text: row.text(11) ?? "")
            }, spCertificate: row.text(12), spPrivateKey: row.text(13))
        connection.idpMetadataURL = row.text(14)
        connection.allowPrivateMetadata = row.bool(15) ?? false
        connection.metadataChecked = row.date(16)
        connection.metadataError = row.text(17)
        return connection
    }
}
