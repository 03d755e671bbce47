import Directory
import Foundation

/// The console's administrators, sessions and setup link, on either dialect.
public struct SQLAccounts: AccountStore {
    let database: any SQLDatabase

    public init(_ database: any SQLDatabase) {
        self.database = database
    }

    static let adminColumns = "id, username, password_hash, created_ms"
    static let sessionColumns = "hash, admin_id, csrf_token, created_ms, expires_ms"
    static let setupSetting = "setup_token_hash"

    public func adminCount() async throws -> Int {
        Int(try await database.first(BoundStatement("SELECT COUNT(*) FROM admins")) { $0.integer(0) } ?? 0)
    }

    public func insertAdmin(_ admin: AdminAccount) async throws {
        do {
            try await database.write(
                BoundStatement(
                    "INSERT INTO admins (id, username, username_key, password_hash, created_ms) VALUES (?, ?, ?, ?, ?)",
                    [
                        .text(admin.id), .text(admin.username), .text(Folding.fold(admin.username)),
                        .text(admin.passwordHash), SQLValue(admin.created),
                    ]))
        } catch is SQLUniqueViolation {
            throw AdminNameTaken()
        }
    }

    public func admin(username: String) async throws -> AdminAccount? {
        try await database.first(
            BoundStatement(
                "SELECT \(Self.adminColumns) FROM admins WHERE username_key = ?", [.text(Folding.fold(username))]),
            Self.admin)
    }

    public func admin(id: String) async throws -> AdminAccount? {
        try await database.first(
            BoundStatement("SELECT \(Self.adminColumns) FROM admins WHERE id = ?", [.text(id)]), Self.admin)
    }

    public func admins() async throws -> [AdminAccount] {
        try await database.rows(BoundStatement("SELECT \(Self.adminColumns) FROM admins ORDER BY created_ms, id"))
            .compactMap(Self.admin)
    }

    /// The secret is claimed first, by a value only this attempt knows: on PostgreSQL a second attempt's claim waits
    /// for the first to commit and then finds nothing to claim, and on SQLite writes take turns anyway. The
    /// administrator is inserted only under this attempt's claim, and the claim removed with it.
    public func insertFirstAdmin(_ admin: AdminAccount, setupHash: String) async throws -> Bool {
        let claim = "claimed by \(admin.id)"
        let results = try await database.write([
            BoundStatement(
                "UPDATE settings SET value = ? WHERE name = ? AND value = ?",
                [.text(claim), .text(Self.setupSetting), .text(setupHash)]),
            BoundStatement(
                """
                INSERT INTO admins (id, username, username_key, password_hash, created_ms)
                SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM settings WHERE name = ? AND value = ?)
                AND NOT EXISTS (SELECT 1 FROM admins) RETURNING id
                """,
                [
                    .text(admin.id), .text(admin.username), .text(Folding.fold(admin.username)),
                    .text(admin.passwordHash), SQLValue(admin.created), .text(Self.setupSetting), .text(claim),
                ]),
            BoundStatement(
                "DELETE FROM settings WHERE name = ? AND value = ?", [.text(Self.setupSetting), .text(claim)]),
        ])
        return !results[1].isEmpty
    }

    /// Every administrator's row is locked before the count is taken, so that two removals at once cannot both
    /// see another administrator left (on SQLite writes take turns anyway).
    public func deleteAdmin(id: String) async throws -> AdminRemoval {
        let results = try await database.write([
            BoundStatement("UPDATE admins SET created_ms = created_ms"),
            BoundStatement(
                "DELETE FROM sessions WHERE admin_id = ? AND (SELECT COUNT(*) FROM admins) > 1", [.text(id)]),
            BoundStatement(
                "DELETE FROM admins WHERE id = ? AND (SELECT COUNT(*) FROM admins) > 1 RETURNING id", [.text(id)]),
            BoundStatement("SELECT COUNT(*) FROM admins WHERE id = ?", [.text(id)]),
        ])
        if !results[2].isEmpty { return .removed }
        return results[3].first?.integer(0) == 1 ? .last : .notFound
    }

    public func insertSession(_ session: AdminSession) async throws {
        try await database.write(
            BoundStatement(
                "INSERT INTO sessions (\(Self.sessionColumns)) VALUES (?, ?, ?, ?, ?)",
                [
                    .text(session.hash), .text(session.adminID), .text(session.csrfToken), SQLValue(session.created),
                    SQLValue(session.expires),
                ]))
    }

    public func session(withHash hash: String) async throws -> AdminSession? {
        try await database.first(
            BoundStatement("SELECT \(Self.sessionColumns) FROM sessions WHERE hash = ?", [.text(hash)])
        ) { row in
            guard let hash = row.text(0), let admin = row.text(1), let csrf = row.text(2), let created = row.date(3),
                let expires = row.date(4)
            else { return nil }
            return AdminSession(hash: hash, adminID: admin, csrfToken: csrf, created: created, expires: expires)
        }
    }

    public func deleteSession(withHash hash: String) async throws {
        try await database.write(BoundStatement("DELETE FROM sessions WHERE hash = ?", [.text(hash)]))
    }

    public func deleteSessions(expiredBefore time: Date) async throws {
        try await database.write(BoundStatement("DELETE FROM sessions WHERE expires_ms < ?", [SQLValue(time)]))
    }

    public func setupSecretHash() async throws -> String? {
        try await database.first(
            BoundStatement("SELECT value FROM settings WHERE name = ?", [.text(Self.setupSetting)])
        ) { $0.text(0) }
    }

    public func setSetupSecretHash(_ hash: String?) async throws {
        guard let hash else {
            try await database.write(BoundStatement("DELETE FROM settings WHERE name = ?", [.text(Self.setupSetting)]))
            return
        }
        try await database.write(
            BoundStatement(
                """
                INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value
                """, [.text(Self.setupSetting), .text(hash)]))
    }

    public func sharedSecret(named name: String, candidate: String) async throws -> String {
        let setting = "secret:" + name
        try await database.write(
            BoundStatement(
                "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                [.text(setting), .text(candidate)]))
        return try await database.first(
            BoundStatement("SELECT value FROM settings WHERE name = ?", [.text(setting)])
        ) { $0.text(0) } ?? candidate
    }

    /// The table of setup links, alike on both dialects.
    public static let setupLinksSchema = [
        """
        CREATE TABLE setup_links (
            id TEXT PRIMARY KEY,
            org_pk BIGINT NOT NULL,
            secret_hash TEXT NOT NULL UNIQUE,
            created_ms BIGINT NOT NULL,
            expires_ms BIGINT NOT NULL,
            revoked_ms BIGINT,
            created_by TEXT NOT NULL,
            first_used_ms BIGINT,
            last_used_ms BIGINT,
            uses BIGINT NOT NULL DEFAULT 0
        )
        """,
        "CREATE INDEX setup_links_by_organization ON setup_links(org_pk, created_ms)",
    ]

    static let linkColumns =
        "id, org_pk, secret_hash, created_ms, expires_ms, revoked_ms, created_by, first_used_ms, last_used_ms, uses"

    public func insertSetupLink(_ link: SetupLink) async throws {
        try await database.write(
            BoundStatement(
                "INSERT INTO setup_links (\(Self.linkColumns)) VALUES (?, ?, ?, ?, ?, NULL, ?, NULL, NULL, 0)",
                [
                    .text(link.id), .integer(link.organization.rawValue), .text(link.secretHash),
                    SQLValue(link.created), SQLValue(link.expires), .text(link.createdBy),
                ]))
    }

    public func setupLinks(of organization: OrganizationKey) async throws -> [SetupLink] {
        try await database.rows(
            BoundStatement(
                "SELECT \(Self.linkColumns) FROM setup_links WHERE org_pk = ? ORDER BY created_ms DESC, id",
                [.integer(organization.rawValue)])
        ).compactMap(Self.link)
    }

    public func setupLink(withHash hash: String) async throws -> SetupLink? {
        try await database.first(
            BoundStatement("SELECT \(Self.linkColumns) FROM setup_links WHERE secret_hash = ?", [.text(hash)]),
            Self.link)
    }

    public func revokeSetupLink(id: String, of organization: OrganizationKey, at time: Date) async throws -> Bool {
        let results = try await database.write([
            BoundStatement(
                """
                UPDATE setup_links SET revoked_ms = COALESCE(revoked_ms, ?) WHERE id = ? AND org_pk = ? RETURNING id
                """, [SQLValue(time), .text(id), .integer(organization.rawValue)])
        ])
        return !results[0].isEmpty
    }

    public func recordSetupLinkUse(id: String, at time: Date) async throws {
        try await database.write(
            BoundStatement(
                """
                UPDATE setup_links SET uses = uses + 1, last_used_ms = ?, first_used_ms = COALESCE(first_used_ms, ?)
                WHERE id = ?
                """, [SQLValue(time), SQLValue(time), .text(id)]))
    }

    static func link(_ row: SQLRow) -> SetupLink? {
        guard let id = row.text(0), let organization = row.integer(1), let hash = row.text(2),
            let created = row.date(3), let expires = row.date(4), let creator = row.text(6)
        else { return nil }
        return SetupLink(
            id: id, organization: OrganizationKey(organization), secretHash: hash, created: created, expires: expires,
            revoked: row.date(5), createdBy: creator, firstUsed: row.date(7), lastUsed: row.date(8),
            uses: Int(row.integer(9) ?? 0))
    }

    static func admin(_ row: SQLRow) -> AdminAccount? {
        guard let id = row.text(0), let username = row.text(1), let hash = row.text(2), let created = row.date(3)
        else { return nil }
        return AdminAccount(id: id, username: username, passwordHash: hash, created: created)
    }
}
