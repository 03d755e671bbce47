import Foundation
import Synchronization

/// A sign-in an application started at `/oauth/authorize`, waiting for the identity provider's response. Its id
/// is the AuthnRequest's ID and the RelayState; it is bound to the browser that started it by the hash of a
/// cookie only that browser holds.
public struct SignInRequest: Sendable, Hashable {
    public var id: String
    public var connection: String
    public var application: String
    public var redirectURI: String
    public var scope: String
    public var state: String?
    public var nonce: String?
    /// The PKCE challenge (S256).
    public var codeChallenge: String
    public var browserHash: String
    public var expires: Date

    public init(
        id: String, connection: String, application: String, redirectURI: String, scope: String, state: String?,
        nonce: String?, codeChallenge: String, browserHash: String, expires: Date
    ) {
        self.id = id
        self.connection = connection
        self.application = application
        self.redirectURI = redirectURI
        self.scope = scope
        self.state = state
        self.nonce = nonce
        self.codeChallenge = codeChallenge
        self.browserHash = browserHash
        self.expires = expires
    }
}

/// What an authorization code stands for: who signed in, for which application and redirect URI, and, once
/// redeemed, the access token it was exchanged for. Only hashes of the code and the token are kept.
public struct AuthorizationGrant: Sendable, Hashable {
    public var codeHash: String
    public var application: String
    public var redirectURI: String
    public var scope: String
    public var organization: OrganizationKey
    public var userID: String
    public var connection: String
    public var nonce: String?
    /// Nil for a sign-in started at the identity provider, which no application's PKCE started.
    public var codeChallenge: String?
    public var authTime: Date
    public var expires: Date
    public var redeemed: Bool

    public init(
        codeHash: String, application: String, redirectURI: String, scope: String, organization: OrganizationKey,
        userID: String, connection: String, nonce: String?, codeChallenge: String?, authTime: Date, expires: Date,
        redeemed: Bool = false
    ) {
        self.codeHash = codeHash
        self.application = application
        self.redirectURI = redirectURI
        self.scope = scope
        self.organization = organization
        self.userID = userID
        self.connection = connection
        self.nonce = nonce
        self.codeChallenge = codeChallenge
        self.authTime = authTime
        self.expires = expires
        self.redeemed = redeemed
    }
}

/// The latest sign-in attempt at a connection: when, and who signed in or why they were refused, in words.
public struct SignInAttempt: Sendable, Hashable {
    public var time: Date
    public var succeeded: Bool
    /// The person's userName, or the refusal's sentence.
    public var text: String

    public init(time: Date, succeeded: Bool, text: String) {
        self.time = time
        self.succeeded = succeeded
        self.text = text
    }
}

/// The sign-in statuses this instance wrote lately, by connection: a success within ten seconds of a success
/// already written is not written again (the time shown may then be up to ten seconds old). Refusals and changes
/// of outcome are always written.
final class RecentAttempts: Sendable {
    private let written = Mutex<[String: Date]>([:])

    func isRepeat(_ attempt: SignInAttempt, connection: String) -> Bool {
        written.withLock { written in
            guard attempt.succeeded else {
                written[connection] = nil
                return false
            }
            if let last = written[connection], attempt.time.timeIntervalSince(last) < 10 { return true }
            if written.count > 10_000 { written.removeAll() }
            written[connection] = attempt.time
            return false
        }
    }
}
