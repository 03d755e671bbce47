import Directory
import Foundation
import Testing

/// The Custom fields page: add, what to type in Okta and Entra ID, rename, disable, delete; and the person page
/// showing custom values.
@Suite struct ConsoleFieldTests {
    static let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

    @Test func adminAddsAFieldAndSeesWhatToTypeInOktaAndEntra() async throws {
        try await TestServer.run { server, scim in
            let browser = ConsoleClient(scim.client)
            try await browser.signIn(server: server)
            _ = try await browser.get("/admin/fields")
            let added = try await browser.post(
                "/admin/fields",
                ["label": "Some User's Field", "type": "text", "namespace": "enterprise", "options": ""])
            #expect(added.status == 303)
            let page = try await browser.get(try #require(added.location))
            #expect(page.contains("some-users-field") && page.contains(Self.enterprise))
            #expect(page.contains("\(Self.enterprise):some-users-field"), "Entra's target attribute path")
            #expect(page.contains("External name") && page.contains("External namespace"))
            // Schema discovery sees it at once: the console's change reached the server's own catalog.
            #expect((try await scim.get("Schemas/\(Self.enterprise)")).text.contains("some-users-field"))

            let collision = try await browser.post(
                "/admin/fields", ["label": "Department", "type": "text", "namespace": "enterprise"])
            #expect(collision.status == 400 && collision.contains("department"))
            let noOptions = try await browser.post("/admin/fields", ["label": "Size", "type": "select", "options": ""])
            #expect(noOptions.status == 400 && noOptions.contains("at least one option"))

            let id = try #require(try await server.store.customFields().first?.id)
            _ = try await browser.get("/admin/fields/\(id)")
            #expect(try await browser.post("/admin/fields/\(id)", ["label": "Renamed Field"]).status == 303)
            let renamed = try await browser.get("/admin/fields/\(id)")
            #expect(renamed.contains("Renamed Field") && renamed.contains("some-users-field"), "the SCIM name stays")

            let user = try await scim.createUser(
                "ada@example.com", extra: #","\#(Self.enterprise)":{"some-users-field":"blue"}"#)
            let person = try await browser.get("/admin/people/\(user)")
            #expect(person.contains("some-users-field") && person.contains("blue"))

            #expect(try await browser.post("/admin/fields/\(id)/enabled", ["enabled": "no"]).status == 303)
            #expect(try await server.store.customFields().first?.enabled == false)
            #expect(!(try await scim.get("Schemas/\(Self.enterprise)")).text.contains("some-users-field"))
            #expect(try await browser.post("/admin/fields/\(id)/delete", [:]).status == 400)
            #expect(try await browser.post("/admin/fields/\(id)/delete", ["confirm": "yes"]).status == 303)
            #expect(try await server.store.customFields().isEmpty)
            let stored = try #require(try await server.store.fetch(.user, id: user))
            #expect(stored.body[Self.enterprise]?["some-users-field"] == nil)
        }
    }

    @Test func theUnknownAttributeSettingIsSavedFromThePage() async throws {
        try await TestServer.run { server, scim in
            let browser = ConsoleClient(scim.client)
            try await browser.signIn(server: server)
            _ = try await browser.get("/admin/fields")
            #expect(try await browser.post("/admin/fields/settings", ["ignoreUnknown": "yes"]).status == 303)
            #expect(try await server.store.fields.ignoresUnknownAttributes(in: .default))
            let accepted = try await scim.post(
                "Users",
                #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x@example.com","#
                    + #""\#(Self.enterprise)":{"unmapped":"1"}}"#)
            #expect(accepted.status == 201, "\(accepted.text)")
            _ = try await browser.get("/admin/fields")
            _ = try await browser.post("/admin/fields/settings", [:])
            #expect(try await !server.store.fields.ignoresUnknownAttributes(in: .default))
        }
    }
}
