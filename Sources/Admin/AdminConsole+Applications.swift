import Directory
import Foundation
import Hummingbird
import SCIMHTTP

struct ApplicationsPage: PageModel {
    struct Attempt: Sendable {
        var time: String
        var event: String
        var status: String
        var succeeded: Bool
        var milliseconds: String
        var excerpt: String
    }

    struct Webhook: Sendable {
        var id: String
        var url: String
        var types: String
        var enabled: Bool
        var state: String
        var healthy: Bool
        var attempts: [Attempt]
        var hasAttempts: Bool
        var deadLetters: [String]
        var hasDeadLetters: Bool
    }

    struct Application: Sendable {
        var id: String
        var name: String
        var clientID: String
        var created: String
        var webhooks: [Webhook]
        var hasWebhooks: Bool
    }

    var layout: Layout
    var applications: [Application]
    var hasApplications: Bool
    var feedURL: String
}

extension AdminConsole {
    /// Admin › Applications: each application Roster serves, its webhook endpoints with their state, their latest
    /// delivery attempts (time, status, latency, the answer's start) and the events given up on; disable or
    /// re-enable an endpoint. Applications and endpoints are made with `roster app create` and `roster webhook add`,
    /// which show their secrets once.
    func registerApplications(on group: RouterGroup<SCIMRequestContext>) {
        group.get("applications") { request, _ in try await applicationsPage(request, try await signedIn(request)) }
        group.post("webhooks/:id/enable") { request, context in
            try await setWebhook(request, context, enabled: true)
        }
        group.post("webhooks/:id/disable") { request, context in
            try await setWebhook(request, context, enabled: false)
        }
    }

    private func setWebhook(_ request: Request, _ context: SCIMRequestContext, enabled: Bool) async throws -> Response {
        let session = try await signedIn(request)
        _ = try await form(request, context: context, session: session)
        let id = try context.parameters.require("id")
        let reason = "Disabled by \(session.admin.username) in the console."
        guard try await organizations.applications.setWebhook(id: id, enabled: enabled, reason: reason) else {
            throw ConsoleError.notFound("There is no such webhook; it may have been removed.")
        }
        return redirect(
            "/admin/applications",
            flash: enabled ? "Webhook enabled: waiting events are sent again now." : "Webhook disabled.")
    }

    private func applicationsPage(_ request: Request, _ session: SignedIn) async throws -> Response {
        let applications = organizations.applications
        var rows: [ApplicationsPage.Application] = []
        for application in try await applications.list() {
            var hooks: [ApplicationsPage.Webhook] = []
            for hook in try await applications.webhooks(of: application.id) {
                let attempts = try await applications.attempts(webhook: hook.id, limit: 20).map { attempt in
                    ApplicationsPage.Attempt(
                        time: Format.time(attempt.time), event: "\(attempt.eventType) #\(attempt.sequence)",
                        status: attempt.status.map(String.init) ?? "no answer", succeeded: attempt.succeeded,
                        milliseconds: String(format: "%.0f ms", attempt.milliseconds),
                        excerpt: String(attempt.excerpt.prefix(160)))
                }
                let dead = try await applications.deadLetters(webhook: hook.id, limit: 20).map {
                    "\(Format.time($0.time)): event \($0.eventID) — \($0.reason)"
                }
                let state =
                    !hook.enabled
                    ? "Disabled: \(hook.disabledReason ?? "by an operator")"
                    : hook.failingSince.map { "Failing since \(Format.time($0)); retrying" } ?? "Delivering"
                hooks.append(
                    ApplicationsPage.Webhook(
                        id: hook.id, url: hook.url,
                        types: hook.types.isEmpty ? "every event" : hook.types.joined(separator: ", "),
                        enabled: hook.enabled, state: state, healthy: hook.enabled && hook.failingSince == nil,
                        attempts: attempts, hasAttempts: !attempts.isEmpty, deadLetters: dead,
                        hasDeadLetters: !dead.isEmpty))
            }
            rows.append(
                ApplicationsPage.Application(
                    id: application.id, name: application.name, clientID: application.clientID,
                    created: Format.time(application.created), webhooks: hooks, hasWebhooks: !hooks.isEmpty))
        }
        let page = ApplicationsPage(
            layout: layout(
                "Applications", section: .applications, session: session, scope: try? await scopeOfDefault(),
                request: request),
            applications: rows, hasApplications: !rows.isEmpty,
            feedURL: organizations.scimEndpoint.replacingOccurrences(of: "/scim/v2", with: "") + "/api/v1/events")
        return render("applications", page)
    }
}
