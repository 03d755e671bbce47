import App
import Directory
import Foundation
import HTTPTypes
import SCIMCore
import Testing

/// What a review of the console and custom fields found, pinned: none of these may crash, 500 or block.
@Suite struct ConsoleRobustnessTests {
    static let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

    @Test func anEnormousPageNumberIsClampedNotATrap() async throws {
        try await TestServer.run { server, scim in
            let browser = ConsoleClient(scim.client)
            try await browser.signIn(server: server)
            #expect(try await browser.get("/admin/people?page=922337203685477580").status == 200)
            #expect(try await browser.get("/admin/groups?page=9223372036854775807").status == 200)
        }
    }

    /// A search too long to be a SCIM filter is the directory's refusal, shown as a 400 page, never a 500.
    @Test func aSearchTooLongForAFilterIsA400Page() async throws {
        try await TestServer.run { server, scim in
            let browser = ConsoleClient(scim.client)
            try await browser.signIn(server: server)
            let page = try await browser.get("/admin/people?q=" + String(repeating: "a", count: 11_000))
            #expect(page.status == 400 && page.contains("filter"), "\(page.status)")
            #expect(try await browser.get("/admin/groups/no-such-id").status == 404)
            #expect(try await browser.post("/admin/fields/no-such-id/delete", ["confirm": "yes"]).status == 404)
        }
    }

    @Test func anOversizedFormIs413() async throws {
        try await TestServer.run { _, scim in
            let browser = ConsoleClient(scim.client)
            let page = try await browser.post(
                "/admin/sign-in", ["username": String(repeating: "a", count: 70_000), "password": "x"])
            #expect(page.status == 413)
        }
    }

    /// A NUL in a path cannot poison the activity log (PostgreSQL text refuses NULs).
    @Test func aNulInAPathDoesNotStopTheActivityLog() async throws {
        try await TestServer.run { server, scim in
            #expect(try await scim.get("Users/%00").status == 404)
            _ = try await scim.createUser("after@example.com")
            let browser = ConsoleClient(scim.client)
            try await browser.signIn(server: server)
            let activity = try await browser.get("/admin/activity")
            #expect(activity.status == 200 && activity.contains("Created user"))
        }
    }

    /// A value a deleted field left behind (written by another instance mid-deletion) never blocks a PATCH.
    @Test func aLeftoverValueOfADeletedFieldDoesNotBlockDeactivation() async throws {
        try await TestServer.run { server, scim in
            let id = try await scim.createUser("ada@example.com")
            var stored = try #require(try await server.store.fetch(.user, id: id))
            var updated = stored
            updated.body[Self.enterprise] = .object(["gone-field": "left behind"])
            updated.version += 1
            #expect(
                try await server.store.update(updated, expectedVersion: stored.version, members: MembershipChange()))
            let reply = try await scim.patch(
                "Users/\(id)",
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}"#
            )
            #expect(reply.status == 200 && reply["active"] == false, "\(reply.text)")
            stored = try #require(try await server.store.fetch(.user, id: id))
            #expect(stored.body[Self.enterprise]?["gone-field"] == nil, "the leftover is dropped by the write")
        }
    }

    /// Removing a select option people hold would make their next PATCH fail: refused, with the count.
    @Test func anOptionInUseCannotBeRemoved() async throws {
        try await TestServer.run { server, scim in
            let field = try await server.directory.addField(
                label: "Office", type: .select, options: ["Berlin", "Paris"], namespace: .enterprise)
            try await Task.sleep(for: .seconds(2.1))
            _ = try await scim.createUser("alice@example.com", extra: #","\#(Self.enterprise)":{"office":"Paris"}"#)
            await #expect(throws: SCIMError.self) {
                try await server.directory.updateField(id: field.id, options: ["Berlin"])
            }
            let kept = try await server.directory.updateField(id: field.id, options: ["Berlin", "Paris", "Rome"])
            #expect(kept.options == ["Berlin", "Paris", "Rome"])
            let trimmed = try await server.directory.updateField(id: field.id, options: ["Paris", "Berlin"])
            #expect(trimmed.options == ["Paris", "Berlin"], "an unused option can go")
        }
    }

    @Test func anEmptyCSRFCookieIsNeverTrusted() async throws {
        try await TestServer.run { server, scim in
            _ = try await server.services.accounts.create(username: "ada", password: "correct horse battery")
            let browser = ConsoleClient(scim.client)
            browser.setCookie("roster_csrf", "")
            let page = try await browser.post(
                "/admin/sign-in", ["username": "ada", "password": "correct horse battery"], csrf: "")
            #expect(page.status == 403)
        }
    }
}
