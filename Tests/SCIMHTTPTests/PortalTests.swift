import Admin
import App
import Directory
import Foundation
import HTTPTypes
import Testing

/// The setup portal: a link a Roster administrator sends to a customer's IT administrator, who can then create
/// and regenerate that organization's SCIM tokens and follow the Connect steps, and reach nothing else.
@Suite struct PortalTests {
    /// Admin › Organizations › a setup link, shown once; opened in another browser, it sets up that
    /// organization's token, which a SCIM client then uses.
    @Test func aSetupLinkLetsTheCustomersAdministratorConnectTheirOrganization() async throws {
        try await TestServer.run { server, scim in
            let organizations = server.services.organizations
            let acme = try await organizations.create(name: "Acme")
            _ = try await organizations.directory(for: acme.key).create(
                .user, body: .object(["userName": "wile@acme.example"]))
            let admin = ConsoleClient(scim.client)
            try await admin.signIn(server: server)
            _ = try await admin.get("/admin/organizations/\(acme.id)")
            let created = try await admin.post("/admin/organizations/\(acme.id)/setup-links", ["days": "7"])
            #expect(created.status == 303 && created.location == "/admin/organizations/\(acme.id)")
            let shown = try await admin.get("/admin/organizations/\(acme.id)")
            let url = try #require(ConsoleClient.element("setup-link", in: shown.html))
            #expect(url.hasPrefix("https://roster.example.com/portal/open?link=rsl_"))
            let reload = try await admin.get("/admin/organizations/\(acme.id)")
            #expect(ConsoleClient.element("setup-link", in: reload.html) == nil && reload.contains("Valid"))

            // A fresh browser, with no console session.
            let it = ConsoleClient(scim.client)
            let path = String(url.dropFirst("https://roster.example.com".count))
            // Opening it says whose setup it is, and sets nothing until the button is pressed.
            let landing = try await it.get(path)
            #expect(landing.status == 200 && landing.contains("Set up Acme") && landing.setCookies.isEmpty)
            let linkSecret = try #require(ConsoleClient.hiddenValue("link", in: landing.html))
            let opened = try await it.post("/portal/open", ["link": linkSecret])
            #expect(opened.status == 303 && opened.location == "/portal")
            #expect(opened.setCookies.contains { $0.contains("Path=/portal") && $0.contains("HttpOnly") })
            let home = try await it.get("/portal")
            #expect(
                home.status == 200 && home.contains("Set up Acme")
                    && home.contains("https://roster.example.com/scim/v2"))
            let made = try await it.post("/portal/tokens", ["description": "Acme Okta"])
            let tokenPage = try await it.get(try #require(made.location))
            let secret = try #require(ConsoleClient.element("token-value", in: tokenPage.html))
            #expect(tokenPage.contains("Token created.") && !tokenPage.contains("Delete"))
            let reply = try await scim.get("Users", authorization: "Bearer \(secret)")
            #expect(
                reply["totalResults"] == 1 && reply["Resources"]?.arrayValue?.first?["userName"] == "wile@acme.example")
            #expect(!(try await it.get(made.location!).contains(secret)), "shown once")
            let connect = try await it.get("/portal/connect/okta")
            #expect(connect.contains("Last request from Okta") && connect.contains("/portal/tokens/"))

            // Regenerate asks first, then the old token stops.
            let id = try #require(made.location?.split(separator: "/").last.map(String.init))
            #expect(try await it.get("/portal/tokens/\(id)/regenerate").contains("stops working at once"))
            let regenerated = try await it.post("/portal/tokens/\(id)/regenerate", [:])
            let fresh = try #require(
                ConsoleClient.element("token-value", in: try await it.get(regenerated.location ?? "").html))
            #expect(try await scim.get("Users", authorization: "Bearer \(secret)").status == 401)
            #expect(try await scim.get("Users", authorization: "Bearer \(fresh)").status == 200)

            // Its uses are recorded: the opening and the two tokens made.
            let links = try await server.services.accounts.setupLinks(of: acme.key)
            #expect(links.count == 1 && links[0].uses == 3 && links[0].lastUsed != nil)
            #expect(links[0].createdBy == "ada")
        }
    }

    /// A link of organization A can do nothing to B, nor reach the console; a revoked or expired link, nothing.
    @Test func aSetupLinkReachesItsOrganizationOnlyAndNothingOnceRevokedOrExpired() async throws {
        try await TestServer.run { server, scim in
            let organizations = server.services.organizations
            let accounts = server.services.accounts
            let acme = try await organizations.create(name: "Acme")
            let globex = try await organizations.create(name: "Globex")
            let globexToken = try await organizations.directory(for: globex.key)
                .createToken(description: "Globex Okta", status: .active)
            _ = try await scim.get("Users", authorization: "Bearer \(globexToken.secret)")
            let globexEvent = try #require(
                try await organizations.directory(for: globex.key).activity(ActivityQuery(limit: 1)).first?.id)
            let (link, secret) = try await accounts.createSetupLink(for: acme.key, lifetime: 86400, by: "ada")
            let it = ConsoleClient(scim.client)
            #expect(try await it.post("/portal/open", ["link": secret]).location == "/portal")
            _ = try await it.get("/portal")

            let id = globexToken.record.id
            #expect(try await it.get("/portal/tokens/\(id)").status == 404)
            #expect(try await it.get("/portal/tokens/\(id)/regenerate").status == 404)
            #expect(try await it.post("/portal/tokens/\(id)/regenerate", [:]).status == 404)
            #expect(try await scim.get("Users", authorization: "Bearer \(globexToken.secret)").status == 200)
            #expect(try await it.get("/portal/activity/\(globexEvent)").status == 404)
            // The console is another door: the portal's cookie opens none of it.
            for path in ["/admin", "/admin/tokens", "/admin/o/\(acme.id)/tokens", "/admin/organizations"] {
                #expect(try await it.get(path).location?.hasPrefix("/admin/sign-in") == true, "\(path)")
            }
            #expect(try await it.post("/admin/o/\(acme.id)/tokens", ["description": "x"]).status == 303)
            #expect(try await organizations.directory(for: acme.key).tokens().isEmpty)
            // A form without this visit's token is refused.
            #expect(try await it.post("/portal/tokens", ["description": "Forged"], csrf: "forged").status == 403)

            #expect(try await accounts.revokeSetupLink(id: link.id, of: acme.key))
            #expect(try await it.get("/portal").status == 403)
            #expect(try await it.post("/portal/tokens", ["description": "After"]).status == 403)
            #expect(try await ConsoleClient(scim.client).get("/portal/open?link=\(secret)").status == 403)
            #expect(try await ConsoleClient(scim.client).post("/portal/open", ["link": secret]).status == 403)
            #expect(try await accounts.revokeSetupLink(id: link.id, of: globex.key) == false, "another's link")

            let expiredSecret = SetupLink.prefix + Secrets.random()
            let past = Date().addingTimeInterval(-3600)
            try await server.store.accounts.insertSetupLink(
                SetupLink(
                    id: "expired", organization: acme.key, secretHash: Secrets.hash(expiredSecret),
                    created: past.addingTimeInterval(-60), expires: past, createdBy: "ada"))
            let late = ConsoleClient(scim.client)
            let refused = try await late.get("/portal/open?link=\(expiredSecret)")
            #expect(refused.status == 403 && refused.contains("expired or was revoked"))
            late.setCookie("roster_portal", expiredSecret)
            late.setCookie("roster_portal_visit", Secrets.random())
            #expect(try await late.get("/portal").status == 403)
            #expect(try await late.get("/portal/open?link=nonsense").status == 403)
            #expect(try await organizations.directory(for: acme.key).tokens().isEmpty, "nothing was made")
        }
    }

    /// Someone else's link never silently replaces the setup a browser has open (a cross-site form cannot go on,
    /// and the page says what going on replaces); the default organization's portal never shows requests that
    /// belong to no organization.
    @Test func anotherLinkNeverSilentlyTakesOverAndTheDefaultPortalShowsOnlyItsOwn() async throws {
        try await TestServer.run { server, scim in
            let organizations = server.services.organizations
            let accounts = server.services.accounts
            let acme = try await organizations.create(name: "Acme")
            let evil = try await organizations.create(name: "Evil")
            let acmeLink = try await accounts.createSetupLink(for: acme.key, lifetime: 86400, by: "ada")
            let evilLink = try await accounts.createSetupLink(for: evil.key, lifetime: 86400, by: "eve")
            let it = ConsoleClient(scim.client)
            _ = try await it.post("/portal/open", ["link": acmeLink.secret])
            let offered = try await it.get("/portal/open?link=\(evilLink.secret)")
            #expect(offered.contains("This browser has the setup of Acme open"))
            let forged = try await it.post(
                "/portal/open", ["link": evilLink.secret], headers: [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"])
            #expect(forged.status == 403)
            #expect(try await it.get("/portal").contains("Set up Acme"), "still Acme's")

            let defaultKey = try #require(try await organizations.list().first { $0.isDefault }?.key)
            let defaultLink = try await accounts.createSetupLink(for: defaultKey, lifetime: 86400, by: "ada")
            _ = try await scim.get("Users", authorization: "Bearer roster_someone_elses")
            let stray = try #require(
                try await server.directory.activity(ActivityQuery(limit: 5), unattributed: true)
                    .first { $0.tokenID == nil }?.id)
            let own = ConsoleClient(scim.client)
            _ = try await own.post("/portal/open", ["link": defaultLink.secret])
            #expect(try await own.get("/portal/activity/\(stray)").status == 404)
            #expect(!(try await own.get("/portal/connect/okta").contains("carried no valid token")))
            #expect(try await own.get("/portal/tokens/new").location == "/portal")
        }
    }
}
