import Admin
import App
import Directory
import Foundation
import HTTPTypes
import Testing

/// Admin › SCIM Tokens › + New, as an admin lives it, and what each action does to SCIM requests at once.
@Suite struct ConsoleTokenTests {
    @Test func newTokenIsShownOnceAndWorksForSCIM() async throws {
        try await TestServer.run { server, scim in
            let browser = ConsoleClient(scim.client)
            try await browser.signIn(server: server)
            let form = try await browser.get("/admin/tokens/new")
            #expect(form.contains("Description") && form.contains("Active") && form.contains("Create"))
            let created = try await browser.post(
                "/admin/tokens", ["description": "Okta production", "status": "active"])
            #expect(created.status == 201)
            let secret = try #require(ConsoleClient.element("token-value", in: created.html))
            #expect(secret.hasPrefix("roster_"))
            #expect(ConsoleClient.element("endpoint-value", in: created.html) == "https://roster.example.com/scim/v2")
            #expect(created.headers[.cacheControl] == "no-store")

            let reply = try await scim.get("Users", authorization: "Bearer \(secret)")
            #expect(reply.status == 200)

            let list = try await browser.get("/admin/tokens")
            #expect(list.contains("Okta production") && list.contains(String(secret.prefix(13))))
            #expect(!list.contains(secret), "the list shows only the prefix")
            let token = try #require(try await server.store.tokens().first { $0.description == "Okta production" })
            let page = try await browser.get("/admin/tokens/\(token.id)")
            #expect(page.status == 200 && !page.contains(secret) && page.contains("Regenerate"))
            #expect(try await server.store.tokens().allSatisfy { !$0.hash.contains(secret) })
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
            let secret = try #require(ConsoleClient.element("token-value", in: created.html))
            let id = try #require(try await server.store.tokens().first { $0.description == "Entra" }?.id)
            #expect(try await scim.get("Users", authorization: "Bearer \(secret)").status == 401)

            #expect(try await browser.post("/admin/tokens/\(id)/status", ["status": "active"]).status == 303)
            #expect(try await scim.get("Users", authorization: "Bearer \(secret)").status == 200)
            _ = try await browser.get("/admin/tokens/\(id)")
            #expect(try await browser.post("/admin/tokens/\(id)/status", ["status": "inactive"]).status == 303)
            #expect(try await scim.get("Users", authorization: "Bearer \(secret)").status == 401)
            _ = try await browser.post("/admin/tokens/\(id)/status", ["status": "active"])

            let regenerated = try await browser.post("/admin/tokens/\(id)/regenerate", [:])
            let fresh = try #require(ConsoleClient.element("token-value", in: regenerated.html))
            #expect(fresh != secret)
            #expect(try await scim.get("Users", authorization: "Bearer \(secret)").status == 401)
            #expect(try await scim.get("Users", authorization: "Bearer \(fresh)").status == 200)

            let unconfirmed = try await browser.post("/admin/tokens/\(id)/delete", [:])
            #expect(unconfirmed.status == 400)
            #expect(try await scim.get("Users", authorization: "Bearer \(fresh)").status == 200)
            let deleted = try await browser.post("/admin/tokens/\(id)/delete", ["confirm": "yes"])
            #expect(deleted.status == 303 && deleted.location == "/admin/tokens")
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
            #expect(!(try await browser.get("/admin/tokens/new").contains("Organization")))
            #expect(!(try await browser.get("/admin/tokens").contains("<th>Organization</th>")))

            let organizations = server.services.organizations
            let acme = try await organizations.create(name: "Acme & Sons")
            _ = try await organizations.directory(for: acme.key).create(
                .user, body: .object(["userName": "bob@acme.com"]))
            let form = try await browser.get("/admin/tokens/new")
            #expect(form.contains(#"<option value="\#(acme.id)">Acme &amp; Sons</option>"#), "\(form.html)")
            let created = try await browser.post(
                "/admin/tokens", ["description": "Acme Okta", "status": "active", "organization": acme.id])
            #expect(created.status == 201 && created.contains("Acme &amp; Sons"))
            let secret = try #require(ConsoleClient.element("token-value", in: created.html))
            let list = try await scim.get("Users", authorization: "Bearer \(secret)")
            #expect(list["totalResults"] == 1 && list["Resources"]?.arrayValue?.first?["userName"] == "bob@acme.com")
            let token = try #require(try await organizations.directory(for: acme.key).tokens().first)
            #expect(token.description == "Acme Okta")
            let listed = try await browser.get("/admin/tokens")
            #expect(listed.contains("<th>Organization</th>") && listed.contains("Acme &amp; Sons"))
            #expect(try await browser.get("/admin/tokens/\(token.id)").contains("Acme &amp; Sons"))
            let unknown = try await browser.post(
                "/admin/tokens", ["description": "Lost", "status": "active", "organization": "no-such-id"])
            #expect(unknown.status == 404)
        }
    }
}
