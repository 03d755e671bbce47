import Directory
import Foundation
import Hummingbird
import SCIMCore
import SCIMHTTP

extension AdminConsole {
    /// Admin › SCIM Tokens: list, + New, a token's page, status, Regenerate, Delete. A change applies to this
    /// instance at once and to other instances within the token cache's lifetime. With several organizations,
    /// every organization's tokens are listed with their organization, and + New asks which one.
    func registerTokens(on group: RouterGroup<SCIMRequestContext>) {
        group.get("tokens") { request, _ in
            let session = try await signedIn(request)
            var data = layout("SCIM Tokens", section: "tokens", signedIn: session)
            let names = try await organizationNames()
            data["tokens"] = try await organizations.allTokens().map { tokenRow($0, organizations: names) }
            data["manyOrganizations"] = names.count > 1
            return pages.render("tokens", data)
        }
        group.get("tokens/new") { request, _ in
            try await newTokenPage(session: try await signedIn(request))
        }
        group.post("tokens") { request, context in
            let session = try await signedIn(request)
            let form = try await form(request, context: context, session: session)
            guard let description = form.text("description"), description.count <= 200 else {
                return try await newTokenPage(
                    session: session, error: "Describe what the token is for (up to 200 characters), such as \"Okta\".")
            }
            let status: TokenStatus = form["status"] == "inactive" ? .inactive : .active
            let directory = try await tokenDirectory(organization: form["organization"])
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
            try await consoleErrors {
                try await organizations.directory(ofToken: id).setTokenStatus(id: id, to: status)
            }
            return Pages.redirect("/admin/tokens/\(id)")
        }
        group.post("tokens/:id/regenerate") { request, context in
            let (session, id, _) = try await tokenForm(request, context)
            let secret = try await consoleErrors {
                try await organizations.directory(ofToken: id).regenerateToken(id: id)
            }
            return try await tokenPage(id, request: request, session: session, secret: secret)
        }
        group.post("tokens/:id/delete") { request, context in
            let (_, id, form) = try await tokenForm(request, context)
            guard form["confirm"] == "yes" else {
                throw ConsoleError.badRequest("Tick the confirmation box to delete the token.")
            }
            try await consoleErrors { try await organizations.directory(ofToken: id).deleteToken(id: id) }
            return Pages.redirect("/admin/tokens")
        }
    }

    private func tokenForm(_ request: Request, _ context: SCIMRequestContext) async throws -> (SignedIn, String, Form) {
        let session = try await signedIn(request)
        let form = try await form(request, context: context, session: session)
        return (session, try context.parameters.require("id"), form)
    }

    /// The directory a new token belongs to: the organization the form names, or the default one.
    private func tokenDirectory(organization id: String?) async throws -> Directory {
        guard let id, !id.isEmpty else { return organizations.defaultDirectory }
        return try await consoleErrors { try await organizations.directory(id: id) }
    }

    private func newTokenPage(session: SignedIn, error: String? = nil) async throws -> Response {
        var data = layout("New SCIM token", section: "tokens", signedIn: session)
        let all = try await organizations.list()
        if all.count > 1 {
            data["chooseOrganization"] = true
            data["organizations"] = all.map { ["id": $0.id, "name": $0.name, "selected": $0.isDefault] }
        }
        if let error { data["error"] = error }
        return pages.render("token-new", data, status: error == nil ? .ok : .badRequest)
    }

    /// A token's page; `secret` is shown only in the response to its creation or regeneration.
    private func tokenPage(
        _ id: String, request: Request, session: SignedIn, secret: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let token = try await consoleErrors { try await organizations.directory(ofToken: id).token(id: id) }
        let names = try await organizationNames()
        var data = layout(token.description, section: "tokens", signedIn: session)
        data["token"] = tokenRow(token, organizations: names)
        data["manyOrganizations"] = names.count > 1
        data["endpoint"] = endpoint(request)
        if let secret { data["secret"] = secret }
        return pages.render("token", data, status: status)
    }

    /// Every organization's name by its key.
    private func organizationNames() async throws -> [OrganizationKey: String] {
        Dictionary(try await organizations.list().map { ($0.key, $0.name) }, uniquingKeysWith: { first, _ in first })
    }

    func tokenRow(_ token: TokenRecord, organizations: [OrganizationKey: String] = [:]) -> [String: Any] {
        [
            "id": token.id, "description": token.description, "prefix": token.prefix + "…",
            "active": token.status == .active, "status": token.status == .active ? "Active" : "Inactive",
            "created": Format.time(token.created), "lastUsed": token.lastUsed.map(Format.time) ?? "Never",
            "organization": organizations[token.organization] ?? "",
        ]
    }

    /// A directory's refusal (no such token or organization) as the console's page for it.
    func consoleErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as SCIMError where error.status == 404 {
            throw ConsoleError.notFound(error.detail)
        }
    }
}
