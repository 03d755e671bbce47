import Foundation

/// SCIM tokens: their hashes, never their secrets. Each belongs to one organization, and a change names it.
public protocol TokenStore: Sendable {
    func insertToken(_ token: TokenRecord) async throws
    /// The token whose secret hashes to `hash`, in whichever organization.
    func token(withHash hash: String) async throws -> TokenRecord?
    /// A token by id, in whichever organization; callers check it is one they may see.
    func token(id: String) async throws -> TokenRecord?
    /// The tokens of one organization, or of all when nil, newest first.
    func tokens(in organization: OrganizationKey?) async throws -> [TokenRecord]
    func setTokenStatus(id: String, status: TokenStatus, in organization: OrganizationKey) async throws -> Bool
    /// Gives a token a new secret (its hash and prefix); false when there is no such token.
    func replaceTokenSecret(id: String, hash: String, prefix: String, in organization: OrganizationKey)
        async throws -> Bool
    func deleteToken(id: String, in organization: OrganizationKey) async throws -> Bool
    func recordTokenUse(id: String, at time: Date) async throws
}
