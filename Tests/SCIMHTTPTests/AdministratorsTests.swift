import Directory
import Foundation
import HTTPTypes
import RosterTestSupport
import Testing

/// Who may use the console: the first administrator from the one-time setup link, exactly once however many
/// browsers race for it, and the Administrators page that lists, adds and removes them, never the last.
@Suite struct AdministratorsTests {
    static let password = "correct horse battery"

    /// The probe's eight parallel setup posts made eight administrators.
    @Test func aSetupLinkUsedEightTimesAtOnceMakesOneAdministrator() async throws {
        try await TestServer.run { server, scim in
            let secret = try #require(try await server.services.accounts.prepareSetup())
            let browsers = (0..<8).map { _ in ConsoleClient(scim.client) }
            for browser in browsers { _ = try await browser.get("/admin/setup?token=\(secret)") }
            let answers = try await withThrowingTaskGroup(of: String?.self) { group in
                for (index, browser) in browsers.enumerated() {
                    group.addTask {
                        try await browser.post(
                            "/admin/setup",
                            [
                                "setupToken": secret, "username": "admin\(index)", "password": Self.password,
                                "confirm": Self.password,
                            ]
                        ).location
                    }
                }
                return try await group.reduce(into: [String?]()) { $0.append($1) }
            }
            #expect(answers.filter { $0 == "/admin" }.count == 1, "\(answers)")
            #expect(answers.filter { $0 == "/admin/sign-in" }.count == 7, "\(answers)")
            #expect(try await server.services.accounts.all().count == 1)
            #expect(try await server.store.accounts.setupSecretHash() == nil, "the link is used up")
        }
    }

    @Test func administratorsAreListedAddedAndRemovedButNeverTheLast() async throws {
        try await TestServer.run { server, scim in
            let ada = ConsoleClient(scim.client)
            try await ada.signIn(server: server)
            let page = try await ada.get("/admin/administrators")
            #expect(page.status == 200 && page.contains("ada <small>(you)</small>"))
            #expect(page.contains("The last administrator cannot be removed.") && !page.contains(">Remove<"))

            let differ = try await ada.post(
                "/admin/administrators", ["username": "bob", "password": Self.password, "confirm": "other one"])
            #expect(differ.status == 400 && differ.contains("The two passwords differ."))
            let taken = try await ada.post(
                "/admin/administrators", ["username": "ADA", "password": Self.password, "confirm": Self.password])
            #expect(taken.status == 400 && taken.contains("already exists"))
            let forged = try await ada.post(
                "/admin/administrators", ["username": "eve", "password": Self.password, "confirm": Self.password],
                csrf: "forged")
            #expect(forged.status == 403)
            let added = try await ada.post(
                "/admin/administrators", ["username": "bob", "password": Self.password, "confirm": Self.password])
            #expect(added.status == 303 && added.location == "/admin/administrators")
            #expect(try await ada.get("/admin/administrators").contains("bob can now sign in."), "a confirmation")
            #expect(try await server.services.accounts.all().map(\.username) == ["ada", "bob"])

            // Bob signs in; Ada removes him, which ends his session at once.
            let bob = ConsoleClient(scim.client)
            _ = try await bob.get("/admin/sign-in")
            #expect(
                try await bob.post("/admin/sign-in", ["username": "bob", "password": Self.password]).location
                    == "/admin")
            let bobID = try #require(try await server.services.accounts.all().first { $0.username == "bob" }?.id)
            _ = try await ada.get("/admin/administrators")
            let removed = try await ada.post("/admin/administrators/\(bobID)/remove", [:])
            #expect(removed.status == 303 && removed.location == "/admin/administrators")
            #expect(try await ada.get("/admin/administrators").contains("bob removed; their sessions have ended."))
            #expect(try await bob.get("/admin").location == "/admin/sign-in", "a removed administrator's session ends")
            let again = try await ada.post("/admin/administrators/\(bobID)/remove", [:])
            #expect(again.status == 404)

            // The last administrator stays, even asking to remove themselves.
            let adaID = try #require(try await server.services.accounts.all().first?.id)
            let last = try await ada.post("/admin/administrators/\(adaID)/remove", [:])
            #expect(last.status == 400 && last.contains("at least one administrator"))
            #expect(try await server.services.accounts.all().count == 1)
        }
    }

    /// Two administrators removing each other at once leave one, on either store.
    @Test func removalsAtOnceNeverLeaveNoAdministrator() async throws {
        try await TestServer.run { server, _ in
            let accounts = server.services.accounts
            for round in 0..<5 {
                let first = try await accounts.create(username: "first\(round)", password: Self.password)
                let second = try await accounts.create(username: "second\(round)", password: Self.password)
                for other in try await accounts.all() where other.id != first.id && other.id != second.id {
                    #expect(try await accounts.remove(id: other.id) == .removed)
                }
                async let one = accounts.remove(id: first.id)
                async let two = accounts.remove(id: second.id)
                let outcomes = [try await one, try await two]
                #expect(outcomes.contains(.removed) && outcomes.contains(.last), "\(outcomes)")
                #expect(try await accounts.all().count == 1)
            }
        }
    }

    /// Without --public-url the console shows the address the browser used, and only a plain host and port.
    @Test func aForgedHostHeaderIsNotRepeatedOnThePage() async throws {
        try await TestServer.run(configure: { $0.publicURL = nil }) { server, scim in
            let browser = ConsoleClient(scim.client)
            try await browser.signIn(server: server)
            let session = try #require(browser.cookie("roster_session"))
            @Sendable func page(host: String) async throws -> String {
                let connection = try RawConnection(port: try #require(scim.client.port))
                connection.send(
                    "GET /admin/connect/okta HTTP/1.1\r\nHost: \(host)\r\nCookie: roster_session=\(session)\r\n"
                        + "Connection: close\r\n\r\n")
                return await connection.receiveAll(within: 120)  // the server closes it once answered
            }
            let plain = try await page(host: "roster.example.com:8443")
            #expect(plain.hasPrefix("HTTP/1.1 200") && plain.contains("http://roster.example.com:8443/scim/v2"))
            #expect(plain.contains("--public-url"))
            let forged = try await page(host: "evil.example/phish?x=\"><b>")
            #expect(forged.hasPrefix("HTTP/1.1 200") && !forged.contains("evil.example"), "\(forged.prefix(300))")
            #expect(forged.contains("http://localhost/scim/v2"))
        }
    }
}
