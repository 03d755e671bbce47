import Crypto
import Directory
import Foundation
import Hummingbird
import SCIMCore
import SCIMHTTP

/// A setup link's visit: the link, its organization, the secret that opened it (kept in the browser's cookie), and a
/// random value of this browser's visit, which no other holder of the link knows.
struct PortalVisit: Sendable {
    let link: SetupLink
    let scope: Scope
    let secret: String
    let visit: String

    /// The key of what this browser alone may read (a new token's secret, shown once).
    var browserKey: String { secret + "\n" + visit }

    /// The form token of this visit: derived from the link's secret, which only this browser holds.
    var csrf: String {
        let code = HMAC<SHA256>.authenticationCode(
            for: Data("roster portal form".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return Base64URL.encode(Data(code))
    }
}

/// The page a setup link opens first: which organization it sets up, and a button to go on.
struct PortalOpenPage: PageModel {
    var layout: Layout
    var organization: String
    var link: String
    var expires: String
    /// The organization whose setup this browser has open now, which going on replaces.
    var replacing: String?
}

struct PortalHome: PageModel {
    var layout: Layout
    var base = "/portal"
    var tokensPath = "/portal/tokens"
    var organization: String
    var endpoint: String
    var tokens: [TokenRow]
    var hasTokens: Bool
    var expires: String
    var error: String?
}

extension AdminConsole {
    static let portalCookie = "roster_portal"
    static let visitCookie = "roster_portal_visit"

    /// The setup portal at `/portal`: whoever opens an organization's setup link may, for that organization only,
    /// create a SCIM token (shown once), regenerate one, and follow the Connect Okta and Connect Entra ID steps
    /// with their live status. Nothing else of Roster is reachable with it, and it stops when the link expires
    /// or is revoked.
    func registerPortal(on router: Router<SCIMRequestContext>) {
        let group = router.group("portal")
            .add(middleware: SecurityHeadersMiddleware())
            .add(middleware: ConsoleErrorMiddleware(pages: pages, home: "/portal"))
        group.get("open", use: portalOpenPage)
        group.post("open", use: openPortal)
        group.get("", use: portalHome)
        group.get("tokens") { _, _ in Pages.redirect("/portal") }
        group.get("tokens/new") { _, _ in Pages.redirect("/portal") }
        group.get("activity") { _, _ in Pages.redirect("/portal") }
        group.post("tokens", use: portalCreateToken)
        group.get("tokens/:id", use: portalToken)
        group.get("tokens/:id/regenerate", use: portalRegenerateConfirmation)
        group.post("tokens/:id/regenerate", use: portalRegenerate)
        for provider in [IdentityProvider.okta, .entra] {
            group.get("connect/\(provider.rawValue)") { request, context in
                try await portalConnect(request, context, provider: provider)
            }
            group.get("connect/\(provider.rawValue)/status") { request, _ in
                let visit = try await portalVisit(request)
                return pages.render("last-request", try await liveStatus(of: provider, in: visit.scope))
            }
        }
        group.get("activity/:event") { request, context in
            let visit = try await portalVisit(request)
            return try await activityDetail(context, scope: visit.scope) {
                portalLayout($0, visit: visit, request: request)
            }
        }
        group.post("sign-out", use: portalSignOut)
    }

    /// A link opened: which organization it sets up, and a button to go on. Nothing is set in the browser yet, so
    /// a link sent by someone else never silently replaces the setup this browser has open.
    @Sendable func portalOpenPage(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let secret = request.uri.queryParameters["link"].map(String.init) ?? ""
        guard let link = try await accounts.setupLink(secret: secret) else { throw Self.invalidLink }
        let organization = try await consoleErrors { try await organizations.organization(key: link.organization) }
        var replacing: String?
        if let current = try? await portalVisit(request), current.link.id != link.id {
            replacing = current.scope.organization.name
        }
        var layout = Layout(title: "Set up \(organization.name)", signedIn: false)
        layout.home = "/portal"
        let page = PortalOpenPage(
            layout: layout, organization: organization.name, link: secret, expires: Format.time(link.expires),
            replacing: replacing)
        return render("portal-open", page)
    }

    /// Going on: the link is checked again and its use recorded; the browser keeps its secret in a cookie for
    /// `/portal` only, with a random value of its own, and the secret leaves the address bar.
    @Sendable func openPortal(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        try CSRF.checkOrigin(request, publicURL: settings.scimEndpoint)
        var request = request
        let form = Form(urlEncoded: String(buffer: try await request.collectBody(upTo: 64 * 1024)))
        guard let secret = form["link"], let link = try await accounts.useSetupLink(secret: secret) else {
            throw Self.invalidLink
        }
        var response = Pages.redirect("/portal")
        let lifetime = max(0, Int(link.expires.timeIntervalSince(clock())))
        for (name, value) in [(Self.portalCookie, secret), (Self.visitCookie, Secrets.random())] {
            response.setCookie(
                Sessions.cookie(name, value: value, maxAge: lifetime, secure: settings.secureCookies, path: "/portal"))
        }
        return response
    }

    @Sendable func portalHome(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let visit = try await portalVisit(request)
        return try await portalHomePage(request, visit: visit)
    }

    @Sendable func portalCreateToken(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let visit = try await portalVisit(request)
        let form = try await portalForm(request, context: context, visit: visit)
        guard let description = form.text("description"), description.count <= 200 else {
            return try await portalHomePage(
                request, visit: visit,
                error: "Describe what the token is for (up to 200 characters), such as \"Okta\".")
        }
        let created = try await visit.scope.directory.createToken(description: description, status: .active)
        _ = try await accounts.useSetupLink(secret: visit.secret)
        return portalRevealing(created.secret, of: created.record.id, visit: visit, flash: "Token created.")
    }

    @Sendable func portalToken(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let visit = try await portalVisit(request)
        let id = try context.parameters.require("id")
        let token = try await portalToken(id, visit: visit)
        let secret = Reveal.secret(in: request, tokenID: id, session: visit.browserKey)
        let page = TokenPage(
            layout: portalLayout(token.description, visit: visit, request: request), base: "/portal",
            token: TokenRow(token), endpoint: endpoint(request), secret: secret, tokensPath: "/portal/tokens",
            manage: false)
        var response = render("token", page)
        if request.cookies[Reveal.cookieName] != nil {
            response.setCookie(Reveal.cleared(path: "/portal", secure: settings.secureCookies))
        }
        return response
    }

    @Sendable func portalRegenerateConfirmation(_ request: Request, context: SCIMRequestContext) async throws
        -> Response
    {
        let visit = try await portalVisit(request)
        let token = try await portalToken(try context.parameters.require("id"), visit: visit)
        let page = TokenPage(
            layout: portalLayout("Regenerate \(token.description)", visit: visit, request: request), base: "/portal",
            token: TokenRow(token), endpoint: endpoint(request), tokensPath: "/portal/tokens", manage: false)
        return render("token-regenerate", page)
    }

    @Sendable func portalRegenerate(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let visit = try await portalVisit(request)
        _ = try await portalForm(request, context: context, visit: visit)
        let token = try await portalToken(try context.parameters.require("id"), visit: visit)
        let secret = try await consoleErrors { try await visit.scope.directory.regenerateToken(id: token.id) }
        _ = try await accounts.useSetupLink(secret: visit.secret)
        return portalRevealing(
            secret, of: token.id, visit: visit,
            flash: "Token regenerated: the old one no longer works. Paste this one into the identity provider.")
    }

    @Sendable func portalSignOut(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let visit = try await portalVisit(request)
        _ = try await portalForm(request, context: context, visit: visit)
        var response = pages.error(
            .ok, "You have left the setup of \(visit.scope.organization.name). Open the setup link again to return.")
        for name in [Self.portalCookie, Self.visitCookie] {
            response.setCookie(
                Sessions.cookie(name, value: "", maxAge: 0, secure: settings.secureCookies, path: "/portal"))
        }
        return response
    }

    private func portalConnect(_ request: Request, _ context: SCIMRequestContext, provider: IdentityProvider)
        async throws -> Response
    {
        let visit = try await portalVisit(request)
        let tokens = try await visit.scope.directory.tokens().filter { $0.status == .active }.map { TokenRow($0) }
        let title = provider == .okta ? "Connect Okta" : "Connect Entra ID"
        let page = ConnectPage(
            layout: portalLayout(title, visit: visit, request: request), base: "/portal", endpoint: endpoint(request),
            tokens: tokens, hasTokens: !tokens.isEmpty, status: try await liveStatus(of: provider, in: visit.scope),
            tokensPath: "/portal/tokens")
        return render("connect-\(provider.rawValue)", page)
    }

    private func portalHomePage(_ request: Request, visit: PortalVisit, error: String? = nil) async throws
        -> Response
    {
        let tokens = try await visit.scope.directory.tokens().map { TokenRow($0) }
        let page = PortalHome(
            layout: portalLayout("Set up \(visit.scope.organization.name)", visit: visit, request: request),
            organization: visit.scope.organization.name, endpoint: endpoint(request), tokens: tokens,
            hasTokens: !tokens.isEmpty, expires: Format.time(visit.link.expires), error: error)
        return render("portal", page, status: error == nil ? .ok : .badRequest)
    }

    /// The link a request's cookie holds, if it is still valid.
    func portalVisit(_ request: Request) async throws -> PortalVisit {
        guard let secret = request.cookies[Self.portalCookie]?.value,
            let visit = request.cookies[Self.visitCookie]?.value, visit.count >= 32,
            let link = try await accounts.setupLink(secret: secret)
        else { throw Self.invalidLink }
        let organization = try await consoleErrors { try await organizations.organization(key: link.organization) }
        return PortalVisit(
            link: link,
            scope: Scope(portalOf: organization, directory: organizations.directory(for: organization.key)),
            secret: secret, visit: visit)
    }

    /// A token of the visit's organization; any other is not found.
    private func portalToken(_ id: String, visit: PortalVisit) async throws -> TokenRecord {
        try await consoleErrors { try await visit.scope.directory.token(id: id) }
    }

    private func portalForm(_ request: Request, context: SCIMRequestContext, visit: PortalVisit) async throws -> Form {
        try await form(request, csrf: visit.csrf)
    }

    private func portalRevealing(_ secret: String, of id: String, visit: PortalVisit, flash: String) -> Response {
        var response = Pages.redirect("/portal/tokens/\(id)")
        response.setCookie(Flash.cookie(flash, secure: settings.secureCookies, path: "/portal"))
        if let cookie = Reveal.cookie(
            secret: secret, tokenID: id, session: visit.browserKey, path: "/portal", secure: settings.secureCookies)
        {
            response.setCookie(cookie)
        }
        return response
    }

    func portalLayout(_ title: String, visit: PortalVisit, request: Request) -> Layout {
        var layout = Layout(title: title, signedIn: true, adminName: "Setting up \(visit.scope.organization.name)")
        layout.csrf = visit.csrf
        layout.home = "/portal"
        layout.signOut = "/portal/sign-out"
        layout.flash = Flash.message(in: request)
        layout.nav = [
            NavLink(title: "Tokens", href: "/portal", current: title.hasPrefix("Set up")),
            NavLink(title: "Connect Okta", href: "/portal/connect/okta", current: title == "Connect Okta"),
            NavLink(title: "Connect Entra ID", href: "/portal/connect/entra", current: title == "Connect Entra ID"),
        ]
        return layout
    }

    static let invalidLink = ConsoleError.forbidden(
        "This setup link is not valid: it has expired or was revoked. Ask whoever sent it for a new one.")
}
