import Directory
import Foundation
import HTTPTypes
import RosterTestSupport
import SAML
import Testing

/// Admin › Single sign-on: an organization's SAML connections with the values to paste into Okta and Entra ID and
/// the latest sign-in attempt in words; adding one from pasted metadata and removing one, behind a session and the
/// form's CSRF token.
@Suite(.serialized) struct ConsoleSignInTests {
    @Test func connectionsAreAddedShownWithTheirStatusAndRemoved() async throws {
        try await TestServer.run { server, scim in
            let organizations = server.services.organizations
            let browser = ConsoleClient(scim.client)
            #expect(try await browser.get("/admin/sso").status == 303, "a session is needed")
            try await browser.signIn(server: server)
            var page = try await browser.get("/admin/sso")
            #expect(page.status == 200)
            #expect(page.contains("No SAML connection yet"))

            let metadata = try MetadataURLTests.metadata()
            let forged = try await browser.post(
                "/admin/sso/connections", ["metadata": metadata, "justInTime": "on"], csrf: "forged")
            #expect(forged.status == 403)
            #expect(try await organizations.connections.list().isEmpty)
            _ = try await browser.get("/admin/sso")
            let bad = try await browser.post("/admin/sso/connections", ["metadata": "<md:EntityDescriptor"])
            #expect(bad.status == 400)
            _ = try await browser.get("/admin/sso")
            let added = try await browser.post("/admin/sso/connections", ["metadata": metadata, "justInTime": "on"])
            #expect(added.status == 303)
            let connection = try #require(try await organizations.connections.list().first)
            #expect(connection.justInTime)
            #expect(connection.idpEntityID == "https://idp.example.com/entity")

            let urls = connection.urls(publicURL: TestServer.publicURL)
            page = try await browser.get("/admin/sso")
            #expect(page.contains("Connection added."))
            #expect(page.contains(urls.acsURL) && page.contains(urls.entityID) && page.contains(urls.metadataURL))
            #expect(page.contains("Single sign-on URL") && page.contains("Reply URL"))
            #expect(page.contains("No sign-in yet"))

            // Anyone's post to the ACS URL that no key vouches for and no sign-in started here: refused, and not made
            // the connection's status (it could hide the real one, or put the poster's words on this page).
            let posted = Data(
                #"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><samlp:Status><samlp:StatusCode Value="Call +1-555-0100 now"/></samlp:Status></samlp:Response>"#
                    .utf8
            ).base64EncodedString()
            await #expect(throws: SignInRefusal.self) {
                _ = try await organizations.openID.finish(
                    samlResponse: posted, relayState: nil, connection: connection.id, browser: nil, requestID: "test")
            }
            page = try await browser.get("/admin/sso")
            #expect(page.contains("No sign-in yet") && !page.contains("555-0100"), "\(page.html)")

            // A response to a sign-in this browser started, which the connection refuses: the page says why.
            let (app, _) = try await organizations.applications.create(
                name: "Helpdesk", redirectURIs: ["https://app.example.com/callback"])
            let step = try await organizations.openID.authorize(
                [
                    "response_type": "code", "client_id": app.clientID,
                    "redirect_uri": "https://app.example.com/callback",
                    "scope": "openid", "code_challenge": String(repeating: "a", count: 43),
                    "code_challenge_method": "S256", "organization": try await organizations.list()[0].id,
                ], repeated: [], browser: "browser-secret")
            guard case .redirect(let location) = step,
                let relay = URLComponents(string: location)?.queryItems?.first(where: { $0.name == "RelayState" })?
                    .value
            else { throw CLIError(description: "no sign-in started: \(step)") }
            await #expect(throws: SignInRefusal.self) {
                _ = try await organizations.openID.finish(
                    samlResponse: posted, relayState: relay, connection: connection.id, browser: "browser-secret",
                    requestID: "test")
            }
            page = try await browser.get("/admin/sso")
            #expect(page.contains("was refused") && page.contains("a status that is not SAML"), "\(page.html)")

            let forgedRemove = try await browser.post(
                "/admin/sso/connections/\(connection.id)/remove", [:], csrf: "forged")
            #expect(forgedRemove.status == 403)
            _ = try await browser.get("/admin/sso")
            let removed = try await browser.post("/admin/sso/connections/\(connection.id)/remove", [:])
            #expect(removed.status == 303)
            #expect(try await organizations.connections.list().isEmpty)
            _ = try await browser.get("/admin/sso")
            #expect(try await browser.post("/admin/sso/connections/\(connection.id)/remove", [:]).status == 404)
        }
    }
}
