import Admin
import App
import Directory
import Foundation
import HTTPTypes
import SCIMHTTP
import Testing

/// The console's doors: the one-time setup link, sign-in, sessions, CSRF and the headers every page carries.
@Suite struct ConsoleAccessTests {
    static let pages = [
        "/admin", "/admin/tokens", "/admin/tokens/new", "/admin/people", "/admin/groups", "/admin/activity",
        "/admin/connect/okta", "/admin/connect/entra", "/admin/administrators", "/admin/people/x", "/admin/groups/x",
        "/admin/tokens/x", "/admin/organizations", "/admin/organizations/x", "/admin/activity/1", "/admin/o/x/people",
        "/admin/tokens/x/regenerate", "/admin/fields",
    ]

    @Test func everyPageNeedsASession() async throws {
        try await TestServer.run { _, scim in
            let browser = ConsoleClient(scim.client)
            for path in Self.pages {
                let page = try await browser.get(path)
                // Sign-in returns to the page asked for.
                let returnsTo = page.location.flatMap { URLComponents(string: $0)?.queryItems?.first?.value }
                #expect(page.status == 303 && page.location?.hasPrefix("/admin/sign-in") == true, "\(path)")
                #expect(returnsTo == (path == "/admin" ? nil : path), "\(path): \(page.location ?? "")")
            }
            let post = try await browser.post("/admin/tokens", ["description": "Okta", "status": "active"])
            #expect(post.status == 303 && post.location == "/admin/sign-in")
            #expect(try await scim.client.execute(uri: "/admin/nowhere", method: .get).status == .seeOther)
        }
    }

    @Test func setupLinkCreatesTheFirstAdministratorOnce() async throws {
        try await TestServer.run { server, scim in
            let accounts = server.services.accounts
            let browser = ConsoleClient(scim.client)
            #expect(try await browser.get("/admin/sign-in").status == 404)
            let first = try #require(try await accounts.prepareSetup())
            let secret = try #require(try await accounts.prepareSetup())
            #expect(try await browser.get("/admin/setup?token=\(first)").status == 403, "a newer link replaces the old")
            #expect(try await browser.get("/admin/setup?token=wrong").status == 403)
            let form = try await browser.get("/admin/setup?token=\(secret)")
            #expect(form.status == 200 && form.contains("Create the first administrator"))
            #expect(browser.cookie("roster_csrf") != nil)

            let forged = try await browser.post(
                "/admin/setup",
                ["setupToken": secret, "username": "ada", "password": "long enough pw", "confirm": "long enough pw"],
                csrf: "forged")
            #expect(forged.status == 403)
            let mismatch = try await browser.post(
                "/admin/setup",
                ["setupToken": secret, "username": "ada", "password": "long enough pw", "confirm": "other"])
            #expect(mismatch.status == 400 && mismatch.contains("The two passwords differ."))
            let short = try await browser.post(
                "/admin/setup", ["setupToken": secret, "username": "ada", "password": "short", "confirm": "short"])
            #expect(short.status == 400 && short.contains("at least 10 characters"))
            #expect(try await server.store.accounts.adminCount() == 0)

            let created = try await browser.post(
                "/admin/setup",
                ["setupToken": secret, "username": "ada", "password": "long enough pw", "confirm": "long enough pw"])
            #expect(created.status == 303 && created.location == "/admin")
            #expect(browser.cookie("roster_session") != nil)
            let overview = try await browser.get("/admin")
            #expect(overview.status == 200 && overview.contains("Overview") && overview.contains("ada"))
            #expect(try await server.store.accounts.adminCount() == 1)
            #expect(try await accounts.prepareSetup() == nil)
            #expect(try await browser.get("/admin/setup?token=\(secret)").location == "/admin/sign-in")
        }
    }

    /// Security review: a wrong password and an unknown name get the same answer; failures are throttled.
    @Test func signInRevealsNothingAndIsThrottled() async throws {
        try await TestServer.run(configure: ThrottlingTests.stopped) { server, scim in
            _ = try await server.services.accounts.create(username: "Ada", password: "correct horse battery")
            let browser = ConsoleClient(scim.client)
            _ = try await browser.get("/admin/sign-in")
            let wrong = try await browser.post("/admin/sign-in", ["username": "ada", "password": "wrong password"])
            let unknown = try await browser.post("/admin/sign-in", ["username": "bob", "password": "wrong password"])
            #expect(wrong.status == 401 && unknown.status == 401)
            #expect(wrong.contains("Incorrect name or password.") && unknown.contains("Incorrect name or password."))
            #expect(browser.cookie("roster_session") == nil)
            // Ten failures a minute, the throttles' clock stopped: the eleventh failure from this address starts the
            // lockout, and the attempt after it is refused.
            var statuses: [Int] = []
            while statuses.last != 429 && statuses.count < 24 {
                statuses.append(
                    try await browser.post("/admin/sign-in", ["username": "ada", "password": "nope nope"]).status)
            }
            #expect(statuses == Array(repeating: 401, count: 9) + [429], "\(statuses)")
            let locked = try await browser.post(
                "/admin/sign-in", ["username": "ada", "password": "correct horse battery"])
            #expect(
                locked.status == 429 && locked.headers[.retryAfter] != nil, "a lockout holds for the right password too"
            )
        }
    }

    /// The probe that blocked every sign-in: once one name is throttled, parallel guesses at it used to hold the
    /// password-check slots. Behind a trusted proxy each guess comes from its own address; another administrator
    /// signing in meanwhile is never refused, and one locked-out address locks out no other.
    @Test func guessesAtOneNameNeverBlockAnotherNamesSignIn() async throws {
        try await TestServer.run(trustedProxies: [AddressRange("127.0.0.0/8")!], configure: ThrottlingTests.stopped) {
            server, scim in
            for name in ["ada", "bob"] {
                _ = try await server.services.accounts.create(username: name, password: "correct horse battery")
            }
            @Sendable func attempt(_ name: String, _ password: String, from address: String) async throws -> Int {
                let browser = ConsoleClient(scim.client)
                let from: HTTPFields = [HTTPField.Name("X-Forwarded-For")!: address]
                _ = try await browser.get("/admin/sign-in", headers: from)
                return try await browser.post(
                    "/admin/sign-in", ["username": name, "password": password], headers: from
                ).status
            }
            for index in 0..<12 {
                #expect(try await attempt("ada", "guess \(index)", from: "203.0.113.\(index)") == 401)
            }
            let (guesses, bob) = try await withThrowingTaskGroup(of: (String, Int).self) { group in
                for index in 0..<8 {
                    group.addTask { ("ada", try await attempt("ada", "guess", from: "198.51.100.\(index)")) }
                }
                group.addTask {
                    try await Task.sleep(for: .milliseconds(200))
                    return ("bob", try await attempt("bob", "correct horse battery", from: "192.0.2.1"))
                }
                let all = try await group.reduce(into: [(String, Int)]()) { $0.append($1) }
                return (all.filter { $0.0 == "ada" }.map(\.1), all.first { $0.0 == "bob" }?.1)
            }
            #expect(bob == 303, "another name signs in while one is guessed at: \(guesses)")
            #expect(guesses.allSatisfy { $0 == 401 || $0 == 429 })
            #expect(try await attempt("ada", "correct horse battery", from: "192.0.2.2") == 303, "slowed, not locked")

            // The throttles' clock stopped: the eleventh failure from one address locks it out.
            var statuses: [Int] = []
            for index in 0..<30 where statuses.last != 429 {
                statuses.append(try await attempt("bob", "wrong \(index)", from: "192.0.2.66"))
            }
            #expect(statuses.count == 12 && statuses.last == 429, "\(statuses)")
            #expect(try await attempt("bob", "correct horse battery", from: "192.0.2.66") == 429)
            #expect(try await attempt("bob", "correct horse battery", from: "192.0.2.67") == 303)
        }
    }

    /// Session fixation: signing in always issues a new session id, and signing out ends it on the server.
    @Test func signInIssuesAFreshSessionAndSignOutEndsIt() async throws {
        try await TestServer.run { server, scim in
            let browser = ConsoleClient(scim.client)
            browser.setCookie("roster_session", "planted-by-an-attacker")
            try await browser.signIn(server: server)
            let session = try #require(browser.cookie("roster_session"))
            #expect(session != "planted-by-an-attacker")
            let signOut = try await browser.post("/admin/sign-out", [:])
            #expect(signOut.status == 303 && signOut.location == "/admin/sign-in")
            #expect(try await browser.get("/admin/sign-in").contains("You are signed out."), "a confirmation")
            let replay = ConsoleClient(scim.client)
            replay.setCookie("roster_session", session)
            #expect(try await replay.get("/admin/tokens").location == "/admin/sign-in?next=/admin/tokens")
        }
    }

    /// A link followed while signed out leads there after sign-in; a link that points elsewhere leads to Overview.
    @Test func signInReturnsToThePageAskedFor() async throws {
        try await TestServer.run { server, scim in
            _ = try await server.services.accounts.create(username: "ada", password: "correct horse battery")
            let browser = ConsoleClient(scim.client)
            let asked = try await browser.get("/admin/activity?outcome=failed")
            let signInPage = try #require(asked.location)
            #expect(URLComponents(string: signInPage)?.queryItems?.first?.value == "/admin/activity?outcome=failed")
            let form = try await browser.get(signInPage)
            #expect(ConsoleClient.hiddenValue("next", in: form.html) == "/admin/activity?outcome=failed")
            let signedIn = try await browser.post(
                "/admin/sign-in",
                ["username": "ada", "password": "correct horse battery", "next": "/admin/activity?outcome=failed"])
            #expect(signedIn.status == 303 && signedIn.location == "/admin/activity?outcome=failed")
            for hostile in [
                "https://evil.example/admin", "//evil.example/admin", "/admin/\\evil", "/elsewhere", "/admin/sign-out",
                "/admin/../portal/open?link=x", "/admin/%2e%2e/portal", "/admin/./sign-in", "/admin/x/../setup",
            ] {
                let other = ConsoleClient(scim.client)
                _ = try await other.get(
                    "/admin/sign-in?next=\(hostile.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
                let page = try await other.post(
                    "/admin/sign-in", ["username": "ada", "password": "correct horse battery", "next": hostile])
                #expect(page.location == "/admin", "\(hostile) → \(page.location ?? "")")
            }
        }
    }

    @Test func formsWithoutTheSessionsCSRFTokenAreRefused() async throws {
        try await TestServer.run { server, scim in
            let browser = ConsoleClient(scim.client)
            try await browser.signIn(server: server)
            let before = try await server.store.tokens().count
            let forged = try await browser.post("/admin/tokens", ["description": "Evil"], csrf: "not-the-token")
            #expect(forged.status == 403)
            let missing = try await browser.post("/admin/tokens", ["description": "Evil", "csrf": ""])
            #expect(missing.status == 403)
            _ = try await browser.get("/admin/tokens/new")
            let crossSite = try await browser.post(
                "/admin/tokens", ["description": "Evil"], headers: [HTTPField.Name("Origin")!: "https://evil.example"])
            #expect(crossSite.status == 403)
            // The public URL's host on another port is another origin; on its own port, the console's.
            let otherPort = try await browser.post(
                "/admin/tokens", ["description": "Evil"],
                headers: [HTTPField.Name("Origin")!: "https://roster.example.com:8443"])
            #expect(otherPort.status == 403)
            let samePort = try await browser.post(
                "/admin/tokens", ["description": "Fine"],
                headers: [HTTPField.Name("Origin")!: "https://roster.example.com"])
            #expect(samePort.status == 303, "the console's own origin")
            _ = try await browser.get("/admin/tokens/new")
            let fetchSite = try await browser.post(
                "/admin/tokens", ["description": "Evil"], headers: [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"])
            #expect(fetchSite.status == 403)
            #expect(try await server.store.tokens().count == before + 1, "no refused form changed anything")
        }
    }

    /// Security review: CSP with frame-ancestors, no-sniff, no caching, and cookies that scripts cannot read.
    @Test func pagesCarrySecurityHeadersAndCookiesAreLockedDown() async throws {
        try await TestServer.run { server, scim in
            let browser = ConsoleClient(scim.client)
            _ = try await server.services.accounts.create(username: "ada", password: "correct horse battery")
            let signInPage = try await browser.get("/admin/sign-in")
            let csp = try #require(signInPage.headers[HTTPField.Name("Content-Security-Policy")!])
            #expect(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"))
            #expect(signInPage.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            #expect(signInPage.headers[.cacheControl] == "no-store")
            let csrfCookie = try #require(signInPage.setCookies.first { $0.hasPrefix("roster_csrf=") })
            #expect(csrfCookie.contains("HttpOnly") && csrfCookie.contains("SameSite=Strict"))
            let signedIn = try await browser.post(
                "/admin/sign-in", ["username": "ada", "password": "correct horse battery"])
            let cookie = try #require(signedIn.setCookies.first { $0.hasPrefix("roster_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/admin"))
            #expect(cookie.contains("Secure"), "the public URL is https")
        }
    }
}
