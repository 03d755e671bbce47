import Crypto
import Directory
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RosterTestSupport
import SCIMCore
import Testing

/// The whole sign-in over HTTP, on both stores: the application's `/oauth/authorize` becomes an AuthnRequest to the
/// identity provider, its response (signed by signxml) is posted to the ACS URL, and the code it ends in is traded
/// at `/oauth/token` for an `id_token` and an access token for `/oauth/userinfo`. Each rule that keeps a sign-in
/// from being stolen or forged is a case: the browser binding, single-use codes, PKCE, exact redirect URIs, client
/// authentication.
///
/// Runs when `ROSTER_WEBHOOK_PYTHON` names a Python with signxml (CI sets it).
@Suite(.serialized) struct SignInFlowTests {
    static let redirect = "https://app.example.com/callback"

    /// A browser as far as the flow needs one: the sign-in cookie it holds.
    struct Browser {
        var cookie: String?
        /// The public URL is https: a `__Host-` cookie.
        var header: HTTPFields { cookie.map { [.cookie: "__Host-roster_signin=\($0)"] } ?? [:] }
    }

    struct Started {
        var relayState: String
        var location: String
        var browser: Browser
    }

    static func verifier() -> String { Secrets.random() + Secrets.random() }
    static func challenge(_ verifier: String) -> String {
        Base64URL.encode(Data(SHA256.hash(data: Data(verifier.utf8))))
    }

    static func query(_ url: String) -> [String: String] {
        var found: [String: String] = [:]
        for item in URLComponents(string: url)?.queryItems ?? [] { found[item.name] = item.value ?? "" }
        return found
    }

    static func execute(
        _ scim: SCIMClient, _ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields = [:], form: String? = nil
    ) async throws -> SCIMReply {
        var headers = headers
        if form != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        let response = try await scim.client.execute(
            uri: uri, method: method, headers: headers, body: form.map { ByteBuffer(string: $0) })
        let text = String(buffer: response.body)
        return SCIMReply(
            status: Int(response.status.code), headers: response.headers, text: text,
            json: try? JSON.parse(Array(text.utf8)))
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    static func form(_ fields: [(String, String)]) -> String {
        fields.map { "\($0)=\(encode($1))" }.joined(separator: "&")
    }

    /// `/oauth/authorize` for the application, returning where it sent the browser and the cookie it set.
    static func authorize(
        _ scim: SCIMClient, clientID: String, challenge: String, extra: [(String, String)] = [],
        repeating: String? = nil, browser: Browser = Browser()
    ) async throws -> (SCIMReply, Browser) {
        // `extra` replaces a default of the same name.
        let parameters =
            [
                ("response_type", "code"), ("client_id", clientID), ("redirect_uri", redirect),
                ("scope", "openid email profile"), ("state", "st-1"), ("nonce", "n-1"), ("code_challenge", challenge),
                ("code_challenge_method", "S256"),
            ].filter { name, _ in !extra.contains { $0.0 == name } } + extra
        let query = form(parameters) + (repeating.map { "&" + $0 } ?? "")
        let reply = try await execute(scim, .get, "/oauth/authorize?" + query, headers: browser.header)
        var browser = browser
        if let cookie = reply.headers[.setCookie], let value = cookie.split(separator: ";").first {
            #expect(value.hasPrefix("__Host-roster_signin="))
            #expect(cookie.contains("; Secure") && cookie.contains("SameSite=Lax") && cookie.contains("HttpOnly"))
            browser.cookie = String(value.drop { $0 != "=" }.dropFirst())
        }
        return (reply, browser)
    }

    static func start(_ scim: SCIMClient, clientID: String, challenge: String, organization: String) async throws
        -> Started
    {
        let (reply, browser) = try await authorize(
            scim, clientID: clientID, challenge: challenge, extra: [("organization", organization)])
        #expect(reply.status == 302, "\(reply.text)")
        let location = try #require(reply.headers[.location])
        return Started(
            relayState: try #require(query(location)["RelayState"]), location: location, browser: browser)
    }

    static func post(
        _ scim: SCIMClient, acs: String, response: Data, relayState: String?, browser: Browser,
        continued: Bool = true
    ) async throws -> SCIMReply {
        var fields = [("SAMLResponse", response.base64EncodedString())]
        if let relayState { fields.append(("RelayState", relayState)) }
        if continued { fields.append(("roster_continue", "1")) }
        return try await execute(
            scim, .post, URLComponents(string: acs)!.path, headers: browser.header, form: form(fields))
    }

    static func token(
        _ scim: SCIMClient, code: String, verifier: String, clientID: String, secret: String, post: Bool = false,
        both: Bool = false
    ) async throws -> SCIMReply {
        var fields = [
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirect),
            ("code_verifier", verifier),
        ]
        var headers: HTTPFields = [:]
        if post || both { fields += [("client_id", clientID), ("client_secret", secret)] }
        if !post || both {
            headers[.authorization] =
                "Basic " + Data("\(encode(clientID)):\(encode(secret))".utf8).base64EncodedString()
        }
        return try await execute(scim, .post, "/oauth/token", headers: headers, form: form(fields))
    }

    static func payload(_ jwt: String) throws -> JSONObject {
        let parts = jwt.split(separator: ".")
        #expect(parts.count == 3)
        let data = try #require(Base64URL.decode(parts[1]))
        return try #require(try JSON.parse(Array(data)).objectValue)
    }

    @Test(.enabled(if: SignInTests.python != nil || SignInTests.required))
    func anApplicationSignsAPersonInThroughTheIdentityProvider() async throws {
        try await TestServer.run { server, scim in
            let keys = FileManager.default.temporaryDirectory.appendingPathComponent("roster-idp-\(UUID())")
            defer { try? FileManager.default.removeItem(at: keys) }
            let organizations = server.services.organizations
            let home = try await organizations.list()[0]
            _ = try await organizations.setDomains(id: home.id, ["example.com"])
            let metadata = try await SignInTests.metadata(keys: keys)
            let connection = try await organizations.connections.add(
                organization: home.id, identityProvider: .metadata(metadata))
            let other = try await organizations.connections.add(
                organization: home.id, identityProvider: .metadata(metadata))
            let (app, secret) = try await organizations.applications.create(
                name: "Helpdesk", redirectURIs: [Self.redirect])
            let ann = try await scim.createUser("ann@example.com")
            _ = try await scim.createGroup("Support", members: [ann])

            // Discovery names every endpoint under the public URL.
            let discovery = try await scim.get("/.well-known/openid-configuration")
            #expect(discovery["issuer"] == .string(TestServer.publicURL))
            #expect(discovery["token_endpoint"] == .string(TestServer.publicURL + "/oauth/token"))
            #expect(discovery["code_challenge_methods_supported"] == .array(["S256"]))

            // Five sign-ins started; the identity provider answers each.
            let verifier = Self.verifier()
            let challenge = Self.challenge(verifier)
            var started: [Started] = []
            for _ in 0..<5 {
                started.append(
                    try await Self.start(scim, clientID: app.clientID, challenge: challenge, organization: home.id))
            }
            let first = started[0]
            #expect(first.location.hasPrefix("https://idp.example.com/sso/redirect?SAMLRequest="))
            #expect(first.browser.cookie?.count == 43)
            let urls = connection.urls(publicURL: TestServer.publicURL)
            let python = try #require(SignInTests.python)
            let out = try await SAMLIdentityProvider.write(
                python: python, acs: urls.acsURL, audience: urls.entityID, requestID: "_unused",
                options: ["--key-dir", keys.path, "--quick"] + started.flatMap { ["--answer", $0.relayState] })
            defer { try? FileManager.default.removeItem(at: out) }
            let answers = try SAMLIdentityProvider.files(in: out)
            let answer = { (index: Int) in try #require(answers["answer-" + started[index].relayState]) }

            // The identity provider's cross-site POST arrives without the Lax cookie: the page posts it again from
            // Roster's origin.
            let crossSite = try await Self.post(
                scim, acs: urls.acsURL, response: try answer(0), relayState: first.relayState, browser: Browser(),
                continued: false)
            #expect(crossSite.status == 200)
            #expect(crossSite.text.contains(#"name="roster_continue""#))
            #expect(crossSite.headers[.contentSecurityPolicy]?.contains("script-src 'nonce-") == true)

            let landed = try await Self.post(
                scim, acs: urls.acsURL, response: try answer(0), relayState: first.relayState, browser: first.browser)
            #expect(landed.status == 303, "\(landed.text)")
            let location = try #require(landed.headers[.location])
            #expect(location.hasPrefix(Self.redirect + "?code="))
            let back = Self.query(location)
            #expect(back["state"] == "st-1")
            #expect(back["iss"] == TestServer.publicURL)
            let code = try #require(back["code"])

            // A wrong verifier, then another client's secret, are refused without spending the code.
            let wrongVerifier = try await Self.token(
                scim, code: code, verifier: Self.verifier(), clientID: app.clientID, secret: secret)
            #expect(wrongVerifier.status == 400)
            #expect(wrongVerifier["error"] == "invalid_grant")
            let wrongSecret = try await Self.token(
                scim, code: code, verifier: verifier, clientID: app.clientID, secret: secret + "x")
            #expect(wrongSecret.status == 401)
            #expect(wrongSecret["error"] == "invalid_client")
            #expect(wrongSecret.headers[.wwwAuthenticate]?.hasPrefix("Basic") == true)
            let twoWays = try await Self.token(
                scim, code: code, verifier: verifier, clientID: app.clientID, secret: secret, both: true)
            #expect(twoWays["error"] == "invalid_request")

            let tokens = try await Self.token(
                scim, code: code, verifier: verifier, clientID: app.clientID, secret: secret)
            #expect(tokens.status == 200, "\(tokens.text)")
            #expect(tokens.headers[.cacheControl] == "no-store")
            #expect(tokens["token_type"] == "Bearer")
            let claims = try Self.payload(try #require(tokens["id_token"]?.stringValue))
            #expect(claims["sub"] == .string(ann))
            #expect(claims["aud"] == .string(app.clientID))
            #expect(claims["iss"] == .string(TestServer.publicURL))
            #expect(claims["nonce"] == "n-1")
            #expect(claims["email"] == "ann@example.com")
            #expect(claims["email_verified"] == true, "example.com is the organization's domain")
            #expect(claims["given_name"] == "Given")
            #expect(claims["family_name"] == "Family")
            #expect(claims["organization"] == .string(home.id))
            #expect(claims["groups"] == .array(["Support"]))
            let accessToken = try #require(tokens["access_token"]?.stringValue)
            let bearer: HTTPFields = [.authorization: "Bearer \(accessToken)"]
            let userinfo = try await Self.execute(scim, .get, "/oauth/userinfo", headers: bearer)
            #expect(userinfo.status == 200, "\(userinfo.text)")
            #expect(userinfo["sub"] == .string(ann))
            #expect(userinfo["email"] == "ann@example.com")

            // The code again: refused, and the access token it gave is taken back.
            let reused = try await Self.token(
                scim, code: code, verifier: verifier, clientID: app.clientID, secret: secret)
            #expect(reused.status == 400)
            #expect(reused["error"] == "invalid_grant")
            let revoked = try await Self.execute(scim, .get, "/oauth/userinfo", headers: bearer)
            #expect(revoked.status == 401)
            #expect(revoked.headers[.wwwAuthenticate]?.contains("invalid_token") == true)

            // The response again (a replay), now that its request is spent: refused.
            let replayed = try await Self.post(
                scim, acs: urls.acsURL, response: try answer(0), relayState: first.relayState, browser: first.browser)
            #expect(replayed.status == 403)
            #expect(replayed.text.contains("used already"), "\(replayed.text)")
            // A second answer to that sign-in (a new assertion): the sign-in has ended.
            let secondOut = try await SAMLIdentityProvider.write(
                python: python, acs: urls.acsURL, audience: urls.entityID, requestID: "_unused",
                options: ["--key-dir", keys.path, "--quick", "--answer", first.relayState])
            defer { try? FileManager.default.removeItem(at: secondOut) }
            let secondAnswer = try #require(try SAMLIdentityProvider.files(in: secondOut)["answer-" + first.relayState])
            let ended = try await Self.post(
                scim, acs: urls.acsURL, response: secondAnswer, relayState: first.relayState, browser: first.browser)
            #expect(ended.status == 403)
            #expect(ended.text.contains("has ended already"), "\(ended.text)")

            // A response posted by a browser that did not start the sign-in (login CSRF), or by one without the
            // cookie even after the repost: refused.
            let foreign = try await Self.post(
                scim, acs: urls.acsURL, response: try answer(1), relayState: started[1].relayState,
                browser: started[2].browser)
            #expect(foreign.status == 403)
            #expect(foreign.text.contains("another browser"), "\(foreign.text)")
            // ...and that did not spend the sign-in: its own browser finishes it.
            let own = try await Self.post(
                scim, acs: urls.acsURL, response: try answer(1), relayState: started[1].relayState,
                browser: started[1].browser)
            #expect(own.status == 303, "\(own.text)")
            let cookieless = try await Self.post(
                scim, acs: urls.acsURL, response: try answer(2), relayState: started[2].relayState,
                browser: Browser())
            #expect(cookieless.status == 403)

            // A response for this connection posted to another connection's ACS URL: refused.
            let elsewhere = try await Self.post(
                scim, acs: other.urls(publicURL: TestServer.publicURL).acsURL, response: try answer(3),
                relayState: started[3].relayState, browser: started[3].browser)
            #expect(elsewhere.status == 403)
            #expect(elsewhere.text.contains("another connection"), "\(elsewhere.text)")

            // client_secret_post works as well as Basic.
            let fifth = try await Self.post(
                scim, acs: urls.acsURL, response: try answer(4), relayState: started[4].relayState,
                browser: started[4].browser)
            let fifthLocation = try #require(fifth.headers[.location])
            let fifthCode = try #require(Self.query(fifthLocation)["code"])
            let posted = try await Self.token(
                scim, code: fifthCode, verifier: verifier, clientID: app.clientID, secret: secret, post: true)
            #expect(posted.status == 200, "\(posted.text)")

            // An identity provider that encrypts assertions to the key in the connection's metadata.
            let metadataReply = try await scim.get(URLComponents(string: urls.metadataURL)!.path)
            #expect(metadataReply.text.contains(#"<md:KeyDescriptor use="encryption">"#))
            let certificate = try await scim.get(URLComponents(string: urls.certificateURL)!.path)
            let stored = try #require(try await organizations.connections.connection(id: connection.id)?.spCertificate)
            #expect(certificate.text == stored)
            let certificateFile = keys.appendingPathComponent("sp.pem")
            try Data(stored.utf8).write(to: certificateFile)
            let sixth = try await Self.start(scim, clientID: app.clientID, challenge: challenge, organization: home.id)
            let encryptedOut = try await SAMLIdentityProvider.write(
                python: python, acs: urls.acsURL, audience: urls.entityID, requestID: "_unused",
                options: [
                    "--key-dir", keys.path, "--quick", "--answer", sixth.relayState, "--encrypt-cert",
                    certificateFile.path,
                ])
            defer { try? FileManager.default.removeItem(at: encryptedOut) }
            let encryptedAnswer = try #require(
                try SAMLIdentityProvider.files(in: encryptedOut)["answer-" + sixth.relayState])
            #expect(String(decoding: encryptedAnswer, as: UTF8.self).contains("EncryptedAssertion"))
            let encryptedLanding = try await Self.post(
                scim, acs: urls.acsURL, response: encryptedAnswer, relayState: sixth.relayState,
                browser: sixth.browser)
            #expect(encryptedLanding.status == 303, "\(encryptedLanding.text)")

            // The connection's status is its latest attempt; the activity log has each.
            let status = try #require(try await organizations.connections.connection(id: connection.id)?.lastAttempt)
            #expect(status.succeeded)
            #expect(status.text == "ann@example.com")
            // A response posted to the wrong ACS URL neither verified nor answered that connection's sign-in: it is not
            // that connection's status (anyone can post anything there).
            #expect(try await organizations.connections.connection(id: other.id)?.lastAttempt == nil)
        }
    }

    @Test func authorizationRequestsAreCheckedBeforeAnythingIsRedirected() async throws {
        try await TestServer.run { server, scim in
            let organizations = server.services.organizations
            let home = try await organizations.list()[0]
            _ = try await organizations.setDomains(id: home.id, ["example.com"])
            let bare = try await organizations.create(name: "Bare Corp", domains: ["bare.example"])
            let (app, _) = try await organizations.applications.create(name: "Helpdesk", redirectURIs: [Self.redirect])
            let challenge = Self.challenge(Self.verifier())

            // An unknown client, or a redirect URI not registered exactly: Roster's own page, no Location.
            let unknown = try await Self.authorize(scim, clientID: "app_nobody", challenge: challenge).0
            #expect(unknown.status == 400)
            #expect(unknown.headers[.location] == nil)
            for uri in [Self.redirect + "/", Self.redirect + "?x=1", "https://evil.example/callback"] {
                let reply = try await Self.execute(
                    scim, .get,
                    "/oauth/authorize?"
                        + Self.form([
                            ("response_type", "code"), ("client_id", app.clientID), ("redirect_uri", uri),
                            ("scope", "openid"), ("code_challenge", challenge), ("code_challenge_method", "S256"),
                        ]))
                #expect(reply.status == 400, "\(uri)")
                #expect(reply.headers[.location] == nil, "\(uri)")
                #expect(reply.text.contains("redirect URI"))
            }

            // Then errors go back to the application, with its state and Roster as the issuer.
            let cases: [([(String, String)], String)] = [
                ([("code_challenge_method", "plain")], "invalid_request"),
                ([("response_type", "token")], "unsupported_response_type"),
                ([("scope", "email")], "invalid_scope"),
                ([("prompt", "none")], "login_required"),
                ([("request", "eyJ9")], "request_not_supported"),
                ([("organization", bare.id)], "access_denied"),
                ([("organization", "no-such-organization")], "access_denied"),
                ([], "invalid_request"),
            ]
            for (extra, error) in cases {
                // The last case gives its state twice.
                let reply = try await Self.authorize(
                    scim, clientID: app.clientID, challenge: challenge, extra: extra,
                    repeating: extra.isEmpty ? "state=again" : nil
                ).0
                #expect(reply.status == 302, "\(extra)")
                let back = Self.query(try #require(reply.headers[.location]))
                #expect(back["error"] == error, "\(extra): \(back)")
                #expect(back["iss"] == TestServer.publicURL)
            }
            // Without PKCE at all.
            let noPKCE = try await Self.execute(
                scim, .get,
                "/oauth/authorize?"
                    + Self.form([
                        ("response_type", "code"), ("client_id", app.clientID), ("redirect_uri", Self.redirect),
                        ("scope", "openid"), ("state", "s"),
                    ]))
            let noPKCELocation = try #require(noPKCE.headers[.location])
            #expect(Self.query(noPKCELocation)["error"] == "invalid_request")

            // No organization named: the person is asked for their work email, and an address of no organization's
            // domain is said so.
            let ask = try await Self.authorize(scim, clientID: app.clientID, challenge: challenge).0
            #expect(ask.status == 200)
            #expect(ask.text.contains(#"name="login_hint""#))
            #expect(ask.text.contains(#"name="code_challenge" value="\#(challenge)""#))
            let nowhere = try await Self.authorize(
                scim, clientID: app.clientID, challenge: challenge, extra: [("login_hint", "ann@unknown.example")]
            ).0
            #expect(nowhere.status == 400)
            #expect(nowhere.text.contains("unknown.example"))
            let noConnection = try await Self.authorize(
                scim, clientID: app.clientID, challenge: challenge, extra: [("login_hint", "bob@bare.example")]
            ).0
            #expect(noConnection.text.contains("cannot sign in here"))
            #expect(!noConnection.text.contains("Bare Corp"), "a refusal names no organization")
            // Markup in what the application passed through is escaped on that page.
            let escaped = try await Self.authorize(
                scim, clientID: app.clientID, challenge: challenge, extra: [("nonce", "\"><script>alert(1)</script>")]
            ).0
            #expect(!escaped.text.contains("<script>alert(1)"))

            // The token and userinfo endpoints refuse what they do not know.
            let noClient = try await Self.execute(
                scim, .post, "/oauth/token", form: "grant_type=authorization_code&code=x")
            #expect(noClient.status == 401)
            #expect(noClient["error"] == "invalid_client")
            let noToken = try await Self.execute(scim, .get, "/oauth/userinfo", headers: [.authorization: "Bearer x"])
            #expect(noToken.status == 401)
        }
    }
}
