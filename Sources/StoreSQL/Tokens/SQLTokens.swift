import Directory
import Foundation

/// SCIM tokens, on either dialect.
public struct SQLTokens: TokenStore {
    let database: any SQLDatabase

    public init(_ database: any SQLDatabase) {
        self.database = database
    }

    static let columns = "id, org_pk, description, status, hash, prefix, created_ms, last_used_ms"

    public func insertToken(_ token: TokenRecord) async throws {
        try await database.write(
            BoundStatement(
                "INSERT INTO tokens (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    .text(token.id), .integer(token.organization.rawValue), .text(token.description),
                    .text(token.status.rawValue), .text(token.hash), .text(token.prefix), SQLValue(token.created),
                    SQLValue(token.lastUsed),
                ]))
    }

    public func token(withHash hash: String) async throws -> TokenRecord? {
        try await database.first(
            BoundStatement("SELECT \(Self.columns) FROM tokens WHERE hash = ?", [.text(hash)]), Self.token)
    }

    public func token(id: String) async throws -> TokenRecord? {
        try await database.first(
            BoundStatement("SELECT \(Self.columns) FROM tokens WHERE id = ?", [.text(id)]), Self.token)
    }

    public func tokens(in organization: OrganizationKey?) async throws -> [TokenRecord] {
        let statement =
            if let organization {
                BoundStatement(
                    "SELECT \(Self.columns) FROM tokens WHERE org_pk = ? ORDER BY created_ms DESC, id",
                    [.integer(organization.rawValue)])
            } else {
                BoundStatement("SELECT \(Self.columns) FROM tokens ORDER BY created_ms DESC, id")
            }
        return try await database.rows(statement).map { row in
            guard let token = Self.token(row) else { throw unreadable("token") }
            return token
        }
    }

    public func setTokenStatus(id: String, status: TokenStatus, in organization: OrganizationKey) async throws -> Bool {
        try await database.changes(
            "UPDATE tokens SET status = ? WHERE id = ? AND org_pk = ? RETURNING id",
            [.text(status.rawValue), .text(id), .integer(organization.rawValue)])
    }

    public func replaceTokenSecret(id: String, hash: String, prefix: String, in organization: OrganizationKey)
        async throws -> Bool
    {
        try await database.changes(
            "UPDATE tokens SET hash = ?, prefix = ?, last_used_ms = NULL WHERE id = ? AND org_pk = ? RETURNING id",
            [.text(hash), .text(prefix), .text(id), .integer(organization.rawValue)])
    }

    public func deleteToken(id: String, in organization: OrganizationKey) async throws -> Bool {
        try await database.changes(
            "DELETE FROM tokens WHERE id = ? AND org_pk = ? RETURNING id", [.text(id), .integer(organization.rawValue)])
    }

    public func recordTokenUse(id: String, at time: Date) async throws {
        try await database.write(
            BoundStatement("UPDATE tokens SET last_used_ms = ? WHERE id = ?", [SQLValue(time), .text(id)]))
    }

    static func token(_ row: SQLRow) -> TokenRecord? {
        guard let id = row.text(0), let organization = row.integer(1), let description = row.text(2),
            let status = row.text(3), let hash = row.text(4), let prefix = row.text(5), let created = row.date(6)
        else { return nil }
        return TokenRecord(
            id: id, organization: OrganizationKey(organization), description: description,
            status: TokenStatus(rawValue: status) ?? .inactive, hash: hash, prefix: prefix, created: created,
            lastUsed: row.date(7))
    }
}
