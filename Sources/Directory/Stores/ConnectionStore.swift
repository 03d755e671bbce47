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

/// How `finishSignIn` ended.
public enum SignInFinish: Sendable, Hashable {
    /// The grant is kept: the code may be handed to the application.
    case finished
    /// The assertion was used already; nothing was written.
    case replayed
    /// The started sign-in was ended already, or is no longer this connection's, unexpired and this browser's; no
    /// grant was kept.
    case requestGone
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
    /// Ends a sign-in in one transaction: the assertion (`assertion`, kept until `assertionUntil`; nil when it was
    /// recorded already) recorded as used, and the code's grant kept. With a started sign-in (`request`), the
    /// grant takes its application, redirect URI, scope, nonce and PKCE challenge from it, and is kept only while
    /// it is this connection's, unexpired and this browser's (its `browserHash`), and only once: a grant names the
    /// request it ended.
    func finishSignIn(
        _ grant: AuthorizationGrant, request: (id: String, browserHash: String)?, assertion: String?,
        assertionUntil: Date, now: Date
    ) async throws -> SignInFinish
    /// Deletes expired sign-ins, grants and replay records.
    func pruneSignIns(now: Date) async throws
    func grant(codeHash: String) async throws -> AuthorizationGrant?
    /// Redeems a code in one statement, only if it is `application`'s, unredeemed, unexpired, given to
    /// `redirectURI` (which may be left out only when the code has no PKCE challenge) and, when it has one,
    /// answered by `codeChallenge` (the S256 of the verifier sent, nil when none was); gives it its access token.
    /// Nil when any of that fails: read the grant to say why.
    func redeemGrant(
        codeHash: String, application: String, redirectURI: String?, codeChallenge: String?, accessHash: String,
        accessExpires: Date, at time: Date
    ) async throws -> AuthorizationGrant?
    /// Takes back the access token a code was redeemed for (the code was presented twice).
    func revokeGrant(codeHash: String) async throws
    /// The grant an unexpired access token was issued from.
    func grant(accessHash: String, now: Date) async throws -> AuthorizationGrant?
}
