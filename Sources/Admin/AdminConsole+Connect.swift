import Directory
import Foundation
import Hummingbird
import SCIMHTTP

extension AdminConsole {
    /// Connect Okta and Connect Entra ID: the values to paste, the steps in order, and whether the provider's
    /// last request reached Roster and succeeded.
    func registerConnect(on group: RouterGroup<SCIMRequestContext>) {
        group.get("connect/okta") { request, _ in
            try await connectPage(request, provider: .okta, template: "connect-okta")
        }
        group.get("connect/entra") { request, _ in
            try await connectPage(request, provider: .entra, template: "connect-entra")
        }
    }

    private func connectPage(_ request: Request, provider: IdentityProvider, template: String) async throws -> Response
    {
        let session = try await signedIn(request)
        let last = try await directory.activity(ActivityQuery(client: provider.rawValue, limit: 1), unattributed: true)
            .first
        let lastFailure = try await directory.activity(
            ActivityQuery(outcome: .failed, client: provider.rawValue, limit: 1), unattributed: true
        ).first
        var data = layout("Connect \(provider.displayName)", section: "connect-\(provider.rawValue)", signedIn: session)
        data["endpoint"] = endpoint(request)
        data["provider"] = provider.displayName
        data["tokens"] = try await directory.tokens().filter { $0.status == .active }.map { tokenRow($0) }
        if let last {
            data["last"] = activityRow(last)
            data["lastSucceeded"] = last.succeeded
        }
        if let lastFailure, lastFailure.id != last?.id { data["lastFailure"] = activityRow(lastFailure) }
        return pages.render(template, data)
    }
}
