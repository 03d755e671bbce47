import Crypto
import Foundation
import SAML
import SCIMCore
import Synchronization

extension Organizations {
    /// Roster as an OpenID Connect provider: how an application's sign-in starts, goes through an organization's
    /// identity provider and ends in an `id_token`.
    public var openID: OpenIDProvider { OpenIDProvider(context: context) }
}

/// An OAuth 2.0 error as the token and userinfo endpoints return it (RFC 6749 §5.2, RFC 6750 §3.1).
public struct OAuthError: Error, Sendable, Hashable, CustomStringConvertible {
    public var status: Int
    public var error: String
    public var description: String

    public init(_ error: String, _ description: String, status: Int = 400) {
        self.status = status
        self.error = error
        self.description = description
    }

    public var body: JSON { .object(["error": .string(error), "error_description": .string(description)]) }
}

/// Where `/oauth/authorize` goes next.
public enum AuthorizationStep: Sendable, Hashable {
    /// A page of Roster's own: the client or its redirect URI is not one Roster knows, so nothing is redirected.
    case page(status: Int, message: String)
    /// The browser goes here: the identity provider's sign-in, or the application's redirect URI with an error.
    case redirect(String)
    /// The person is asked for their work email, which names their organization; `message` says why the one they
    /// gave led nowhere.
    case askForEmail(application: String, message: String?)
}

/// The authorization code flow with PKCE, in front of SAML: `/oauth/authorize` starts a sign-in at the
/// organization's identity provider, the ACS URL ends it with a code for the application, `/oauth/token` trades the
/// code for an `id_token` and an access token, and `/oauth/userinfo` reads the person with that token.
public struct OpenIDProvider: Sendable {
    let context: DirectoryContext
    var store: any ConnectionStore { context.stores.connections }

    /// How long the identity provider may take: a person may have to type a password and a second factor.
    static let requestLifetime: TimeInterval = 10 * 60
    /// Codes are short-lived: the application redeems one at once.
    static let codeLifetime: TimeInterval = 60
    static let accessTokenLifetime: TimeInterval = 3600
    static let idTokenLifetime: TimeInterval = 3600
    /// The scopes Roster knows; others asked for are left out of the grant.
    static let scopes = ["openid", "email", "profile"]
    /// Bounds on what an application may pass through (`state`, `nonce`), which come back in URLs and tokens.
    static let maxEchoed = 1024
    static let noOrganization =
        "This organization does not sign in here (there is no such organization, or it has no single sign-on connection)."

    /// The issuer: the public URL, without a trailing slash.
    public var issuer: String {
        let url = context.publicURL
        return url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    /// `/.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §3).
    public func discovery() -> JSON {
        let issuer = issuer
        return .object([
            "issuer": .string(issuer),
            "authorization_endpoint": .string(issuer + "/oauth/authorize"),
            "token_endpoint": .string(issuer + "/oauth/token"),
            "userinfo_endpoint": .string(issuer + "/oauth/userinfo"),
            "jwks_uri": .string(issuer + "/.well-known/jwks.json"),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": .array(Self.scopes.map(JSON.string)),
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": [
                "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "email", "email_verified", "name",
                "given_name",
                "family_name", "preferred_username", "organization", "groups",
            ],
            "authorization_response_iss_parameter_supported": true,
            "request_parameter_supported": false,
            "request_uri_parameter_supported": false,
        ])
    }

    // MARK: Authorization

    /// Starts a sign-in for an application (OpenID Connect Core §3.1.2). `parameters` are the request's, with the
    /// names given more than once in `repeated`; `browser` is the secret of the cookie this browser will present
    /// at the ACS URL.
    public func authorize(_ parameters: [String: String], repeated: Set<String>, browser: String) async throws
        -> AuthorizationStep
    {
        // Until the client and its redirect URI are known, nothing may be redirected anywhere.
        guard let clientID = parameters["client_id"], !repeated.contains("client_id"),
            let application = try await context.stores.applications.application(clientID: clientID)
        else {
            return .page(status: 400, message: "The application that sent you here is not registered with Roster.")
        }
        guard let redirectURI = parameters["redirect_uri"], !repeated.contains("redirect_uri"),
            application.redirectURIs.contains(where: { SAMLText.same($0, redirectURI) })
        else {
            return .page(
                status: 400,
                message: "\(application.name) sent you here with a redirect URI it has not registered with Roster.")
        }
        let state = parameters["state"]
        let fail = { (error: String, description: String) -> AuthorizationStep in
            .redirect(
                Self.appending(
                    [
                        ("error", error), ("error_description", description), ("state", state),
                        ("iss", self.issuer),
                    ], to: redirectURI))
        }
        if let name = repeated.sorted().first { return fail("invalid_request", "\(name) is given more than once.") }
        if parameters["request"] != nil { return fail("request_not_supported", "Request objects are not supported.") }
        if parameters["request_uri"] != nil {
            return fail("request_uri_not_supported", "Request objects are not supported.")
        }
        guard parameters["response_type"] == "code" else {
            return fail(
                "unsupported_response_type", "Only the authorization code flow (response_type=code) is offered.")
        }
        let asked = (parameters["scope"] ?? "").split(separator: " ").map(String.init)
        guard asked.contains("openid") else { return fail("invalid_scope", "The scope must include openid.") }
        let scope = Self.scopes.filter(asked.contains).joined(separator: " ")
        guard let challenge = parameters["code_challenge"] else {
            return fail("invalid_request", "PKCE is required: send a code_challenge with code_challenge_method=S256.")
        }
        guard parameters["code_challenge_method"] == "S256" else {
            return fail("invalid_request", "code_challenge_method must be S256.")
        }
        guard Self.isPKCEValue(challenge, length: 43...43) else {
            return fail("invalid_request", "code_challenge must be a base64url SHA-256 (43 characters).")
        }
        if parameters["prompt"]?.split(separator: " ").contains("none") == true {
            return fail("login_required", "Signing in needs the identity provider's page.")
        }
        let nonce = parameters["nonce"]
        for (name, value) in [("state", state), ("nonce", nonce)] where (value?.utf8.count ?? 0) > Self.maxEchoed {
            return fail("invalid_request", "\(name) is longer than \(Self.maxEchoed) bytes.")
        }

        // Which organization: named by the application, or by the domain of the person's work email. Refusals name
        // no organization: they would tell anyone which companies use the application.
        let organization: Organization
        let notHere = { (domain: String) in
            "Addresses at \(domain) cannot sign in here with single sign-on. Check the address, or ask your IT administrator."
        }
        var domain = ""
        if let id = parameters["organization"] {
            guard id.utf8.count <= 64, let found = try await context.stores.organizations.organization(id: id) else {
                return fail("access_denied", Self.noOrganization)
            }
            organization = found
        } else if let hint = parameters["login_hint"], !hint.isEmpty {
            guard let email = Connections.address(hint) else {
                return .askForEmail(
                    application: application.name, message: "Enter an email address such as ann@example.com.")
            }
            domain = String(email.split(separator: "@")[1]).lowercased()
            guard
                let found = try await context.stores.organizations.organization(domain: domain)
            else { return .askForEmail(application: application.name, message: notHere(domain)) }
            organization = found
        } else {
            return .askForEmail(application: application.name, message: nil)
        }
        guard let connection = try await store.connections(of: organization.key).first else {
            if parameters["organization"] != nil { return fail("access_denied", Self.noOrganization) }
            return .askForEmail(application: application.name, message: notHere(domain))
        }

        let now = context.clock()
        let request = SignInRequest(
            id: AuthnRequest.newID(), connection: connection.id, application: application.id,
            redirectURI: redirectURI, scope: scope, state: state, nonce: nonce, codeChallenge: challenge,
            browserHash: Secrets.hash(browser), expires: now + Self.requestLifetime)
        try await store.insertSignInRequest(request, now: now)
        let urls = connection.urls(publicURL: context.publicURL)
        let authnRequest = AuthnRequest(
            id: request.id, issueInstant: now, issuer: urls.entityID, acsURL: urls.acsURL,
            destination: connection.idpSSOURL)
        return .redirect(authnRequest.redirectURL(relayState: request.id))
    }

    /// Ends a sign-in at a connection's ACS URL: the identity provider's response (base64, as posted) is accepted
    /// for the request this browser started (`relayState`, bound to `browser`, the cookie's secret), or as a
    /// sign-in started at the identity provider when the connection allows it. Returns where the browser goes:
    /// the application's redirect URI with a code. Refusals are `SignInRefusal`s, kept as the connection's status
    /// and in the activity log.
    public func finish(
        samlResponse: String, relayState: String?, connection id: String, browser: String?, requestID: String
    ) async throws -> String {
        guard let connection = try await Connections(context: context).connection(id: id) else {
            throw SignInRefusal(
                "There is no SAML connection \(SAMLText.quoted(id)); check the identity provider's ACS URL.")
        }
        var matched = false
        do {
            let (location, person) = try await finish(
                samlResponse, relayState, connection, browser, matched: &matched)
            await record(connection, requestID: requestID, person: person, refusal: nil)
            return location
        } catch let refusal as SignInRefusal {
            // Only a response the identity provider's key vouched for, or one answering a sign-in this browser
            // started, becomes the connection's status and a line of the activity log: anyone may post anything
            // to an ACS URL, to hide the real status or put their words before the administrator.
            if refusal.verified || matched {
                await record(connection, requestID: requestID, person: nil, refusal: refusal)
            }
            throw refusal
        }
    }

    private func finish(
        _ encoded: String, _ relayState: String?, _ connection: SAMLConnection, _ browser: String?,
        matched: inout Bool
    ) async throws -> (String, SignedInPerson) {
        let now = context.clock()
        let compact = encoded.utf8.filter { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        guard let xml = Data(base64Encoded: Data(compact)), !xml.isEmpty else {
            throw SignInRefusal("The identity provider's response is not base64 (SAMLResponse).", verified: false)
        }
        var started: SignInRequest?
        let browserHash = browser.map(Secrets.hash) ?? ""
        if let relayState, !relayState.isEmpty, relayState.utf8.count <= 80,
            let request = try await store.signInRequest(id: relayState)
        {
            guard request.connection == connection.id else {
                throw SignInRefusal(
                    "This response was posted to another connection's ACS URL than the sign-in's.", verified: false)
            }
            guard request.expires > now else {
                throw SignInRefusal("This sign-in took longer than 10 minutes; sign in again.", verified: false)
            }
            guard Secrets.matches(browserHash, request.browserHash) else {
                throw SignInRefusal(
                    "This sign-in was started in another browser, or this browser refused Roster's cookie; sign in again from the application.",
                    verified: false)
            }
            started = request
            matched = true
        }
        let admitted = try await Connections(context: context).admit(xml, on: connection, requestID: started?.id)

        let application: ApplicationRecord?
        var redirectURI: String
        if let request = started {
            application = try await context.stores.applications.application(id: request.application)
            redirectURI = request.redirectURI
        } else {
            // Started at the identity provider: the connection's application, at its first redirect URI, without
            // state or PKCE (no application started it).
            if let id = connection.idpInitiatedApplication {
                application = try await context.stores.applications.application(id: id)
            } else {
                application = nil
            }
            redirectURI = application?.redirectURIs.first ?? ""
        }
        guard let application, !redirectURI.isEmpty else {
            throw SignInRefusal("The application this sign-in was for is no longer registered.")
        }
        // One transaction records the assertion, spends the started sign-in (checked again in the statement that
        // spends it: whoever learns a RelayState cannot spend it for this browser) and keeps the code.
        let code = Secrets.random()
        let grant = AuthorizationGrant(
            codeHash: Secrets.hash(code), application: application.id, redirectURI: redirectURI,
            scope: started?.scope ?? Self.scopes.joined(separator: " "), organization: connection.organization,
            userID: admitted.person.userID, connection: connection.id, nonce: started?.nonce,
            codeChallenge: started?.codeChallenge, authTime: now, expires: now + Self.codeLifetime)
        switch try await store.finishSignIn(
            grant, request: started.map { ($0.id, browserHash) }, assertion: admitted.assertion,
            assertionUntil: admitted.until, now: now)
        {
        case .finished:
            break
        case .replayed:
            throw Connections.replayed
        case .requestGone:
            throw SignInRefusal("This sign-in has ended already; sign in again from the application.")
        }
        redirectURI = Self.appending([("code", code), ("state", started?.state), ("iss", issuer)], to: redirectURI)
        return (redirectURI, admitted.person)
    }

    /// The attempt becomes the connection's status and a line of the activity log.
    private func record(
        _ connection: SAMLConnection, requestID: String, person: SignedInPerson?, refusal: SignInRefusal?
    )
        async
    {
        let now = context.clock()
        let text = String((person.map(\.userName) ?? refusal?.description ?? "").prefix(500))
        // A status is a sentence for a person to read: a success like the last one within seconds is not written
        // again (at a thousand sign-ins a second it was a write each).
        let attempt = SignInAttempt(time: now, succeeded: refusal == nil, text: text)
        if !context.recentAttempts.isRepeat(attempt, connection: connection.id) {
            try? await store.recordAttempt(attempt, connection: connection.id)
        }
        context.activity.record(
            ActivityEvent(
                time: now, organization: connection.organization, requestID: requestID, client: "sign-in",
                method: "POST", path: "/sso/saml/\(connection.id)/acs", status: refusal == nil ? 303 : 403,
                resourceKind: person == nil ? nil : "User", resourceID: person?.userID,
                resourceName: person?.userName, changes: person?.created == true ? ["created just in time"] : [],
                detail: refusal?.description))
    }

    // MARK: Tokens

    /// `/oauth/token`: an authorization code traded once for an `id_token` and an access token. `authorization`
    /// is the request's `Authorization` header (`client_secret_basic`); `client_secret_post` sends the secret in
    /// `form`.
    public func token(_ form: [String: String], repeated: Set<String>, authorization: String?) async throws(OAuthError)
        -> JSON
    {
        do {
            return try await exchange(form, repeated: repeated, authorization: authorization)
        } catch let error as OAuthError {
            throw error
        } catch {
            throw OAuthError("server_error", "The sign-in could not be completed; try again.", status: 503)
        }
    }

    private func exchange(_ form: [String: String], repeated: Set<String>, authorization: String?) async throws
        -> JSON
    {
        let application = try await authenticateClient(form, authorization: authorization)
        if let name = repeated.sorted().first {
            throw OAuthError("invalid_request", "\(name) is given more than once.")
        }
        guard form["grant_type"] == "authorization_code" else {
            throw OAuthError("unsupported_grant_type", "Only grant_type=authorization_code is offered.")
        }
        guard let code = form["code"], !code.isEmpty, code.utf8.count <= 128 else {
            throw OAuthError("invalid_request", "The code is missing.")
        }
        let now = context.clock()
        let codeHash = Secrets.hash(code)
        // Redeemed in the one statement that checks it; only a code refused is read, to say why. A malformed
        // verifier is refused before.
        let sent = form["code_verifier"]
        let accessToken = Secrets.random()
        guard sent.map({ Self.isPKCEValue($0, length: 43...128) }) ?? true,
            let grant = try await store.redeemGrant(
                codeHash: codeHash, application: application.id, redirectURI: form["redirect_uri"],
                codeChallenge: sent.map { Base64URL.encode(Data(SHA256.hash(data: Data($0.utf8)))) },
                accessHash: Secrets.hash(accessToken), accessExpires: now + Self.accessTokenLifetime, at: now)
        else { throw try await refusal(of: codeHash, form, application: application, now: now) }
        guard let (user, organization) = try await person(of: grant) else {
            try await store.revokeGrant(codeHash: codeHash)
            throw OAuthError("invalid_grant", "The person who signed in is no longer active in the directory.")
        }

        var claims = Self.claims(of: user, in: organization, scope: grant.scope)
        claims["iss"] = .string(issuer)
        claims["aud"] = .string(application.clientID)
        claims["iat"] = .int(Int(now.timeIntervalSince1970))
        claims["exp"] = .int(Int((now + Self.idTokenLifetime).timeIntervalSince1970))
        claims["auth_time"] = .int(Int(grant.authTime.timeIntervalSince1970))
        if let nonce = grant.nonce { claims["nonce"] = .string(nonce) }
        let digest = Array(SHA256.hash(data: Data(accessToken.utf8)))
        claims["at_hash"] = .string(Base64URL.encode(Data(digest.prefix(16))))
        let idToken = try await context.signingKeys.signer().sign(claims: .object(claims), type: "JWT")
        return .object([
            "access_token": .string(accessToken), "token_type": "Bearer",
            "expires_in": .int(Int(Self.accessTokenLifetime)), "id_token": .string(idToken),
            "scope": .string(grant.scope),
        ])
    }

    /// Why a code was not redeemed. A code presented twice was stolen or replayed: the token it was redeemed for is
    /// taken back too.
    private func refusal(
        of codeHash: String, _ form: [String: String], application: ApplicationRecord, now: Date
    ) async throws -> OAuthError {
        guard let grant = try await store.grant(codeHash: codeHash), grant.application == application.id else {
            return OAuthError("invalid_grant", "The code is not one this application was given.")
        }
        guard !grant.redeemed else {
            try await store.revokeGrant(codeHash: codeHash)
            return OAuthError("invalid_grant", "The code was used already.")
        }
        guard grant.expires > now else { return OAuthError("invalid_grant", "The code has expired; sign in again.") }
        if form["redirect_uri"] != nil || grant.codeChallenge != nil {
            guard let uri = form["redirect_uri"], SAMLText.same(uri, grant.redirectURI) else {
                return OAuthError("invalid_grant", "redirect_uri is not the one the code was given to.")
            }
        }
        if grant.codeChallenge != nil {
            guard let verifier = form["code_verifier"], Self.isPKCEValue(verifier, length: 43...128) else {
                return OAuthError("invalid_request", "code_verifier is missing or malformed (RFC 7636 §4.1).")
            }
            return OAuthError("invalid_grant", "code_verifier does not match the code_challenge.")
        }
        if let sent = form["code_verifier"], !Self.isPKCEValue(sent, length: 43...128) {
            return OAuthError("invalid_request", "code_verifier is malformed (RFC 7636 §4.1).")
        }
        return OAuthError("invalid_grant", "The code was used already.")
    }

    /// The client, by `client_secret_basic` or `client_secret_post` (one of them, RFC 6749 §2.3.1).
    private func authenticateClient(_ form: [String: String], authorization: String?) async throws
        -> ApplicationRecord
    {
        let unauthorized = OAuthError("invalid_client", "The client id or secret is wrong.", status: 401)
        var credentials: (id: String, secret: String)?
        if let authorization, authorization.utf8.count < 1024 {
            guard authorization.lowercased().hasPrefix("basic "),
                let decoded = Data(base64Encoded: authorization.dropFirst(6).trimmingCharacters(in: .whitespaces)),
                let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":"),
                let id = String(text[..<colon]).removingPercentEncoding,
                let secret = String(text[text.index(after: colon)...]).removingPercentEncoding
            else { throw unauthorized }
            credentials = (id, secret)
        }
        if let id = form["client_id"], let secret = form["client_secret"] {
            guard credentials == nil else {
                throw OAuthError("invalid_request", "Authenticate the client one way: the Basic header or the form.")
            }
            credentials = (id, secret)
        }
        guard let credentials, credentials.secret.utf8.count <= 256,
            let application = try await context.stores.applications.application(clientID: credentials.id),
            Secrets.matches(Secrets.hash(credentials.secret), application.secretHash)
        else { throw unauthorized }
        if let id = form["client_id"], id != credentials.id {
            throw OAuthError("invalid_request", "client_id is not the client that authenticated.")
        }
        return application
    }

    /// `/oauth/userinfo`: the person an access token was issued for, as they are now.
    public func userinfo(authorization: String?) async throws(OAuthError) -> JSON {
        let invalid = OAuthError("invalid_token", "The access token is missing, expired or revoked.", status: 401)
        guard let authorization, authorization.utf8.count < 512, authorization.lowercased().hasPrefix("bearer ")
        else { throw invalid }
        let token = authorization.dropFirst(7).trimmingCharacters(in: .whitespaces)
        do {
            guard let grant = try await store.grant(accessHash: Secrets.hash(token), now: context.clock()),
                try await context.stores.applications.application(id: grant.application) != nil,
                let (user, organization) = try await person(of: grant)
            else { throw invalid }
            return .object(Self.claims(of: user, in: organization, scope: grant.scope))
        } catch let error as OAuthError {
            throw error
        } catch {
            throw OAuthError("server_error", "The person could not be read; try again.", status: 503)
        }
    }

    /// The grant's person as the directory holds them now, while they are active.
    private func person(of grant: AuthorizationGrant) async throws -> (JSONObject, Organization)? {
        guard let organization = try await context.stores.organizations.organization(key: grant.organization) else {
            return nil
        }
        let directory = Directory(context: context, organization: organization.key)
        let user: JSONObject
        do {
            user = try await directory.get(.user, id: grant.userID).representation
        } catch let error as SCIMError where error.status == 404 {
            return nil
        }
        guard user["active"]?.boolValue ?? true else { return nil }
        return (user, organization)
    }

    /// What the application is told of a person: `sub` (the SCIM id), the organization and the person's groups
    /// always; names with the `profile` scope, the address with `email`.
    static func claims(of user: JSONObject, in organization: Organization, scope: String) -> JSONObject {
        let scopes = Set(scope.split(separator: " ").map(String.init))
        var claims: JSONObject = [
            "sub": user["id"] ?? .null, "organization": .string(organization.id),
            "groups": .array((user["groups"]?.arrayValue ?? []).compactMap { $0["display"] }),
        ]
        if scopes.contains("email"), let email = Connections.primaryEmail(user) ?? user["userName"]?.stringValue {
            claims["email"] = .string(email)
            // Verified only in one of the organization's own domains: any organization's identity provider may
            // provision any address, so elsewhere the address proves nothing (key people on `sub`).
            let domain = email.split(separator: "@").last.map { $0.lowercased() } ?? ""
            claims["email_verified"] = .bool(email.contains("@") && organization.domains.contains(domain))
        }
        if scopes.contains("profile") {
            let name = user["name"]?.objectValue
            claims["preferred_username"] = user["userName"]
            if let given = name?["givenName"] { claims["given_name"] = given }
            if let family = name?["familyName"] { claims["family_name"] = family }
            let whole =
                user["displayName"]?.stringValue ?? name?["formatted"]?.stringValue
                ?? [name?["givenName"]?.stringValue, name?["familyName"]?.stringValue].compactMap { $0 }
                .joined(separator: " ")
            if !whole.isEmpty { claims["name"] = .string(whole) }
        }
        return claims
    }

    // MARK: Helpers

    /// A PKCE verifier or challenge: unreserved characters only (RFC 7636 §4.1).
    static func isPKCEValue(_ text: String, length: ClosedRange<Int>) -> Bool {
        length.contains(text.utf8.count)
            && text.utf8.allSatisfy {
                ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A)
                    || $0 == 0x2D || $0 == 0x2E || $0 == 0x5F || $0 == 0x7E
            }
    }

    /// Every byte but RFC 3986's unreserved ASCII percent-encoded: a query value or a path segment.
    public static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// `uri` with the parameters given (nil ones left out) added to its query.
    static func appending(_ parameters: [(String, String?)], to uri: String) -> String {
        let query = parameters.compactMap { name, value in value.map { "\(name)=\(Self.percentEncoded($0))" } }
            .joined(separator: "&")
        return uri + (uri.contains("?") ? "&" : "?") + query
    }
}
