import Foundation

extension Directory {
    /// Creates a token; the secret is returned once and never stored.
    public func createToken(description: String, status: TokenStatus) async throws -> (
        secret: String, record: TokenRecord
    ) {
        let token = TokenSecret.generate(description: description, status: status, id: newID(), now: clock())
        try await store.insertToken(token.record)
        return token
    }
}

extension Directory {
    /// Gives a token a new secret, returned once; the old one stops working. Nil when there is no such token.
    public func regenerateToken(id: String) async throws -> String? {
        let fresh = TokenSecret.generate(description: "", status: .active, id: id, now: clock())
        guard try await store.replaceTokenSecret(id: id, hash: fresh.record.hash, prefix: fresh.record.prefix) else {
            return nil
        }
        return fresh.secret
    }
}
