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

    public func recordAssertion(id: String, connection: String, until: Date, now: Date) async throws -> Bool {
        // The unique key decides between instances racing with the same assertion; the expired go meanwhile.
        let results = try await database.write([
            BoundStatement(
                "DELETE FROM saml_replays WHERE until_ms < ? AND assertion_id IN (SELECT assertion_id FROM saml_replays WHERE until_ms < ? LIMIT 100)",
                [SQLValue(now), SQLValue(now)]),
            BoundStatement(
                """
                INSERT INTO saml_replays (connection_id, assertion_id, until_ms) VALUES (?, ?, ?)
                ON CONFLICT (connection_id, assertion_id) DO NOTHING RETURNING assertion_id
                """, [.text(connection), .text(id), SQLValue(until)]),
        ])
        return !results[1].isEmpty
    }

    private static let columns =
        "id, org_pk, idp_entity_id, idp_sso_url, idp_certificates, allow_sha1, just_in_time, idp_initiated_app, created_ms"

    public func insertConnection(_ connection: SAMLConnection) async throws {
        try await database.write(
            BoundStatement(
                "INSERT INTO saml_connections (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    .text(connection.id), .integer(connection.organization.rawValue), .text(connection.idpEntityID),
                    .text(connection.idpSSOURL), .text(connection.idpCertificates.joined()),
                    SQLValue(connection.allowSHA1), SQLValue(connection.justInTime),
                    SQLValue(connection.idpInitiatedApplication), SQLValue(connection.created),
                ]))
    }

    public func connections(of organization: OrganizationKey?) async throws -> [SAMLConnection] {
        let (condition, values): (String, [SQLValue]) =
            organization.map { ("WHERE org_pk = ?", [.integer($0.rawValue)]) } ?? ("", [])
        return try await database.rows(
            BoundStatement("SELECT \(Self.columns) FROM saml_connections \(condition) ORDER BY created_ms, id", values)
        ).map(Self.connection)
    }

    public func connection(id: String) async throws -> SAMLConnection? {
        try await database.rows(
            BoundStatement("SELECT \(Self.columns) FROM saml_connections WHERE id = ?", [.text(id)])
        ).map(Self.connection).first
    }

    public func deleteConnection(id: String) async throws -> Bool {
        !(try await database.write(
            BoundStatement("DELETE FROM saml_connections WHERE id = ? RETURNING id", [.text(id)])
        ).isEmpty)
    }

    private static func connection(_ row: SQLRow) throws -> SAMLConnection {
        guard let id = row.text(0), let organization = row.integer(1), let entityID = row.text(2),
            let ssoURL = row.text(3), let certificates = row.text(4), let sha1 = row.bool(5),
            let justInTime = row.bool(6), let created = row.date(8)
        else { throw unreadable("SAML connection") }
        return SAMLConnection(
            id: id, organization: OrganizationKey(organization), idpEntityID: entityID, idpSSOURL: ssoURL,
            idpCertificates: SAMLConnection.certificates(stored: certificates), allowSHA1: sha1, justInTime: justInTime,
            idpInitiatedApplication: row.text(7), created: created)
    }
}
