import Foundation
import SCIMCore

/// The organization's SCIM tokens. Every change applies on this instance at once (the authenticator forgets what
/// it cached) and on other instances within the authenticator's cache lifetime.
extension Directory {
    var tokenStore: any TokenStore { context.stores.tokens }

    /// Creates a token; the secret is returned once and never stored.
    public func createToken(description: String, status: TokenStatus) async throws -> (
        secret: String, record: TokenRecord
    ) {
        guard !DisplayText.isDeceptive(description) else {
            throw SCIMError.invalidValue(
                "A token's description must not contain control characters or text-direction overrides.")
        }
        let token = TokenSecret.generate(
            description: description, status: status, id: newID(), organization: organization, now: clock())
        try await tokenStore.insertToken(token.record)
        context.authenticator.invalidate()
        return token
    }

    /// The organization's tokens, newest first.
    public func tokens() async throws -> [TokenRecord] {
        try await tokenStore.tokens(in: organization)
    }

    /// One of the organization's tokens; another organization's is not found, exactly as one that never existed.
    public func token(id: String) async throws -> TokenRecord {
        guard let token = try await tokenStore.token(id: id), token.organization == organization else {
            throw Self.noToken(id)
        }
        return token
    }

    public func setTokenStatus(id: String, to status: TokenStatus) async throws {
        guard try await tokenStore.setTokenStatus(id: id, status: status, in: organization) else {
            throw Self.noToken(id)
        }
        context.authenticator.invalidate()
    }

    /// Gives a token a new secret, returned once; the old one stops working.
    public func regenerateToken(id: String) async throws -> String {
        let fresh = TokenSecret.generate(
            description: "", status: .active, id: id, organization: organization, now: clock())
        guard
            try await tokenStore.replaceTokenSecret(
                id: id, hash: fresh.record.hash, prefix: fresh.record.prefix, in: organization)
        else { throw Self.noToken(id) }
        context.authenticator.invalidate()
        return fresh.secret
    }

    public func deleteToken(id: String) async throws {
        guard try await tokenStore.deleteToken(id: id, in: organization) else { throw Self.noToken(id) }
        context.authenticator.invalidate()
    }

    static func noToken(_ id: String) -> SCIMError {
        .notFound("There is no token \(id); it may have been deleted.")
    }
}
