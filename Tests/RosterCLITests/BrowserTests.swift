import Foundation
import RosterTestSupport
import SAML
import SCIMCore
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The admin's whole first day, in a real headless Chromium against a real `roster serve`: the setup link, the
/// first administrator, Admin › SCIM Tokens › + New, the token and endpoint read off the page and used for real
/// SCIM requests, which then appear under Provisioning activity. Screenshots go to `.build/screenshots`.
///
/// Runs when Debian's `chromium` and `chromium-driver` are installed; CI installs them and sets
/// `ROSTER_REQUIRE_BROWSER=1`, so a missing browser fails there instead of skipping.
@Suite(.serialized) struct BrowserTests {
    static let required = ProcessInfo.processInfo.environment["ROSTER_REQUIRE_BROWSER"] == "1"

    @Test(.enabled(if: WebDriver.isAvailable || required))
    func adminCreatesATokenInTheBrowserAndSeesOktasRequests() async throws {
        try #require(
            WebDriver.isAvailable, "chromium and chromedriver are required (apt-get install chromium chromium-driver)")
        let database = RosterCLITests.temporaryDatabase()
        let server = try RunningServer(
            arguments: ["serve", "--port", "0", "--database", database], environment: ["ROSTER_PASSWORD_COST": "4"])
        defer { server.stop() }
        _ = try await server.waitForPort()
        let setup = try #require(
            server.output.split(separator: "\n").first { $0.contains("/admin/setup?token=") }
                .flatMap { $0.split(separator: " ").last.map(String.init) })
        let shots = FileManager.default.currentDirectoryPath + "/.build/screenshots"
        try FileManager.default.createDirectory(atPath: shots, withIntermediateDirectories: true)
        // A SAML connection, so that the Single sign-on page shows its long URLs at every width.
        let certificate = FileManager.default.temporaryDirectory.appendingPathComponent("roster-idp-\(UUID()).pem")
        try Data(try ServiceProviderKey.generate(commonName: "idp.example.com").certificatePEM.utf8).write(
            to: certificate)
        defer { try? FileManager.default.removeItem(at: certificate) }
        let organizations = try JSON.parse(
            Array(try await RosterCLITests.roster(["org", "list", "--json", "--database", database]).utf8))
        _ = try await RosterCLITests.roster([
            "sso", "add", "--org", try #require(organizations.arrayValue?.first?["id"]?.stringValue), "--idp-sso-url",
            "https://idp.example.com/app/roster/exk1a2b3c4d5e6f7g8h9/sso/saml", "--idp-entity-id",
            "http://www.okta.com/exk1a2b3c4d5e6f7g8h9", "--idp-certificate", certificate.path, "--database", database,
        ])

        let browser = try await WebDriver()
        do {
            try await firstDay(browser, setup: setup, shots: shots)
        } catch {
            try? await browser.screenshot(to: shots + "/failure.png")
            await browser.quit()
            throw error
        }
        await browser.quit()
    }

    private func firstDay(_ browser: WebDriver, setup: String, shots: String) async throws {
        try await browser.open(setup)
        try await browser.screenshot(to: shots + "/setup.png")
        try await browser.type("ada", into: "input[name=username]")
        try await browser.type("correct horse battery", into: "input[name=password]")
        try await browser.type("correct horse battery", into: "input[name=confirm]")
        try await browser.click("button[type=submit].primary")
        #expect(try await browser.url.hasSuffix("/admin"))
        #expect(try await browser.pageSource.contains("Overview"))

        try await browser.click("nav a[href='/admin/tokens']")
        try await browser.click("a[href='/admin/tokens/new']")
        try await browser.type("Okta", into: "input[name=description]")
        try await browser.click("select[name=status] option[value=active]")
        try await browser.click("button[type=submit].primary")
        #expect(try await browser.shows("Token created."))
        let token = try await browser.text(of: "#token-value")
        let endpoint = try await browser.text(of: "#endpoint-value")
        #expect(token.hasPrefix("roster_"))
        #expect(endpoint.hasSuffix("/scim/v2"))
        try await browser.click("button[data-copy='token-value']")
        // The button says "Copied" for 1.5 s once the script has copied the token, and keeps a data-copied mark:
        // on a loaded machine one WebDriver round trip may take longer than the label shows.
        var copied = false
        for _ in 0..<100 where !copied {
            copied = (try? await browser.element("button[data-copy='token-value'][data-copied]")) != nil
            if !copied { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(copied, "the script runs under the CSP")
        try await browser.screenshot(to: shots + "/token.png")

        let lookup = try await Self.scim(
            endpoint + "/Users?filter=userName%20eq%20%22nobody%40example.com%22", token: token)
        #expect(lookup.status == 200 && lookup.json?["totalResults"] == 0)
        let created = try await Self.scim(
            endpoint + "/Users", token: token, method: "POST",
            body:
                #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"grace@example.com","name":{"givenName":"Grace","familyName":"Hopper"}}"#
        )
        #expect(created.status == 201)

        // Reloading the page that showed the token shows it no more, and creates no second one.
        try await browser.run("location.reload(); return true")
        var hidden = false
        for _ in 0..<100 where !hidden {
            let page = try await browser.pageSource
            hidden = !page.contains(token) && page.contains("shown in full only when created")
            if !hidden { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(hidden, "the reloaded page no longer shows the token")

        try await browser.click("nav a[href='/admin/activity']")
        let activity = try await browser.pageSource
        #expect(activity.contains("Created user") && activity.contains("grace@example.com"))
        #expect(activity.contains("Okta"))
        try await browser.screenshot(to: shots + "/activity.png")
        // The row opens the whole request.
        try await browser.click("ol.activity li:first-child a.activity-row")
        let detail = try await browser.pageSource
        #expect(detail.contains("POST /scim/v2/Users") && detail.contains("name.givenName") && detail.contains("Grace"))
        try await browser.screenshot(to: shots + "/activity-detail.png")
        try await browser.click("nav a[href='/admin/people']")
        #expect(try await browser.pageSource.contains("grace@example.com"))
        try await browser.screenshot(to: shots + "/people.png")
        try await browser.click("nav a[href='/admin/connect/okta']")
        #expect(try await browser.pageSource.contains("Last request from Okta"))
        try await browser.screenshot(to: shots + "/connect-okta.png")
        try await secondOrganization(browser, endpoint: endpoint, shots: shots)
        try await everyPageFits(browser, shots: shots)
    }

    /// A second organization made in the console, its own token, its own activity.
    private func secondOrganization(_ browser: WebDriver, endpoint: String, shots: String) async throws {
        try await browser.click("nav a[href='/admin/organizations']")
        try await browser.type("Acme", into: "input[name=name]")
        try await browser.click("button[type=submit].primary")
        #expect(try await browser.shows("Acme created."))
        let acme = try await browser.url
        #expect(acme.contains("/admin/o/"))
        let base = String(acme[acme.range(of: "/admin/o/")!.lowerBound...])
        try await browser.click("nav a[href='\(base)/tokens']")
        try await browser.click("a[href='\(base)/tokens/new']")
        try await browser.type("Acme Okta", into: "input[name=description]")
        try await browser.click("button[type=submit].primary")
        #expect(try await browser.shows("Token created."))
        let token = try await browser.text(of: "#token-value")
        let created = try await Self.scim(
            endpoint + "/Users", token: token, method: "POST",
            body: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"wile@acme.example"}"#)
        #expect(created.status == 201)
        try await browser.click("nav a[href='\(base)/activity']")
        #expect(try await browser.pageSource.contains("wile@acme.example"))
        try await browser.click("nav a[href='\(base)/people']")
        let people = try await browser.pageSource
        #expect(people.contains("wile@acme.example") && !people.contains("grace@example.com"))
        // The menu in the header opens the same page in the other organization.
        try await browser.click("#org-switch option[value='/admin/people']")
        #expect(try await browser.shows("grace@example.com"))
        let other = try await browser.pageSource
        #expect(other.contains("grace@example.com") && !other.contains("wile@acme.example"))

        // A setup link for Acme's IT administrator, opened in a fresh browser profile.
        try await browser.open(acme.replacingOccurrences(of: base, with: "/admin/organizations/") + base.dropFirst(9))
        try await browser.click("form[action$='/setup-links'] button")
        let link = try await browser.text(of: "#setup-link")
        #expect(link.contains("/portal/open?link=rsl_"))
        let customer = try await WebDriver()
        do {
            try await customer.open(link)
            try await customer.click("form[action='/portal/open'] button")
            #expect(try await customer.shows("1. A SCIM token"))
            try await customer.type("Acme Entra", into: "input[name=description]")
            try await customer.click("button[type=submit].primary")
            let portalToken = try await customer.text(of: "#token-value")
            let listed = try await Self.scim(endpoint + "/Users", token: portalToken)
            #expect(listed.status == 200 && listed.json?["totalResults"] == 1)
            try await customer.screenshot(to: shots + "/portal-token.png")
            try await customer.open(link.components(separatedBy: "/portal")[0] + "/admin/organizations")
            #expect(try await customer.url.contains("/admin/sign-in"), "the portal opens nothing of the console")
        } catch {
            await customer.quit()
            throw error
        }
        await customer.quit()
    }

    /// Every page at 1,400 and 400 pixels wide: nothing scrolls sideways; screenshots of each.
    private func everyPageFits(_ browser: WebDriver, shots: String) async throws {
        let root = try await browser.url.components(separatedBy: "/admin")[0]
        let people = try await browser.pageSource
        let person = people.firstMatch(of: /href="(\/admin\/people\/[^"?]+)"/).map { String($0.1) } ?? "/admin/people"
        let pages = [
            ("overview", "/admin"), ("tokens", "/admin/tokens"), ("people", "/admin/people"), ("person", person),
            ("groups", "/admin/groups"), ("activity", "/admin/activity"), ("activity-detail", "/admin/activity/1"),
            ("fields", "/admin/fields"), ("connect-okta", "/admin/connect/okta"), ("sso", "/admin/sso"),
            ("organizations", "/admin/organizations"),
            ("administrators", "/admin/administrators"),
        ]
        try await browser.open(root + "/admin/people")
        let contrast = try await browser.run(Self.contrastScript)
        let ratio = { (name: String) -> Double in
            switch contrast[name] {
            case .double(let value)?: value
            case .int(let value)?: Double(value)
            default: 0
            }
        }
        #expect(ratio("link") >= 4.5, "links against the page: \(contrast.serialized())")
        #expect(ratio("border") >= 3, "input borders against white: \(contrast.serialized())")
        #expect(ratio("placeholder") >= 4.5, "placeholders: \(contrast.serialized())")
        #expect(contrast["placeholderItalic"] == true, "placeholders look unlike values")
        #expect(ratio("button") >= 4.5, "a button's text: \(contrast.serialized())")
        for width in [1400, 400] {
            try await browser.emulateWidth(width)
            for (name, path) in pages {
                try await browser.open(root + path)
                #expect(!(try await browser.scrollsSideways), "\(path) scrolls sideways at \(width) px")
                try await browser.screenshot(to: shots + "/\(width)-\(name).png")
            }
        }
    }

    /// WCAG contrast ratios of what the People page shows, as the browser computed its styles.
    static let contrastScript = """
        const rgb = (text) => (text.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
        const luminance = (c) => { const [r, g, b] = c.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
        const ratio = (a, b) => { const [x, y] = [luminance(rgb(a)), luminance(rgb(b))].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
        const background = (element) => { for (let e = element; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor; if (!c.startsWith("rgba(0, 0, 0, 0)") && c !== "transparent") return c; } return "rgb(255, 255, 255)"; };
        const link = document.querySelector("main a");
        const input = document.querySelector("input[type=search]");
        const button = document.querySelector("form.filters button");
        const placeholder = getComputedStyle(input, "::placeholder");
        return {
          link: ratio(getComputedStyle(link).color, background(link)),
          border: ratio(getComputedStyle(input).borderTopColor, "rgb(255, 255, 255)"),
          placeholder: ratio(placeholder.color, background(input)),
          placeholderItalic: placeholder.fontStyle === "italic",
          button: ratio(getComputedStyle(button).color, background(button)),
        };
        """

    static func scim(_ url: String, token: String, method: String = "GET", body: String? = nil) async throws
        -> (status: Int, json: JSON?)
    {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("Okta SCIM Client 1.0.0", forHTTPHeaderField: "User-Agent")
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/scim+json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, try? JSON.parse(Array(data)))
    }
}
