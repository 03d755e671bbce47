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
        var deadLetters: [DeadLetter]
        var hasDeadLetters: Bool
        var testAsked: Bool
    }

    struct DeadLetter: Sendable {
        var description: String
        var organization: String
        var sequence: String
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
        group.post("webhooks/:id/test") { request, context in
            let session = try await signedIn(request)
            _ = try await form(request, context: context, session: session)
            guard try await organizations.applications.sendTest(webhook: try context.parameters.require("id")) else {
                throw ConsoleError.notFound("There is no such webhook; it may have been removed.")
            }
            return redirect(
                "/admin/applications", flash: "A test event goes out within seconds; its attempt shows here.")
        }
        group.post("webhooks/:id/resend") { request, context in
            let session = try await signedIn(request)
            let form = try await form(request, context: context, session: session)
            guard let organization = form["organization"].flatMap(Int64.init),
                let sequence = form["sequence"].flatMap(Int64.init),
                try await organizations.applications.resend(
                    webhook: try context.parameters.require("id"), organization: OrganizationKey(organization),
                    sequence: sequence)
            else { throw ConsoleError.notFound("There is no such event given up on; it may have been sent already.") }
            return redirect("/admin/applications", flash: "The event goes out again within seconds.")
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
                    ApplicationsPage.DeadLetter(
                        description: "\(Format.time($0.time)): event \($0.eventID) — \($0.reason)",
                        organization: String($0.organization.rawValue), sequence: String($0.sequence))
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
                        hasDeadLetters: !dead.isEmpty, testAsked: hook.testRequested != nil))
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
