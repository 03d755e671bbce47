import Directory
import Foundation
import Hummingbird
import SCIMHTTP

extension AdminConsole {
    /// Provisioning activity: every SCIM request, newest first, by outcome and client, a page at a time.
    func registerActivity(on group: RouterGroup<SCIMRequestContext>) {
        group.get("activity") { request, _ in
            let session = try await signedIn(request)
            let parameters = request.uri.queryParameters
            let outcome = parameters["outcome"].flatMap { ActivityQuery.Outcome(rawValue: String($0)) } ?? .all
            let client = parameters["client"].map(String.init).flatMap { IdentityProvider(rawValue: $0) }
            let before = parameters["before"].flatMap { Int64(String($0)) }
            let events = try await directory.activity(
                ActivityQuery(outcome: outcome, client: client?.rawValue, before: before, limit: 50),
                unattributed: true)
            var data = layout("Provisioning activity", section: "activity", signedIn: session)
            data["events"] = events.map(activityRow)
            data["hasEvents"] = !events.isEmpty
            data["outcomes"] = ActivityQuery.Outcome.allCases.map { option -> [String: Any] in
                ["value": option.rawValue, "label": option.rawValue.capitalized, "selected": option == outcome]
            }
            data["clients"] = IdentityProvider.allCases.map { option -> [String: Any] in
                ["value": option.rawValue, "label": option.displayName, "selected": option == client]
            }
            data["retentionDays"] = Int(settings.activityRetention / 86400)
            if events.count == 50, let last = events.last?.id {
                data["older"] =
                    "/admin/activity?"
                    + Self.query([
                        "outcome": outcome.rawValue, "client": client?.rawValue ?? "", "before": String(last),
                    ])
            }
            if before != nil {
                data["newest"] =
                    "/admin/activity?" + Self.query(["outcome": outcome.rawValue, "client": client?.rawValue ?? ""])
            }
            return pages.render("activity", data)
        }
    }

    func activityRow(_ event: ActivityEvent) -> [String: Any] {
        var row: [String: Any] = [
            "time": Format.time(event.time), "age": Format.age(event.time, now: clock()),
            "client": IdentityProvider(rawValue: event.client)?.displayName ?? event.client,
            "token": event.tokenName ?? "—", "method": event.method, "path": event.path, "status": event.status,
            "failed": !event.succeeded, "changes": event.changes.joined(separator: ", "),
            "milliseconds": String(format: "%.1f", event.milliseconds),
        ]
        if let detail = event.detail { row["detail"] = detail }
        if let id = event.resourceID, let kind = event.resourceKind {
            row["resource"] = event.resourceName ?? id
            if !(event.method == "DELETE" && event.succeeded) {
                row["resourceLink"] = kind == ResourceKind.user.rawValue ? "/admin/people/\(id)" : "/admin/groups/\(id)"
            }
        }
        return row
    }
}

extension IdentityProvider {
    /// The provider's name as admins know it.
    var displayName: String {
        switch self {
        case .okta: "Okta"
        case .entra: "Entra ID"
        case .onelogin: "OneLogin"
        case .jumpcloud: "JumpCloud"
        case .ping: "Ping Identity"
        case .other: "Other"
        }
    }
}
