import Foundation

/// The SAML connections organizations sign in through, and the sign-ins under way through them.
public protocol ConnectionStore: ReplayStore, SignInFlowStore {
    func insertConnection(_ connection: SAMLConnection) async throws
    /// Every connection, or one organization's, in the order they were made.
    func connections(of organization: OrganizationKey?) async throws -> [SAMLConnection]
    func connection(id: String) async throws -> SAMLConnection?
    /// False when there is no such connection.
    func deleteConnection(id: String) async throws -> Bool
    /// Takes what a fetch of a connection's metadata found (nil values: keep the old ones) and when it was fetched,
    /// and why that failed.
    func updateIdentityProvider(
        connection: String, ssoURL: String?, certificates: [String]?, checked: Date, error: String?) async throws
    /// Gives a connection its encryption key pair, unless it has one already.
    func setServiceProviderKey(connection: String, privateKeyPEM: String, certificatePEM: String) async throws
    /// Keeps the outcome of a connection's latest sign-in attempt, for its status.
    func recordAttempt(_ attempt: SignInAttempt, connection: String) async throws
}

/// Assertions already accepted, shared by every instance: each Assertion ID signs in once.
public protocol ReplayStore: Sendable {
    /// Records an assertion as used until `until`; false when it was used already (a replay).
    func recordAssertion(id: String, connection: String, until: Date, now: Date) async throws -> Bool
}

/// The sign-ins applications started (waiting for the identity provider), and the codes and access tokens they
/// ended in, shared by every instance.
public protocol SignInFlowStore: Sendable {
    /// Keeps a started sign-in.
    func insertSignInRequest(_ request: SignInRequest, now: Date) async throws
    func signInRequest(id: String) async throws -> SignInRequest?
    /// Removes and returns a started sign-in, only if it is this connection's, unexpired and this browser's: each
    /// is answered once, and nobody else can spend it.
    func takeSignInRequest(id: String, connection: String, browserHash: String, now: Date) async throws
        -> SignInRequest?
    /// Deletes expired sign-ins, grants and replay records.
    func pruneSignIns(now: Date) async throws
    /// Keeps an authorization code (by its hash).
    func insertGrant(_ grant: AuthorizationGrant, now: Date) async throws
    func grant(codeHash: String) async throws -> AuthorizationGrant?
    /// Marks a code redeemed and gives it its access token; false when it was redeemed already (by a racing
    /// request).
    func redeemGrant(codeHash: String, accessHash: String, accessExpires: Date, at time: Date) async throws -> Bool
    /// Takes back the access token a code was redeemed for (the code was presented twice).
    func revokeGrant(codeHash: String) async throws
    /// The grant an unexpired access token was issued from.
    func grant(accessHash: String, now: Date) async throws -> AuthorizationGrant?
}
