import Admin
import App
import Directory
import Foundation
import HTTPTypes
import Testing

/// Organizations in the console: the list, create, rename, domains, a deletion that asks for the name typed, and
/// every page scoped to one organization.
@Suite struct ConsoleOrganizationTests {
    @Test func organizationsAreCreatedRenamedGivenDomainsAndDeletedByName() async throws {
        try await TestServer.run { server, scim in
            let browser = ConsoleClient(scim.client)
            try await browser.signIn(server: server)
            // One organization: the console looks as it always did.
            let overview = try await browser.get("/admin")
            #expect(!overview.contains("org-switch") && overview.contains("No provisioning request has arrived yet."))

            _ = try await browser.get("/admin/organizations")
            let created = try await browser.post(
                "/admin/organizations", ["name": "Acme", "domains": "acme.example\nacme.test"])
            let organization = try #require(try await server.services.organizations.list().first { $0.name == "Acme" })
            #expect(created.status == 303 && created.location == "/admin/o/\(organization.id)")
            #expect(organization.domains == ["acme.example", "acme.test"])
            let home = try await browser.get("/admin/o/\(organization.id)")
            #expect(home.contains("Acme created.") && home.contains("org-switch"))
            #expect(home.contains(#"href="/admin/o/\#(organization.id)/tokens""#), "its navigation stays in it")

            let reversed = try await browser.post("/admin/organizations", ["name": "\u{202E}emcA"])
            #expect(reversed.status == 400 && reversed.contains("text-direction"))
            _ = try await browser.get("/admin/organizations/\(organization.id)")
            let nan = try await browser.post("/admin/organizations/\(organization.id)/setup-links", ["days": "nan"])
            #expect(nan.status == 303, "a number that is not one is the default")
            let duplicate = try await browser.post("/admin/organizations", ["name": "acme"])
            #expect(duplicate.status == 400 && duplicate.contains("already exists"))
            let list = try await browser.get("/admin/organizations")
            #expect(list.contains("Acme") && list.contains("acme.example, acme.test") && list.contains("none yet"))

            _ = try await browser.get("/admin/organizations/\(organization.id)")
            let renamed = try await browser.post("/admin/organizations/\(organization.id)/name", ["name": "Acme Inc"])
            #expect(renamed.status == 303)
            #expect(try await browser.get(renamed.location ?? "").contains("Renamed to Acme Inc."))
            let other = try await server.services.organizations.create(name: "Globex", domains: ["globex.example"])
            let taken = try await browser.post(
                "/admin/organizations/\(organization.id)/domains", ["domains": "globex.example"])
            #expect(taken.status == 400 && taken.contains("belongs to another organization"))

            // Deleting asks for the name typed; a token of the organization stops at once.
            let token = try await server.services.organizations.directory(for: organization.key)
                .createToken(description: "Acme Okta", status: .active)
            #expect(try await scim.get("Users", authorization: "Bearer \(token.secret)").status == 200)
            let page = try await browser.get("/admin/organizations/\(organization.id)")
            #expect(page.contains("Type <strong>Acme Inc</strong> to confirm"))
            let wrong = try await browser.post("/admin/organizations/\(organization.id)/delete", ["confirm": "Acme"])
            #expect(wrong.status == 400 && wrong.contains("exactly"))
            #expect(try await scim.get("Users", authorization: "Bearer \(token.secret)").status == 200)
            let deleted = try await browser.post(
                "/admin/organizations/\(organization.id)/delete", ["confirm": "Acme Inc"])
            #expect(deleted.status == 303 && deleted.location == "/admin/organizations")
            #expect(try await browser.get("/admin/organizations").contains("Acme Inc deleted"))
            #expect(try await scim.get("Users", authorization: "Bearer \(token.secret)").status == 401)
            #expect(try await browser.get("/admin/o/\(organization.id)/people").status == 404)

            // The default organization has no danger zone, and refuses deletion.
            let defaultID = try #require(try await server.services.organizations.list().first { $0.isDefault }?.id)
            let defaultPage = try await browser.get("/admin/organizations/\(defaultID)")
            #expect(!defaultPage.contains("danger-zone"))
            let refused = try await browser.post(
                "/admin/organizations/\(defaultID)/delete", ["confirm": "Default"])
            #expect(refused.status == 400 && refused.contains("cannot be deleted"))
            #expect(try await browser.get("/admin/o/\(other.id)/fields").status == 200)
        }
    }

    /// A page of one organization never shows another's people, groups, fields or activity.
    @Test func scopedPagesShowOnlyTheirOrganization() async throws {
        try await TestServer.run { server, scim in
            let organizations = server.services.organizations
            let acme = try await organizations.create(name: "Acme")
            let acmeDirectory = organizations.directory(for: acme.key)
            let wile = try await acmeDirectory.create(.user, body: .object(["userName": "wile@acme.example"]))
            let wileID = try #require(wile.representation["id"]?.stringValue)
            _ = try await acmeDirectory.addField(label: "Rocket size", type: .text, options: [], namespace: .enterprise)
            let ada = try await scim.createUser("ada@example.com")
            let browser = ConsoleClient(scim.client)
            try await browser.signIn(server: server)
            #expect(try await browser.get("/admin/o/\(acme.id)/people/\(wileID)").contains("wile@acme.example"))
            #expect(try await browser.get("/admin/people/\(wileID)").status == 404, "not in the default organization")
            #expect(try await browser.get("/admin/o/\(acme.id)/people/\(ada)").status == 404)
            #expect(try await browser.get("/admin/o/\(acme.id)/fields").contains("Rocket size"))
            #expect(!(try await browser.get("/admin/fields").contains("Rocket size")))
            #expect(!(try await browser.get("/admin/o/\(acme.id)/activity").contains("ada@example.com")))
        }
    }

    /// Many organizations: the list is paged (each row costs two queries) and the header's menu stays short.
    @Test func manyOrganizationsArePagedAndTheMenuStaysShort() async throws {
        try await TestServer.run { server, scim in
            for index in 0..<40 { _ = try await server.services.organizations.create(name: "Customer \(index)") }
            let browser = ConsoleClient(scim.client)
            try await browser.signIn(server: server)
            let first = try await browser.get("/admin/organizations")
            #expect(first.contains("Customer 0") && !first.contains("Customer 39<"))
            let second = try await browser.get(try #require(ConsoleClient.link(rel: "next", in: first.html)))
            #expect(second.contains("Customer 39"))
            let people = try await browser.get("/admin/people")
            #expect(people.contains("All organizations…"))
            #expect(
                people.html.components(separatedBy: "<option value=").count - 1 <= 45,
                "at most 31 organizations and the page's own menus")
        }
    }
}
