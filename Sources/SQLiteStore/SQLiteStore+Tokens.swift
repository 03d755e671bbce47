import Directory
import Foundation
import GRDB

extension SQLiteStore {
    public func insertToken(_ token: TokenRecord) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO tokens (id, description, status, hash, prefix, created_ms, last_used_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    token.id, token.description, token.status.rawValue, token.hash, token.prefix,
                    token.created.milliseconds, token.lastUsed?.milliseconds,
                ])
        }
    }

    public func token(withHash hash: String) async throws -> TokenRecord? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM tokens WHERE hash = ?", arguments: [hash]).map(Self.token)
        }
    }

    public func tokens() async throws -> [TokenRecord] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM tokens ORDER BY created_ms, id").map(Self.token)
        }
    }

    public func setTokenStatus(id: String, status: TokenStatus) async throws -> Bool {
        try await database.write { db in
            try db.execute(sql: "UPDATE tokens SET status = ? WHERE id = ?", arguments: [status.rawValue, id])
            return db.changesCount > 0
        }
    }

    public func deleteToken(id: String) async throws -> Bool {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM tokens WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    public func recordTokenUse(id: String, at time: Date) async throws {
        try await database.write { db in
            try db.execute(sql: "UPDATE tokens SET last_used_ms = ? WHERE id = ?", arguments: [time.milliseconds, id])
        }
    }

    static func token(_ row: Row) -> TokenRecord {
        TokenRecord(
            id: row["id"], description: row["description"],
            status: TokenStatus(rawValue: row["status"]) ?? .inactive, hash: row["hash"], prefix: row["prefix"],
            created: Date(milliseconds: row["created_ms"]),
            lastUsed: (row["last_used_ms"] as Int64?).map(Date.init(milliseconds:)))
    }
}
