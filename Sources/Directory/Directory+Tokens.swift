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
