import Directory
import Foundation
import Hummingbird
import SCIMCore
import SCIMHTTP

/// The admin console at `/admin`: server-rendered pages over the directory, behind a signed-in session.
public struct AdminConsole: Sendable {
    /// How the console is set up; `roster serve` fills it from its configuration.
    public struct Settings: Sendable {
        /// The SCIM endpoint shown to admins, such as `https://roster.example.com/scim/v2`; nil when no public URL
        /// is configured, in which case it is the address the admin's browser used.
        public var scimEndpoint: String?
        /// Whether cookies get `Secure`: true when Roster is reached over https.
        public var secureCookies: Bool
        public var sessionLifetime: TimeInterval
        /// How long provisioning activity is kept, shown on the activity page.
        public var activityRetention: TimeInterval
        /// How a sign-in's client address is told from a proxy's.
        public var addresses: ClientAddresses

        public init(
            scimEndpoint: String?, secureCookies: Bool,
            sessionLifetime: TimeInterval = 12 * 3600, activityRetention: TimeInterval = 30 * 86400,
            addresses: ClientAddresses = ClientAddresses()
        ) {
            self.scimEndpoint = scimEndpoint
            self.secureCookies = secureCookies
            self.sessionLifetime = sessionLifetime
            self.activityRetention = activityRetention
            self.addresses = addresses
        }
    }

    let organizations: Organizations
    let accounts: Accounts
    let settings: Settings
    let pages: Pages
    let signInThrottle: SignInThrottle
    let clock: @Sendable () -> Date

    /// `throttleClock`: the time failed sign-ins are counted and locked out by.
    public init(
        organizations: Organizations, accounts: Accounts, settings: Settings,
        clock: @escaping @Sendable () -> Date = { Date() },
        throttleClock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.organizations = organizations
        self.accounts = accounts
        self.settings = settings
        self.pages = Pages()
        self.clock = clock
        self.signInThrottle = SignInThrottle(clock: throttleClock)
    }

    /// Adds every console route under `/admin`.
    public func register(on router: Router<SCIMRequestContext>) {
        router.get("admin/assets/console.css") { _, _ in Assets.response(Assets.css, type: "text/css") }
        router.get("admin/assets/console.js") { _, _ in Assets.response(Assets.javascript, type: "text/javascript") }
        let group = router.group("admin")
            .add(middleware: SecurityHeadersMiddleware())
            .add(middleware: ConsoleErrorMiddleware(pages: pages))
        registerSignIn(on: group)
        registerOverview(on: group)
        registerTokens(on: group)
        registerPeople(on: group)
        registerGroups(on: group)
        registerFields(on: group)
        registerActivity(on: group)
        registerConnect(on: group)
        registerAdministrators(on: group)
        registerApplications(on: group)
        registerSingleSignOn(on: group)
        registerOrganizations(on: group)
        registerPortal(on: router)
        group.get("**") { request, _ -> Response in
            _ = try await signedIn(request)
            throw ConsoleError.notFound("There is no such page.")
        }
    }

    /// The signed-in administrator of a request, or a redirect to the sign-in page.
    func signedIn(_ request: Request) async throws -> SignedIn {
        guard let secret = request.cookies[Sessions.cookieName]?.value,
            let signedIn = try await accounts.session(secret: secret, now: clock())
        else { throw ConsoleError.signInRequired }
        return signedIn
    }

    /// The fields of a posted form, once the request has proven it comes from this console's own page.
    func form(_ request: Request, context: SCIMRequestContext, session: SignedIn?, limit: Int = 64 * 1024)
        async throws -> Form
    {
        try await form(
            request, csrf: session?.session.csrfToken ?? request.cookies[CSRF.cookieName]?.value, limit: limit)
    }

    /// A posted form whose `csrf` field is `expected` (the console's session token, or the setup portal's), of at
    /// most `limit` bytes.
    func form(_ request: Request, csrf expected: String?, limit: Int = 64 * 1024) async throws -> Form {
        try CSRF.checkOrigin(request, publicURL: settings.scimEndpoint)
        var request = request
        let form = Form(urlEncoded: String(buffer: try await request.collectBody(upTo: limit)))
        guard let expected, expected.count >= 32, let sent = form["csrf"], Secrets.matches(sent, expected) else {
            throw ConsoleError.forbidden(
                "This form has expired or did not come from Roster. Go back, reload the page and try again.")
        }
        return form
    }

    /// The SCIM endpoint to paste into an identity provider: from `--public-url`, or else from the address the
    /// browser used, when that is a plain host and port (a forged `Host` header is not repeated on the page).
    func endpoint(_ request: Request) -> String {
        if let endpoint = settings.scimEndpoint { return endpoint }
        let authority = request.head.authority.flatMap { Self.isPlainAuthority($0) ? $0 : nil } ?? "localhost"
        return "http://\(authority)/scim/v2"
    }

    /// `host`, `host:port`, `192.0.2.1:8080` or `[2001:db8::1]:8080`, and nothing else.
    static func isPlainAuthority(_ text: String) -> Bool {
        text.utf8.count <= 255
            && text.wholeMatch(of: /([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?/)
                != nil
    }

    /// The frame of a page: its title, the navigation within `scope`'s organization, the administrator, and the
    /// flash message the request carries.
    func layout(_ title: String, section: Section, session: SignedIn?, scope: Scope? = nil, request: Request)
        -> Layout
    {
        var layout = Layout(title: title, signedIn: session != nil, endpointGuessed: settings.scimEndpoint == nil)
        layout.flash = Flash.message(in: request)
        guard let session else { return layout }
        layout.adminName = session.admin.username
        layout.csrf = session.session.csrfToken
        let sections: [Section] = [
            .overview, .tokens, .people, .groups, .fields, .activity, .connectOkta, .connectEntra, .signIn,
            .organizations,
            .applications, .administrators,
        ]
        layout.nav = sections.map { item in
            NavLink(
                title: item.title, href: scope?.href(item) ?? "/admin" + item.path, current: item == section)
        }
        if let scope, scope.many {
            // A menu of a few dozen at most; past that the Organizations page lists them all.
            let shown =
                scope.all.prefix(Self.menuSize).contains { $0.key == scope.organization.key }
                ? Array(scope.all.prefix(Self.menuSize))
                : Array(scope.all.prefix(Self.menuSize - 1)) + [scope.organization]
            var options = shown.map { organization in
                let base = organization.isDefault ? "/admin" : "/admin/o/\(organization.id)"
                return OrganizationSwitch.Option(
                    name: organization.name, href: base + (section.isScoped ? section.path : ""),
                    selected: organization.key == scope.organization.key)
            }
            if scope.all.count > shown.count {
                options.append(.init(name: "All organizations…", href: "/admin/organizations", selected: false))
            }
            layout.organizations = OrganizationSwitch(current: scope.organization.name, options: options)
        }
        return layout
    }

    /// Organizations the header's menu lists at most.
    static let menuSize = 30

    /// A page rendered from its model; a flash message it shows is not shown again.
    func render(_ template: String, _ model: some PageModel, status: HTTPResponse.Status = .ok) -> Response {
        var response = pages.render(template, model, status: status)
        if model.layout.flash != nil {
            response.setCookie(Flash.cleared(secure: settings.secureCookies, path: model.layout.home))
        }
        return response
    }

    /// A 303 to `location`, leaving `flash` for the page it leads to.
    func redirect(_ location: String, flash: String? = nil) -> Response {
        var response = Pages.redirect(location)
        if let flash { response.setCookie(Flash.cookie(flash, secure: settings.secureCookies)) }
        return response
    }

    /// The organization a request's page is about: the one its path names (`/admin/o/ID/…`), or the default one.
    func scope(_ context: SCIMRequestContext) async throws -> Scope {
        let all = try await organizations.list()
        guard let id = context.parameters.get("org") else {
            let organization = all.first(where: \.isDefault) ?? all[0]
            return Scope(organization: organization, directory: organizations.defaultDirectory, all: all)
        }
        guard let organization = all.first(where: { $0.id == id }) else {
            throw ConsoleError.notFound("There is no organization \(id).")
        }
        return Scope(organization: organization, directory: organizations.directory(for: organization.key), all: all)
    }

    /// The scope of an organization known by its key (a token's, say).
    func scope(of key: OrganizationKey) async throws -> Scope {
        let all = try await organizations.list()
        guard let organization = all.first(where: { $0.key == key }) else {
            throw ConsoleError.notFound("The organization is gone.")
        }
        return Scope(organization: organization, directory: organizations.directory(for: key), all: all)
    }

    /// Registers one of an organization's pages at `/admin/PATH` (the default organization) and at
    /// `/admin/o/:org/PATH`.
    func scoped(
        _ group: RouterGroup<SCIMRequestContext>, _ method: HTTPRequest.Method, _ path: String,
        _ handler: @escaping @Sendable (Request, SCIMRequestContext) async throws -> Response
    ) {
        group.on(RouterPath(path), method: method, use: handler)
        group.on(RouterPath(path.isEmpty ? "o/:org" : "o/:org/\(path)"), method: method, use: handler)
    }
}
