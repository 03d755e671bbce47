import Directory
import Foundation
import Hummingbird
import SCIMHTTP

extension AdminConsole {
    /// Admin › SCIM Tokens: list, + New, a token's page, status, Regenerate, Delete. A change applies to this
    /// instance at once (the authenticator's cache is dropped) and to other instances within its cache lifetime.
    func registerTokens(on group: RouterGroup<SCIMRequestContext>) {
        group.get("tokens") { request, _ in
            let session = try await signedIn(request)
            var data = layout("SCIM Tokens", section: "tokens", signedIn: session)
            data["tokens"] = try await store.tokens().sorted { $0.created > $1.created }.map(tokenRow)
            return pages.render("tokens", data)
        }
        group.get("tokens/new") { request, _ in
            let session = try await signedIn(request)
            return pages.render("token-new", layout("New SCIM token", section: "tokens", signedIn: session))
        }
        group.post("tokens") { request, context in
            let session = try await signedIn(request)
            let form = try await form(request, context: context, session: session)
            guard let description = form.text("description"), description.count <= 200 else {
                var data = layout("New SCIM token", section: "tokens", signedIn: session)
                data["error"] = "Describe what the token is for (up to 200 characters), such as \"Okta\"."
                return pages.render("token-new", data, status: .badRequest)
            }
            let status: TokenStatus = form["status"] == "inactive" ? .inactive : .active
            let created = try await directory.createToken(description: description, status: status)
            return try await tokenPage(
                created.record.id, request: request, session: session, secret: created.secret, status: .created)
        }
        group.get("tokens/:id") { request, context in
            try await tokenPage(
                try context.parameters.require("id"), request: request, session: try await signedIn(request))
        }
        group.post("tokens/:id/status") { request, context in
            let (_, id, form) = try await tokenForm(request, context)
            let status: TokenStatus = form["status"] == "inactive" ? .inactive : .active
            guard try await store.setTokenStatus(id: id, status: status) else { throw Self.noToken }
            authenticator.invalidate()
            return Pages.redirect("/admin/tokens/\(id)")
        }
        group.post("tokens/:id/regenerate") { request, context in
            let (session, id, _) = try await tokenForm(request, context)
            let secret = try await directory.regenerateToken(id: id)
            guard let secret else { throw Self.noToken }
            authenticator.invalidate()
            return try await tokenPage(id, request: request, session: session, secret: secret)
        }
        group.post("tokens/:id/delete") { request, context in
            let (_, id, form) = try await tokenForm(request, context)
            guard form["confirm"] == "yes" else {
                throw ConsoleError.badRequest("Tick the confirmation box to delete the token.")
            }
            guard try await store.deleteToken(id: id) else { throw Self.noToken }
            authenticator.invalidate()
            return Pages.redirect("/admin/tokens")
        }
    }

    private static var noToken: ConsoleError { .notFound("There is no such token; it may have been deleted.") }

    private func tokenForm(_ request: Request, _ context: SCIMRequestContext) async throws -> (SignedIn, String, Form) {
        let session = try await signedIn(request)
        let form = try await form(request, context: context, session: session)
        return (session, try context.parameters.require("id"), form)
    }

    /// A token's page; `secret` is shown only in the response to its creation or regeneration.
    private func tokenPage(
        _ id: String, request: Request, session: SignedIn, secret: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        guard let token = try await store.token(id: id) else { throw Self.noToken }
        var data = layout(token.description, section: "tokens", signedIn: session)
        data["token"] = tokenRow(token)
        data["endpoint"] = endpoint(request)
        if let secret { data["secret"] = secret }
        return pages.render("token", data, status: status)
    }

    func tokenRow(_ token: TokenRecord) -> [String: Any] {
        [
            "id": token.id, "description": token.description, "prefix": token.prefix + "…",
            "active": token.status == .active, "status": token.status == .active ? "Active" : "Inactive",
            "created": Format.time(token.created), "lastUsed": token.lastUsed.map(Format.time) ?? "Never",
        ]
    }
}
