import Admin
import App
import Directory
import Foundation
import HTTPTypes
import Testing

/// Admin › Applications: each application's webhooks with their state and latest attempts; disable and re-enable
/// behind a session and the form's CSRF token.
@Suite(.serialized) struct ConsoleApplicationTests {
    @Test func webhooksShowTheirAttemptsAndCanBeDisabledAndReenabled() async throws {
        try await TestServer.run { server, scim in
            let applications = server.services.organizations.applications
            let (application, _) = try await applications.create(name: "Helpdesk", redirectURIs: [])
            // Nothing listens on port 9: every attempt fails without an answer.
            let hook = try await applications.addWebhook(
                application: application.id, url: "http://127.0.0.1:9/hooks", types: [], allowInsecure: true)
            _ = try await scim.createUser("ann@example.com")

            let browser = ConsoleClient(scim.client)
            let anonymous = try await browser.get("/admin/applications")
            #expect(anonymous.status == 303, "a session is needed")
            try await browser.signIn(server: server)
            var page = try await browser.get("/admin/applications")
            for _ in 0..<300 where !(page.contains("no answer") && page.contains("Failing since")) {
                try await Task.sleep(for: .milliseconds(100))
                page = try await browser.get("/admin/applications")
            }
            #expect(page.status == 200)
            #expect(page.contains("Helpdesk") && page.contains(application.clientID))
            #expect(page.contains("http://127.0.0.1:9/hooks") && page.contains("every event"))
            #expect(page.contains("user.created #1") && page.contains("no answer"), "\(page.html)")
            #expect(page.contains("Failing since"))
            #expect(!page.contains(hook.secrets[0]), "the signing secret is never shown again")

            let forged = try await browser.post("/admin/webhooks/\(hook.id)/disable", [:], csrf: "forged")
            #expect(forged.status == 403)
            #expect(try await applications.webhook(id: hook.id)?.enabled == true)
            _ = try await browser.get("/admin/applications")
            let disabled = try await browser.post("/admin/webhooks/\(hook.id)/disable", [:])
            #expect(disabled.status == 303)
            page = try await browser.get("/admin/applications")
            #expect(page.contains("Webhook disabled.") && page.contains("Disabled by ada in the console."))
            #expect(try await applications.webhook(id: hook.id)?.enabled == false)
            let failedBefore = try #require(try await applications.webhook(id: hook.id)?.failingSince)
            let enabled = try await browser.post("/admin/webhooks/\(hook.id)/enable", [:])
            #expect(enabled.status == 303)
            #expect(try await applications.webhook(id: hook.id)?.enabled == true)
            // The old failure is cleared; the worker retries at once and may have failed anew since.
            let failing = try await applications.webhook(id: hook.id)?.failingSince
            #expect(failing == nil || failing! > failedBefore, "\(String(describing: failing)) vs \(failedBefore)")
            let missing = try await browser.post("/admin/webhooks/nothing/enable", [:])
            #expect(missing.status == 404)

            // Send test event: a `webhook.test` attempt, without a place in any stream.
            _ = try await browser.get("/admin/applications")
            #expect(try await browser.post("/admin/webhooks/\(hook.id)/test", [:]).status == 303)
            var tested = false
            for _ in 0..<300 where !tested {
                try await Task.sleep(for: .milliseconds(100))
                tested = try await applications.attempts(webhook: hook.id).contains { $0.eventType == "webhook.test" }
            }
            #expect(tested, "the test event was attempted")
            #expect(try await applications.webhook(id: hook.id)?.testRequested == nil, "and the request answered")
            page = try await browser.get("/admin/applications")
            #expect(page.contains("webhook.test #0"))
        }
    }

    @Test func rotatedSecretsSignTwiceUntilFinished() async throws {
        try await TestServer.run { server, _ in
            let applications = server.services.organizations.applications
            let (application, _) = try await applications.create(name: "Helpdesk", redirectURIs: [])
            let hook = try await applications.addWebhook(
                application: application.id, url: "https://hooks.example.com/roster", types: ["user.created"],
                allowInsecure: false)
            let secret = try await applications.rotateSecret(webhook: hook.id)
            #expect(try await applications.webhook(id: hook.id)?.secrets == [secret, hook.secrets[0]])
            let again = try await applications.rotateSecret(webhook: hook.id)
            #expect(try await applications.webhook(id: hook.id)?.secrets == [again, secret], "two at most")
            try await applications.finishRotation(webhook: hook.id)
            #expect(try await applications.webhook(id: hook.id)?.secrets == [again])
            await #expect(throws: (any Error).self) { try await applications.rotateSecret(webhook: "nothing") }
        }
    }
}
