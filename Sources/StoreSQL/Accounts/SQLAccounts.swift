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

    static func admin(_ row: SQLRow) -> AdminAccount? {
        guard let id = row.text(0), let username = row.text(1), let hash = row.text(2), let created = row.date(3)
        else { return nil }
        return AdminAccount(id: id, username: username, passwordHash: hash, created: created)
    }
}
