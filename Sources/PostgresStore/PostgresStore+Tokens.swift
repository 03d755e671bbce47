import Directory
import Foundation
import PostgresNIO
import StoreSQL

extension PostgresStore {
    public func insertToken(_ token: TokenRecord) async throws {
        try await run(
            SQL(
                "INSERT INTO tokens (id, description, status, hash, prefix, created_ms, last_used_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    .text(token.id), .text(token.description), .text(token.status.rawValue), .text(token.hash),
                    .text(token.prefix), .integer(token.created.milliseconds), SQLValue(token.lastUsed?.milliseconds),
                ]))
    }

    public func token(withHash hash: String) async throws -> TokenRecord? {
        try await tokens(where: "hash = ?", [.text(hash)]).first
    }

    public func tokens() async throws -> [TokenRecord] {
        try await tokens(where: "TRUE", [])
    }

    private func tokens(where condition: String, _ values: [SQLValue]) async throws -> [TokenRecord] {
        let sql = SQL(
            "SELECT id, description, status, hash, prefix, created_ms, last_used_ms FROM tokens WHERE \(condition) ORDER BY created_ms, id",
            values)
        var result: [TokenRecord] = []
        for try await (id, description, status, hash, prefix, created, lastUsed) in try await run(sql)
            .decode((String, String, String, String, String, Int64, Int64?).self)
        {
            result.append(
                TokenRecord(
                    id: id, description: description, status: TokenStatus(rawValue: status) ?? .inactive, hash: hash,
                    prefix: prefix, created: Date(milliseconds: created),
                    lastUsed: lastUsed.map(Date.init(milliseconds:))))
        }
        return result
    }

    public func setTokenStatus(id: String, status: TokenStatus) async throws -> Bool {
        try await changed(
            SQL("UPDATE tokens SET status = ? WHERE id = ? RETURNING id", [.text(status.rawValue), .text(id)]))
    }

    public func deleteToken(id: String) async throws -> Bool {
        try await changed(SQL("DELETE FROM tokens WHERE id = ? RETURNING id", [.text(id)]))
    }

    public func recordTokenUse(id: String, at time: Date) async throws {
        try await run(SQL("UPDATE tokens SET last_used_ms = ? WHERE id = ?", [.integer(time.milliseconds), .text(id)]))
    }

    private func changed(_ sql: SQL) async throws -> Bool {
        var count = 0
        for try await _ in try await run(sql).decode(String.self) { count += 1 }
        return count > 0
    }
}
