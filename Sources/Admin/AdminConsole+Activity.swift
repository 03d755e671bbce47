import Directory
import Foundation
import Hummingbird
import SCIMCore
import SCIMHTTP

/// One request in the activity list: a short row that opens the whole request.
struct ActivityRow: Sendable {
    var href: String
    var time: String
    var age: String
    var client: String
    var token: String
    /// What happened, in words: "Deactivated user", "Added 2 members", "Create user refused".
    var summary: String
    /// The person or group it was about, by name, even when it failed.
    var subject: String?
    var subjectHref: String?
    var status: Int
    var failed: Bool
}

struct ActivityPage: PageModel {
    struct Option: Sendable {
        var value: String
        var label: String
        var selected: Bool
    }
    var layout: Layout
    var base: String
    var events: [ActivityRow]
    var hasEvents: Bool
    var outcomes: [Option]
    var clients: [Option]
    var retentionDays: Int
    /// Why the list is empty, in words that are true.
    var empty: String
    var newest: String?
    var older: String?
}

struct ActivityDetailPage: PageModel {
    struct Change: Sendable {
        var attribute: String
        var before: String?
        var after: String?
    }
    var layout: Layout
    var base: String
    var row: ActivityRow
    var method: String
    var path: String
    var requestID: String
    var milliseconds: String
    var changes: [Change]
    var hasChanges: Bool
    var detail: String?
}

extension AdminConsole {
    static let activityPageSize = 50

    /// Provisioning activity: every SCIM request, newest first, by outcome and client, a page at a time; each row
    /// opens the whole request.
    func registerActivity(on group: RouterGroup<SCIMRequestContext>) {
        scoped(group, .get, "activity", activityPage)
        scoped(group, .get, "activity/:event", activityDetail)
    }

    @Sendable func activityPage(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let session = try await signedIn(request)
        let scope = try await scope(context)
        let parameters = request.uri.queryParameters
        let outcome = parameters["outcome"].flatMap { ActivityQuery.Outcome(rawValue: String($0)) } ?? .all
        let client = parameters["client"].map(String.init).flatMap { IdentityProvider(rawValue: $0) }
        let before = parameters["before"].flatMap { Int64(String($0)) }
        let events = try await activity(
            ActivityQuery(outcome: outcome, client: client?.rawValue, before: before, limit: Self.activityPageSize),
            in: scope)
        let filters = ["outcome": outcome.rawValue, "client": client?.rawValue ?? ""]
        let filtered = outcome != .all || client != nil
        var page = ActivityPage(
            layout: layout(
                "Provisioning activity", section: .activity, session: session, scope: scope, request: request),
            base: scope.base, events: try await activityRows(events, in: scope), hasEvents: !events.isEmpty,
            outcomes: ActivityQuery.Outcome.allCases.map {
                .init(value: $0.rawValue, label: $0.rawValue.capitalized, selected: $0 == outcome)
            },
            clients: IdentityProvider.allCases.map {
                .init(value: $0.rawValue, label: $0.displayName, selected: $0 == client)
            },
            retentionDays: Int(settings.activityRetention / 86400),
            empty: before != nil
                ? "No older request." : filtered ? "No request matches these filters." : "No request has arrived yet.")
        if events.count == Self.activityPageSize, let last = events.last?.id {
            page.older = Self.link("\(scope.base)/activity", filters.merging(["before": String(last)]) { $1 })
        }
        if before != nil { page.newest = Self.link("\(scope.base)/activity", filters) }
        return render("activity", page)
    }

    @Sendable func activityDetail(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let session = try await signedIn(request)
        let scope = try await scope(context)
        let layout = { (title: String) in
            self.layout(title, section: .activity, session: session, scope: scope, request: request)
        }
        return try await activityDetail(context, scope: scope, layout: layout)
    }

    /// The whole of one request of `scope`'s organization.
    func activityDetail(_ context: SCIMRequestContext, scope: Scope, layout: (String) -> Layout) async throws
        -> Response
    {
        guard let id = context.parameters.get("event").flatMap(Int64.init), id < Int64.max,
            let event = try await activity(ActivityQuery(before: id + 1, limit: 1), in: scope).first, event.id == id
        else { throw ConsoleError.notFound("There is no such request in this organization's activity.") }
        let row = try await activityRows([event], in: scope)[0]
        let changes = event.changes.map(AttributeChange.init(line:))
        let page = ActivityDetailPage(
            layout: layout("\(event.method) \(event.status)"),
            base: scope.base, row: row, method: event.method, path: event.path, requestID: event.requestID,
            milliseconds: String(format: "%.1f", event.milliseconds),
            changes: changes.map { .init(attribute: $0.name, before: $0.before, after: $0.after) },
            hasChanges: !changes.isEmpty, detail: event.detail)
        return render("activity-detail", page)
    }

    /// An organization's activity; in the console, the default organization's includes the requests no token was
    /// accepted for (which belong to no organization, so never to a setup portal's).
    func activity(_ query: ActivityQuery, in scope: Scope) async throws -> [ActivityEvent] {
        try await scope.directory.activity(query, unattributed: scope.organization.isDefault && scope.showsDirectory)
    }

    /// Rows for events; a failed request about an existing resource names it by its current name.
    func activityRows(_ events: [ActivityEvent], in scope: Scope) async throws -> [ActivityRow] {
        var names: [String: String] = [:]
        for event in events where event.resourceName == nil {
            guard let id = event.resourceID, names[id] == nil,
                let kind = event.resourceKind.flatMap(ResourceKind.init(rawValue:))
            else { continue }
            let found = try? await scope.directory.get(kind, id: id, projection: Self.withoutMembers)
            names[id] = found.flatMap { $0.representation[kind.uniqueAttribute]?.stringValue }
        }
        return events.map { event in
            var row = ActivityRow(
                href: "\(scope.base)/activity/\(event.id ?? 0)", time: Format.time(event.time),
                age: Format.age(event.time, now: clock()),
                client: IdentityProvider(rawValue: event.client)?.displayName ?? event.client,
                token: event.tokenName ?? "no valid token", summary: ActivityWords.summary(of: event),
                status: event.status, failed: !event.succeeded)
            if let id = event.resourceID, let kind = event.resourceKind {
                row.subject = event.resourceName ?? names[id] ?? id
                if scope.showsDirectory, !(event.method == "DELETE" && event.succeeded),
                    names[id] != nil || event.resourceName != nil
                {
                    row.subjectHref =
                        kind == ResourceKind.user.rawValue ? "\(scope.base)/people/\(id)" : "\(scope.base)/groups/\(id)"
                }
            } else if let name = event.resourceName {
                row.subject = name
            }
            return row
        }
    }
}

/// What a request did, in words an administrator scans: "Created user", "Deactivated user", "Added 3 members".
enum ActivityWords {
    static func summary(of event: ActivityEvent) -> String {
        let noun = event.resourceKind.map { $0 == ResourceKind.user.rawValue ? "user" : "group" }
        if event.status == 401 { return "Refused: no valid token" }
        if event.status == 403 { return "Refused: not allowed" }
        if event.status == 429 { return "Refused: too many requests" }
        guard let noun else { return "\(event.method) \(endpoint(event.path))" }
        let hasID = event.resourceID != nil && !event.path.hasSuffix("/.search")
        let verb: String
        switch event.method {
        case "POST" where event.path.hasSuffix("/.search"): verb = "Searched \(noun)s"
        case "POST": verb = "Create \(noun)"
        case "PUT": verb = "Replace \(noun)"
        case "PATCH": verb = "Update \(noun)"
        case "DELETE": verb = "Delete \(noun)"
        default: verb = hasID ? "Read \(noun)" : "Listed \(noun)s"
        }
        guard event.succeeded else { return "\(verb) refused (\(event.status))" }
        let changes = event.changes.map { AttributeChange(line: $0) }
        switch event.method {
        case "POST" where !event.path.hasSuffix("/.search"):
            return "Created \(noun)" + (changes.isEmpty ? "" : " (\(changes.count) attributes)")
        case "DELETE": return "Deleted \(noun)"
        case "PUT", "PATCH":
            if let active = changes.first(where: { $0.name == "active" }) {
                let rest = changes.count - 1
                let word = active.after == "false" ? "Deactivated" : "Reactivated"
                return "\(word) \(noun)" + (rest > 0 ? " and changed \(rest) more" : "")
            }
            if changes.isEmpty { return "\(verb): nothing changed" }
            let members = changes.first { $0.name.hasPrefix("members (") }
            let named = changes.filter { !$0.name.hasPrefix("members (") }.map(\.name)
            var parts: [String] = []
            if let members { parts.append(membersInWords(members.name)) }
            if !named.isEmpty {
                parts.append("changed " + named.prefix(3).joined(separator: ", ") + (named.count > 3 ? "…" : ""))
            }
            let text = parts.joined(separator: "; ")
            return text.prefix(1).uppercased() + text.dropFirst()
        default: return verb
        }
    }

    /// `members (+2 −1)` as "added 2 members, removed 1".
    static func membersInWords(_ text: String) -> String {
        var parts: [String] = []
        if text.contains("all removed") { parts.append("removed every member") }
        if let added = text.firstMatch(of: /\+(\d+)/)?.1 {
            parts.append("added \(added) member\(added == "1" ? "" : "s")")
        }
        if let removed = text.firstMatch(of: /−(\d+)/)?.1 {
            parts.append("removed \(removed) member\(removed == "1" ? "" : "s")")
        }
        return parts.isEmpty ? "changed members" : parts.joined(separator: ", ")
    }

    private static func endpoint(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
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
