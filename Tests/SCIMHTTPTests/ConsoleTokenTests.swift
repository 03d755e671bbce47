import Admin
import App
import Directory
import Foundation
import HTTPTypes
import Testing

/// Admin › SCIM Tokens › + New, as an admin lives it, and what each action does to SCIM requests at once.
@Suite struct ConsoleTokenTests {
    /// Post/redirect/get: the form's answer is a redirect to the token's page, which shows the secret once; a
    /// reload shows it no more and creates nothing.
    @Test func newTokenIsShownOnceAndWorksForSCIM() async throws {
        try await TestServer.run { server, scim in
            let browser = ConsoleClient(scim.client)
            try await browser.signIn(server: server)
            let form = try await browser.get("/admin/tokens/new")
            #expect(form.contains("Description") && form.contains("Active") && form.contains("Create"))
            let created = try await browser.post(
                "/admin/tokens", ["description": "Okta production", "status": "active"])
            let token = try #require(try await server.store.tokens().first { $0.description == "Okta production" })
            #expect(created.status == 303 && created.location == "/admin/tokens/\(token.id)")
            let shown = try await browser.get(try #require(created.location))
            #expect(shown.contains("Token created."))
            let secret = try #require(ConsoleClient.element("token-value", in: shown.html))
            #expect(secret.hasPrefix("roster_"))
            #expect(!created.setCookies.joined().contains(secret), "the secret travels sealed, never in clear")
            #expect(ConsoleClient.element("endpoint-value", in: shown.html) == "https://roster.example.com/scim/v2")
            #expect(shown.headers[.cacheControl] == "no-store")

            let reply = try await scim.get("Users", authorization: "Bearer \(secret)")
            #expect(reply.status == 200)

            let reload = try await browser.get("/admin/tokens/\(token.id)")
            #expect(reload.status == 200 && !reload.contains(secret) && reload.contains("Regenerate"))
            #expect(
                try await server.store.tokens().filter { $0.description == "Okta production" }.count == 1,
                "a reload creates nothing")
            let list = try await browser.get("/admin/tokens")
            #expect(list.contains("Okta production") && list.contains(String(secret.prefix(13))))
            #expect(!list.contains(secret), "the list shows only the prefix")
            #expect(try await server.store.tokens().allSatisfy { !$0.hash.contains(secret) })
        }
    }

    /// The sealed secret opens only with the session that made it: another administrator's browser, given the
    /// cookie, sees nothing.
    @Test func aRevealedSecretBelongsToTheSessionThatMadeIt() async throws {
        try await TestServer.run { server, scim in
            let ada = ConsoleClient(scim.client)
            try await ada.signIn(server: server)
            _ = try await ada.get("/admin/tokens/new")
            let created = try await ada.post("/admin/tokens", ["description": "Okta", "status": "active"])
            let sealed = try #require(ada.cookie("roster_reveal"))
            let bob = ConsoleClient(scim.client)
            try await bob.signIn(server: server, username: "bob")
            bob.setCookie("roster_reveal", sealed)
            let page = try await bob.get(try #require(created.location))
            #expect(page.status == 200 && ConsoleClient.element("token-value", in: page.html) == nil)
            #expect(ConsoleClient.element("token-value", in: try await ada.get(created.location!).html) != nil)
        }
    }

    @Test func blankDescriptionIsRefusedWithAMessage() async throws {
        try await TestServer.run { server, scim in
            let browser = ConsoleClient(scim.client)
            try await browser.signIn(server: server)
            _ = try await browser.get("/admin/tokens/new")
            let page = try await browser.post("/admin/tokens", ["description": "  ", "status": "active"])
            #expect(page.status == 400 && page.contains("Describe what the token is for"))
        }
    }

    /// A token made inactive, regenerated or deleted stops working at once on this instance, despite the cache.
    @Test func statusRegenerateAndDeleteApplyAtOnce() async throws {
        try await TestServer.run(tokenCacheSeconds: 600) { server, scim in
            let browser = ConsoleClient(scim.client)
            try await browser.signIn(server: server)
            _ = try await browser.get("/admin/tokens/new")
            let created = try await browser.post("/admin/tokens", ["description": "Entra", "status": "inactive"])
            let secret = try #require(
                ConsoleClient.element("token-value", in: try await browser.get(created.location ?? "").html))
            let id = try #require(try await server.store.tokens().first { $0.description == "Entra" }?.id)
            #expect(try await scim.get("Users", authorization: "Bearer \(secret)").status == 401)

            #expect(try await browser.post("/admin/tokens/\(id)/status", ["status": "active"]).status == 303)
            #expect(try await scim.get("Users", authorization: "Bearer \(secret)").status == 200)
            _ = try await browser.get("/admin/tokens/\(id)")
            #expect(try await browser.post("/admin/tokens/\(id)/status", ["status": "inactive"]).status == 303)
            #expect(try await scim.get("Users", authorization: "Bearer \(secret)").status == 401)
            _ = try await browser.post("/admin/tokens/\(id)/status", ["status": "active"])

            // Regenerate asks first, naming what breaks; nothing changes until it is confirmed.
            let confirmation = try await browser.get("/admin/tokens/\(id)/regenerate")
            #expect(confirmation.contains("stops working at once") && confirmation.contains("Regenerate the token"))
            #expect(try await scim.get("Users", authorization: "Bearer \(secret)").status == 200)
            let regenerated = try await browser.post("/admin/tokens/\(id)/regenerate", [:])
            #expect(regenerated.status == 303 && regenerated.location == "/admin/tokens/\(id)")
            let fresh = try #require(
                ConsoleClient.element("token-value", in: try await browser.get("/admin/tokens/\(id)").html))
            #expect(fresh != secret)
            #expect(try await scim.get("Users", authorization: "Bearer \(secret)").status == 401)
            #expect(try await scim.get("Users", authorization: "Bearer \(fresh)").status == 200)

            let unconfirmed = try await browser.post("/admin/tokens/\(id)/delete", [:])
            #expect(unconfirmed.status == 400)
            #expect(try await scim.get("Users", authorization: "Bearer \(fresh)").status == 200)
            let deleted = try await browser.post("/admin/tokens/\(id)/delete", ["confirm": "yes"])
            #expect(deleted.status == 303 && deleted.location == "/admin/tokens")
            #expect(try await browser.get("/admin/tokens").contains("Token “Entra” deleted."))
            #expect(try await scim.get("Users", authorization: "Bearer \(fresh)").status == 401)
            #expect(try await browser.get("/admin/tokens/\(id)").status == 404)
        }
    }

    /// With a second organization, + New asks which one the token is for; the list and the token's page name it,
    /// and the token reads that organization's directory. With one organization, none of this shows.
    @Test func tokensOfSeveralOrganizationsNameTheirOrganization() async throws {
        try await TestServer.run { server, scim in
            let browser = ConsoleClient(scim.client)
            try await browser.signIn(server: server)
            #expect(!(try await browser.get("/admin/tokens/new").contains("For Default")))
            #expect(!(try await browser.get("/admin/tokens").contains("org-switch")))

            let organizations = server.services.organizations
            let acme = try await organizations.create(name: "Acme & Sons")
            _ = try await organizations.directory(for: acme.key).create(
                .user, body: .object(["userName": "bob@acme.com"]))
            // Every page is about one organization; the header's menu opens the same page in another.
            let form = try await browser.get("/admin/o/\(acme.id)/tokens/new")
            #expect(form.contains("For Acme &amp; Sons"), "\(form.html)")
            #expect(form.contains(#"<option value="/admin/o/\#(acme.id)/tokens" selected>Acme &amp; Sons</option>"#))
            let created = try await browser.post(
                "/admin/o/\(acme.id)/tokens", ["description": "Acme Okta", "status": "active"])
            let shown = try await browser.get(try #require(created.location))
            #expect(shown.contains("Acme &amp; Sons"))
            let secret = try #require(ConsoleClient.element("token-value", in: shown.html))
            let list = try await scim.get("Users", authorization: "Bearer \(secret)")
            #expect(list["totalResults"] == 1 && list["Resources"]?.arrayValue?.first?["userName"] == "bob@acme.com")
            let token = try #require(try await organizations.directory(for: acme.key).tokens().first)
            #expect(token.description == "Acme Okta")
            let listed = try await browser.get("/admin/o/\(acme.id)/tokens")
            #expect(listed.contains("Acme Okta"))
            #expect(!(try await browser.get("/admin/tokens").contains("Acme Okta")), "the default's list is its own")
            #expect(try await browser.get("/admin/o/\(acme.id)/people").contains("bob@acme.com"))
            #expect(!(try await browser.get("/admin/people").contains("bob@acme.com")))
            let unknown = try await browser.post(
                "/admin/o/no-such-id/tokens", ["description": "Lost", "status": "active"])
            #expect(unknown.status == 404)
            #expect(try await browser.get("/admin/o/no-such-id/people").status == 404)
        }
    }
}
