import Directory
import Foundation
import HTTPTypes
import Hummingbird
import SCIMCore
import SCIMHTTP

/// A token as the console lists it.
struct TokenRow: Sendable {
    var id: String
    var description: String
    var prefix: String
    var active: Bool
    var status: String
    var created: String
    var lastUsed: String
    /// The organization's name, when there are several.
    var organization: String?

    init(_ token: TokenRecord, organization: String? = nil) {
        id = token.id
        description = token.description
        prefix = token.prefix + "…"
        active = token.status == .active
        status = active ? "Active" : "Inactive"
        created = Format.time(token.created)
        lastUsed = token.lastUsed.map(Format.time) ?? "Never"
        self.organization = organization
    }
}

struct TokensPage: PageModel {
    var layout: Layout
    var base: String
    var tokensPath = "/admin/tokens"
    var tokens: [TokenRow]
    var hasTokens: Bool
}

struct NewTokenPage: PageModel {
    var layout: Layout
    var base: String
    var organization: String?
    var description = ""
    var error: String?
}

struct TokenPage: PageModel {
    var layout: Layout
    var base: String
    var token: TokenRow
    var endpoint: String
    /// The whole token, in the page that follows its creation or regeneration only.
    var secret: String?
    var tokensPath = "/admin/tokens"
    /// Whether the page offers status and deletion (the console) or only Regenerate (the setup portal).
    var manage = true
}

extension AdminConsole {
    /// Admin › SCIM Tokens: list, + New, a token's page, status, Regenerate (after a confirmation), Delete. A
    /// change applies to this instance at once and to other instances within the token cache's lifetime. A new
    /// secret is shown on the page the form redirects to, once (see `Reveal`).
    func registerTokens(on group: RouterGroup<SCIMRequestContext>) {
        scoped(group, .get, "tokens", tokensPage)
        scoped(group, .get, "tokens/new", newTokenForm)
        scoped(group, .post, "tokens", createToken)
        group.get("tokens/:id", use: tokenPage)
        group.post("tokens/:id/status", use: setTokenStatus)
        group.get("tokens/:id/regenerate", use: regenerateConfirmation)
        group.post("tokens/:id/regenerate", use: regenerateToken)
        group.post("tokens/:id/delete", use: deleteToken)
    }

    @Sendable func tokensPage(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let session = try await signedIn(request)
        let scope = try await scope(context)
        let layout = layout("SCIM Tokens", section: .tokens, session: session, scope: scope, request: request)
        let tokens = try await scope.directory.tokens().map { TokenRow($0) }
        return render(
            "tokens", TokensPage(layout: layout, base: scope.base, tokens: tokens, hasTokens: !tokens.isEmpty))
    }

    @Sendable func newTokenForm(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        try await newTokenPage(request, session: try await signedIn(request), scope: try await scope(context))
    }

    @Sendable func createToken(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let session = try await signedIn(request)
        let scope = try await scope(context)
        let form = try await form(request, context: context, session: session)
        guard let description = form.text("description"), description.count <= 200 else {
            return try await newTokenPage(
                request, session: session, scope: scope,
                error: "Describe what the token is for (up to 200 characters), such as \"Okta\".")
        }
        let status: TokenStatus = form["status"] == "inactive" ? .inactive : .active
        let created = try await scope.directory.createToken(description: description, status: status)
        return revealing(created.secret, of: created.record.id, request: request, flash: "Token created.")
    }

    @Sendable func tokenPage(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let session = try await signedIn(request)
        let id = try context.parameters.require("id")
        let (token, scope) = try await token(id)
        let secret = request.cookies[Sessions.cookieName].flatMap {
            Reveal.secret(in: request, tokenID: id, session: $0.value)
        }
        let page = TokenPage(
            layout: layout(token.description, section: .tokens, session: session, scope: scope, request: request),
            base: scope.base,
            token: TokenRow(token, organization: scope.many ? scope.organization.name : nil),
            endpoint: endpoint(request), secret: secret)
        var response = render("token", page)
        if request.cookies[Reveal.cookieName] != nil {
            response.setCookie(Reveal.cleared(path: "/admin", secure: settings.secureCookies))
        }
        return response
    }

    @Sendable func setTokenStatus(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let (_, id, form) = try await tokenForm(request, context)
        let status: TokenStatus = form["status"] == "inactive" ? .inactive : .active
        try await consoleErrors { try await organizations.directory(ofToken: id).setTokenStatus(id: id, to: status) }
        return redirect(
            "/admin/tokens/\(id)",
            flash: status == .active ? "The token is active." : "The token is inactive: requests with it are refused.")
    }

    @Sendable func regenerateConfirmation(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let session = try await signedIn(request)
        let id = try context.parameters.require("id")
        let (token, scope) = try await token(id)
        let page = TokenPage(
            layout: layout(
                "Regenerate \(token.description)", section: .tokens, session: session, scope: scope, request: request),
            base: scope.base, token: TokenRow(token), endpoint: endpoint(request))
        return render("token-regenerate", page)
    }

    @Sendable func regenerateToken(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let (_, id, _) = try await tokenForm(request, context)
        let secret = try await consoleErrors { try await organizations.directory(ofToken: id).regenerateToken(id: id) }
        return revealing(
            secret, of: id, request: request,
            flash: "Token regenerated: the old one no longer works. Paste this one into the identity provider.")
    }

    @Sendable func deleteToken(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let (_, id, form) = try await tokenForm(request, context)
        guard form["confirm"] == "yes" else {
            throw ConsoleError.badRequest("Tick the confirmation box to delete the token.")
        }
        let (token, scope) = try await token(id)
        try await consoleErrors { try await scope.directory.deleteToken(id: id) }
        return redirect("\(scope.base)/tokens", flash: "Token “\(token.description)” deleted.")
    }

    /// A redirect to the token's page that carries its new secret, sealed for this browser's session.
    private func revealing(_ secret: String, of id: String, request: Request, flash: String) -> Response {
        var response = redirect("/admin/tokens/\(id)", flash: flash)
        if let session = request.cookies[Sessions.cookieName]?.value,
            let cookie = Reveal.cookie(
                secret: secret, tokenID: id, session: session, path: "/admin", secure: settings.secureCookies)
        {
            response.setCookie(cookie)
        }
        return response
    }

    private func tokenForm(_ request: Request, _ context: SCIMRequestContext) async throws -> (SignedIn, String, Form) {
        let session = try await signedIn(request)
        let form = try await form(request, context: context, session: session)
        return (session, try context.parameters.require("id"), form)
    }

    /// A token and the organization it belongs to.
    private func token(_ id: String) async throws -> (TokenRecord, Scope) {
        let directory = try await consoleErrors { try await organizations.directory(ofToken: id) }
        let token = try await consoleErrors { try await directory.token(id: id) }
        return (token, try await scope(of: token.organization))
    }

    private func newTokenPage(_ request: Request, session: SignedIn, scope: Scope, error: String? = nil) async throws
        -> Response
    {
        let page = NewTokenPage(
            layout: layout("New SCIM token", section: .tokens, session: session, scope: scope, request: request),
            base: scope.base, organization: scope.many ? scope.organization.name : nil, error: error)
        return render("token-new", page, status: error == nil ? .ok : .badRequest)
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
