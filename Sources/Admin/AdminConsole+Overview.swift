import Directory
import Foundation
import Hummingbird
import SCIMCore
import SCIMHTTP

struct OverviewPage: PageModel {
    var layout: Layout
    var base: String
    var people: Int
    var activePeople: Int
    var groups: Int
    var activeTokens: Int
    var noTokens: Bool
    var endpoint: String
    var events: [ActivityRow]
    var hasEvents: Bool
    /// Whether no request has arrived at all (so "no failures" would say nothing).
    var noRequests: Bool
}

extension AdminConsole {
    /// The overview of an organization (`/admin` for the default one): how many people and groups, which tokens
    /// work, and the latest failures. `/admin/switch` opens the organization the header's menu names.
    func registerOverview(on group: RouterGroup<SCIMRequestContext>) {
        scoped(group, .get, "", overview)
        group.get("switch") { request, _ in
            _ = try await signedIn(request)
            let target = request.uri.queryParameters["to"].map(String.init) ?? "/admin"
            return Pages.redirect(ReturnTo.isSafe(target) ? target : "/admin")
        }
    }

    @Sendable func overview(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let session = try await signedIn(request)
        let scope = try await scope(context)
        let one = Page(startIndex: 1, count: 0, maximum: 1)
        let counts = try await scope.directory.counts()
        let active = try await scope.directory.list(.user, filter: "active eq true", page: one).totalResults
        let tokens = try await scope.directory.tokens()
        let failures = try await activity(ActivityQuery(outcome: .failed, limit: 5), in: scope)
        let any = failures.isEmpty ? try await activity(ActivityQuery(limit: 1), in: scope) : failures
        let page = OverviewPage(
            layout: layout("Overview", section: .overview, session: session, scope: scope, request: request),
            base: scope.base, people: counts.users, activePeople: active, groups: counts.groups,
            activeTokens: tokens.filter { $0.status == .active }.count, noTokens: tokens.isEmpty,
            endpoint: endpoint(request), events: try await activityRows(failures, in: scope),
            hasEvents: !failures.isEmpty, noRequests: any.isEmpty)
        return render("overview", page)
    }
}
