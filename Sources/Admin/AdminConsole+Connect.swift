import Directory
import Foundation
import Hummingbird
import SCIMHTTP

struct ConnectPage: PageModel {
    var layout: Layout
    var base: String
    var endpoint: String
    var tokens: [TokenRow]
    var hasTokens: Bool
    var status: LiveStatus
    var tokensPath = "/admin/tokens"
}

/// Whether a provider's requests reach Roster with one of the organization's tokens, and succeed.
struct LiveStatus: Sendable {
    var provider: String
    var base: String
    var statusURL: String
    /// The organization's activity list, where there is one.
    var activityList: String?
    var last: ActivityRow?
    var lastFailure: ActivityRow?
    /// A later request from the provider that carried no valid token: a warning, not a failure of the connection
    /// (any stray request with an old token is one).
    var unknownToken: ActivityRow?
}

extension AdminConsole {
    /// Connect Okta and Connect Entra ID: the values to paste, the steps in order, and a live status of the
    /// provider's requests that the page refreshes by itself.
    func registerConnect(on group: RouterGroup<SCIMRequestContext>) {
        for provider in [IdentityProvider.okta, .entra] {
            scoped(group, .get, "connect/\(provider.rawValue)") { request, context in
                try await connectPage(request, context, provider: provider)
            }
            scoped(group, .get, "connect/\(provider.rawValue)/status") { request, context in
                _ = try await signedIn(request)
                let status = try await liveStatus(of: provider, in: try await scope(context))
                return pages.render("last-request", status)
            }
        }
    }

    func connectPage(_ request: Request, _ context: SCIMRequestContext, provider: IdentityProvider)
        async throws -> Response
    {
        let session = try await signedIn(request)
        let scope = try await scope(context)
        let section: Section = provider == .okta ? .connectOkta : .connectEntra
        let tokens = try await scope.directory.tokens().filter { $0.status == .active }.map { TokenRow($0) }
        let page = ConnectPage(
            layout: layout(section.title, section: section, session: session, scope: scope, request: request),
            base: scope.base, endpoint: endpoint(request), tokens: tokens, hasTokens: !tokens.isEmpty,
            status: try await liveStatus(of: provider, in: scope))
        return render("connect-\(provider.rawValue)", page)
    }

    func liveStatus(of provider: IdentityProvider, in scope: Scope) async throws -> LiveStatus {
        let recent = try await activity(ActivityQuery(client: provider.rawValue, limit: 50), in: scope)
        let attributed = recent.filter { $0.tokenID != nil }
        let last = attributed.first
        var lastFailure = attributed.first { !$0.succeeded }
        if lastFailure?.id == last?.id { lastFailure = nil }
        let unknown = recent.first.flatMap { $0.tokenID == nil ? $0 : nil }
        let rows = try await activityRows([last, lastFailure, unknown].compactMap { $0 }, in: scope)
        var iterator = rows.makeIterator()
        return LiveStatus(
            provider: provider.displayName, base: scope.base,
            statusURL: "\(scope.base)/connect/\(provider.rawValue)/status",
            activityList: scope.showsDirectory ? "\(scope.base)/activity" : nil,
            last: last == nil ? nil : iterator.next(), lastFailure: lastFailure == nil ? nil : iterator.next(),
            unknownToken: unknown == nil ? nil : iterator.next())
    }
}
