import Directory
import Foundation
import Hummingbird
import SCIMCore
import SCIMHTTP

extension AdminConsole {
    /// The overview at `/admin`: how many people and groups, which tokens work, and the latest failures.
    func registerOverview(on group: RouterGroup<SCIMRequestContext>) {
        group.get("") { request, _ in try await overview(request) }
    }

    private func overview(_ request: Request) async throws -> Response {
        let session = try await signedIn(request)
        let one = Page(startIndex: 1, count: 0, maximum: 1)
        let people = try await directory.list(.user, filter: nil, page: one).totalResults
        let active = try await directory.list(.user, filter: "active eq true", page: one).totalResults
        let groups = try await directory.list(.group, filter: nil, page: one).totalResults
        let tokens = try await directory.tokens()
        let failures = try await directory.activity(ActivityQuery(outcome: .failed, limit: 5), unattributed: true)
        var data = layout("Overview", section: "overview", signedIn: session)
        data["people"] = people
        data["activePeople"] = active
        data["groups"] = groups
        data["activeTokens"] = tokens.filter { $0.status == .active }.count
        data["noTokens"] = tokens.isEmpty
        data["events"] = failures.map(activityRow)
        data["hasEvents"] = !failures.isEmpty
        data["endpoint"] = endpoint(request)
        return pages.render("overview", data)
    }
}
