import Foundation
import RosterTestSupport
import SCIMCore
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A person provisioned over SCIM signs in to an application, end to end, in a real headless Chromium: the
/// application (`scripts/oidc-app.py`, on authlib) sends the browser to Roster's `/oauth/authorize`, Roster to the
/// identity provider (`scripts/saml-idp-server.py`, signing with signxml), whose page posts the response to the
/// ACS URL across sites, and the application trades the code and verifies the `id_token` against Roster's JWKS.
///
/// The identity provider and the application are on `localhost`, Roster on `127.0.0.1`: two sites, so the
/// identity provider's POST is cross-site and the browser withholds Roster's `SameSite=Lax` cookie from it, as it
/// would in production.
///
/// Runs when Chromium and a Python with signxml and authlib (`ROSTER_WEBHOOK_PYTHON`) are there; CI requires both.
@Suite(.serialized) struct SignInBrowserTests {
    static let python = ProcessInfo.processInfo.environment["ROSTER_WEBHOOK_PYTHON"]
    static let required =
        BrowserTests.required && ProcessInfo.processInfo.environment["ROSTER_REQUIRE_WEBHOOK_RECEIVER"] == "1"

    static func script(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/\(name)").path
    }

    /// Starts a Python peer and waits for its "ready PORT" line.
    static func peer(_ python: String, _ arguments: [String]) async throws -> (RunningServer, Int) {
        let child = try RunningServer(command: python, arguments: arguments)
        for _ in 0..<300 {
            if let line = child.output.split(separator: "\n").first(where: { $0.hasPrefix("ready ") }),
                let port = Int(line.dropFirst("ready ".count))
            {
                return (child, port)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        child.stop()
        throw CLIError(description: "\(arguments.first ?? "") did not start: \(child.output)")
    }

    /// `roster serve` on a port of its own, told that port as its public URL (the ACS URL is made from it).
    static func roster(database: String) async throws -> (RunningServer, Int) {
        for _ in 0..<5 {
            let port = Int.random(in: 20_000..<30_000)
            let server = try RunningServer(arguments: [
                "serve", "--port", String(port), "--database", database, "--public-url", "http://127.0.0.1:\(port)",
            ])
            if (try? await server.waitForPort()) == port { return (server, port) }
            server.stop()
        }
        throw CLIError(description: "roster serve found no free port in five tries")
    }

    static func json(_ text: String) throws -> JSON { try JSON.parse(Array(text.utf8)) }

    /// Fails with the page the browser is on when it does not come to show `text`.
    static func expect(_ browser: WebDriver, shows text: String, sourceLocation: SourceLocation = #_sourceLocation)
        async throws
    {
        guard try await browser.shows(text) else {
            let page = try await browser.pageSource
            Issue.record("the page does not show \"\(text)\": \(page.prefix(2000))", sourceLocation: sourceLocation)
            return
        }
    }

    @Test(.enabled(if: (WebDriver.isAvailable && python != nil) || required))
    func aProvisionedPersonSignsInToTheApplication() async throws {
        try #require(WebDriver.isAvailable, "chromium and chromedriver are required")
        let python = try #require(Self.python, "set ROSTER_WEBHOOK_PYTHON (see .ci/run)")
        let database = RosterCLITests.temporaryDatabase()
        let keys = FileManager.default.temporaryDirectory.appendingPathComponent("roster-idp-\(UUID())")
        try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: keys) }

        let (server, port) = try await Self.roster(database: database)
        defer { server.stop() }
        let (identityProvider, _) = try await Self.peer(
            python, [Self.script("saml-idp-server.py"), "--key-dir", keys.path])
        // The Python peers inherit the test runner's blocked SIGTERM: they are killed.
        defer { identityProvider.kill() }
        let roster = "http://127.0.0.1:\(port)"
        let (application, appPort) = try await Self.peer(python, [Self.script("oidc-app.py"), "--issuer", roster])
        defer { application.kill() }
        let app = "http://localhost:\(appPort)"

        // The operator's side, with the CLI: the application, the organization's domain and its connection.
        let flags = ["--database", database, "--public-url", roster]
        let registered = try Self.json(
            try await RosterCLITests.roster(
                ["app", "create", "--name", "Helpdesk", "--redirect-uri", app + "/callback", "--json"] + flags))
        let organizations = try Self.json(try await RosterCLITests.roster(["org", "list", "--json"] + flags))
        let organization = try #require(organizations.arrayValue?.first?["id"]?.stringValue)
        _ = try await RosterCLITests.roster(["org", "domains", organization, "--domain", "example.com"] + flags)
        _ = try await RosterCLITests.roster(
            [
                "sso", "add", "--org", organization, "--idp-metadata",
                keys.appendingPathComponent("idp-metadata.xml").path,
            ]
                + flags)

        // The identity provider's side: Ann, provisioned over SCIM, in a group.
        let token = try await RosterCLITests.createToken("Okta", database: database)
        let users = URL(string: roster + "/scim/v2/Users")!
        let (created, user) = try await RosterCLITests.send(
            "POST", users, token: token,
            body:
                #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ann@example.com","name":{"givenName":"Ann","familyName":"Lee"},"emails":[{"value":"ann@example.com","primary":true}]}"#
        )
        #expect(created == 201)
        let ann = try #require(user?["id"]?.stringValue)
        let (grouped, _) = try await RosterCLITests.send(
            "POST", URL(string: roster + "/scim/v2/Groups")!, token: token,
            body:
                #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Support","members":[{"value":"\#(ann)"}]}"#
        )
        #expect(grouped == 201)

        let configure = { (fields: JSONObject) in
            var request = URLRequest(url: URL(string: app + "/configure")!)
            request.httpMethod = "POST"
            request.httpBody = Data(JSON.object(fields).serialized().utf8)
            _ = try await URLSession.shared.data(for: request)
        }
        let shots = FileManager.default.currentDirectoryPath + "/.build/screenshots"
        try FileManager.default.createDirectory(atPath: shots, withIntermediateDirectories: true)
        let browser = try await WebDriver()
        do {
            // The application names the organization: straight to the identity provider and back.
            try await configure([
                "client_id": registered["clientId"] ?? .null, "client_secret": registered["clientSecret"] ?? .null,
                "organization": .string(organization),
            ])
            try await browser.open(app + "/login")
            try await Self.expect(browser, shows: "Signed in")
            let claims = try Self.json(try await browser.text(of: "#claims"))
            #expect(claims["sub"] == .string(ann))
            #expect(claims["email"] == "ann@example.com")
            #expect(claims["name"] == "Ann Lee")
            #expect(claims["organization"] == .string(organization))
            #expect(claims["groups"] == .array(["Support"]))
            let userinfo = try Self.json(try await browser.text(of: "#userinfo"))
            #expect(userinfo["sub"] == .string(ann))
            try await browser.screenshot(to: shots + "/sign-in-application.png")

            // It names no organization, and the secret goes in the form this time: Roster asks for a work email.
            try await configure([
                "client_id": registered["clientId"] ?? .null, "client_secret": registered["clientSecret"] ?? .null,
                "auth_method": "client_secret_post",
            ])
            try await browser.open(app + "/login")
            try await Self.expect(browser, shows: "Work email")
            try await browser.screenshot(to: shots + "/sign-in-email.png")
            try await browser.type("ann@example.com", into: "input[name=login_hint]")
            try await browser.click("button[type=submit]")
            try await Self.expect(browser, shows: "Signed in")

            // Deactivated by the identity provider: the sign-in ends on Roster's page, which says so.
            let (patched, _) = try await RosterCLITests.send(
                "PATCH", URL(string: roster + "/scim/v2/Users/\(ann)")!, token: token,
                body:
                    #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}"#
            )
            #expect(patched == 200)
            try await browser.open(app + "/login?login_hint=ann%40example.com")
            try await Self.expect(browser, shows: "is deactivated")
            #expect(try await browser.url.hasPrefix(roster + "/sso/saml/"))
            try await browser.screenshot(to: shots + "/sign-in-refused.png")
        } catch {
            try? await browser.screenshot(to: shots + "/sign-in-failure.png")
            await browser.quit()
            throw error
        }
        await browser.quit()
    }
}
