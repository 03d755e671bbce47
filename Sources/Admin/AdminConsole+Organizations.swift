import Directory
import Foundation
import Hummingbird
import SCIMCore
import SCIMHTTP

struct OrganizationRow: Sendable {
    var id: String
    var name: String
    var href: String
    var settings: String
    var domains: String
    var people: Int
    var groups: Int
    var isDefault: Bool
    /// The latest provisioning request, in words, with its outcome.
    var last: ActivityRow?
}

struct OrganizationsPage: PageModel {
    var layout: Layout
    var organizations: [OrganizationRow]
    var pager: Pager
    var error: String?
    var name = ""
    var domains = ""
}

struct OrganizationPage: PageModel {
    struct LinkRow: Sendable {
        var id: String
        var state: String
        var valid: Bool
        var created: String
        var createdBy: String
        var expires: String
        var uses: Int
        var lastUsed: String
    }
    var layout: Layout
    var organization: OrganizationRow
    var domainLines: String
    var error: String?
    var links: [LinkRow]
    var hasLinks: Bool
    /// A setup link just made, shown this once.
    var newLink: String?
}

extension AdminConsole {
    /// Organizations: the list (counts and the latest request of each), create, rename, domains, and delete after
    /// typing the organization's name.
    func registerOrganizations(on group: RouterGroup<SCIMRequestContext>) {
        group.get("organizations") { request, _ in
            try await organizationsPage(request, session: try await signedIn(request))
        }
        group.post("organizations", use: createOrganization)
        group.get("organizations/:id") { request, context in
            try await organizationPage(
                try context.parameters.require("id"), request: request, session: try await signedIn(request))
        }
        group.post("organizations/:id/name", use: renameOrganization)
        group.post("organizations/:id/domains", use: setOrganizationDomains)
        group.post("organizations/:id/delete", use: deleteOrganization)
        group.post("organizations/:id/setup-links", use: createSetupLink)
        group.post("organizations/:id/setup-links/:link/revoke", use: revokeSetupLink)
    }

    /// A setup link for the organization's IT administrator; its URL is shown once, on the page the form leads to.
    @Sendable func createSetupLink(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let session = try await signedIn(request)
        let form = try await form(request, context: context, session: session)
        let id = try context.parameters.require("id")
        let organization = try await consoleErrors { try await organizations.organization(id: id) }
        let days = form["days"].flatMap { Int($0) }.map { min(max($0, 1), 90) } ?? 7
        let link: SetupLink
        let secret: String
        do {
            (link, secret) = try await accounts.createSetupLink(
                for: organization.key, lifetime: Double(days) * 86400, by: session.admin.username)
        } catch let problem as AccountProblem {
            throw ConsoleError.badRequest(problem.description)
        }
        var response = redirect(
            "/admin/organizations/\(id)",
            flash: "Setup link created: send it to \(organization.name)'s IT administrator.")
        if let cookie = Reveal.cookie(
            secret: portalURL(request, secret: secret), tokenID: "link:\(link.id)",
            session: request.cookies[Sessions.cookieName]?.value ?? "", path: "/admin", secure: settings.secureCookies)
        {
            response.setCookie(cookie)
        }
        return response
    }

    @Sendable func revokeSetupLink(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let session = try await signedIn(request)
        _ = try await form(request, context: context, session: session)
        let id = try context.parameters.require("id")
        let organization = try await consoleErrors { try await organizations.organization(id: id) }
        guard try await accounts.revokeSetupLink(id: try context.parameters.require("link"), of: organization.key)
        else { throw ConsoleError.notFound("The organization has no such setup link.") }
        return redirect("/admin/organizations/\(id)", flash: "Setup link revoked: it no longer opens anything.")
    }

    /// The address a setup link's secret opens.
    func portalURL(_ request: Request, secret: String) -> String {
        let endpoint = endpoint(request)
        let root = endpoint.hasSuffix("/scim/v2") ? String(endpoint.dropLast("/scim/v2".count)) : endpoint
        return "\(root)/portal/open?link=\(secret)"
    }

    @Sendable func createOrganization(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let session = try await signedIn(request)
        let form = try await form(request, context: context, session: session)
        do {
            let organization = try await organizations.create(
                name: form["name"] ?? "", domains: Self.lines(form["domains"]))
            return redirect(
                "/admin/o/\(organization.id)",
                flash: "\(organization.name) created. Next: a SCIM token for its identity provider.")
        } catch let error as SCIMError where error.status < 500 {
            return try await organizationsPage(request, session: session, error: error.detail, form: form)
        }
    }

    @Sendable func renameOrganization(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        try await changeOrganization(request, context) { id, form in
            let renamed = try await organizations.rename(id: id, to: form["name"] ?? "")
            return "Renamed to \(renamed.name)."
        }
    }

    @Sendable func setOrganizationDomains(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        try await changeOrganization(request, context) { id, form in
            _ = try await organizations.setDomains(id: id, Self.lines(form["domains"]))
            return "Domains saved."
        }
    }

    @Sendable func deleteOrganization(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let session = try await signedIn(request)
        let form = try await form(request, context: context, session: session)
        let id = try context.parameters.require("id")
        let organization = try await consoleErrors { try await organizations.organization(id: id) }
        guard form.text("confirm") == organization.name else {
            return try await organizationPage(
                id, request: request, session: session,
                error: "Type the organization's name, \(organization.name), exactly, to delete it.")
        }
        do {
            try await organizations.delete(id: id)
        } catch let error as SCIMError where error.status < 500 && error.status != 404 {
            return try await organizationPage(id, request: request, session: session, error: error.detail)
        }
        return redirect(
            "/admin/organizations",
            flash: "\(organization.name) deleted: its tokens stopped working; its people and groups are being removed.")
    }

    private func changeOrganization(
        _ request: Request, _ context: SCIMRequestContext, _ change: (String, Form) async throws -> String
    ) async throws -> Response {
        let session = try await signedIn(request)
        let form = try await form(request, context: context, session: session)
        let id = try context.parameters.require("id")
        do {
            let message = try await consoleErrors { try await change(id, form) }
            return redirect("/admin/organizations/\(id)", flash: message)
        } catch let error as SCIMError where error.status < 500 {
            return try await organizationPage(id, request: request, session: session, error: error.detail)
        }
    }

    private func organizationsPage(
        _ request: Request, session: SignedIn, error: String? = nil, form: Form? = nil
    ) async throws -> Response {
        let scope = try await scopeOfDefault()
        // Each row costs two queries (counts, latest request): a page of them at a time, however many there are.
        let number = Self.pageNumber(request.uri.queryParameters["page"])
        var rows: [OrganizationRow] = []
        for organization in scope.all.dropFirst((number - 1) * Self.pageSize).prefix(Self.pageSize) {
            rows.append(try await organizationRow(organization))
        }
        let pager = Self.pager(page: number, total: scope.all.count) { "/admin/organizations?page=\($0)" }
        let page = OrganizationsPage(
            layout: layout("Organizations", section: .organizations, session: session, scope: scope, request: request),
            organizations: rows, pager: pager, error: error, name: form?["name"] ?? "", domains: form?["domains"] ?? "")
        return render("organizations", page, status: error == nil ? .ok : .badRequest)
    }

    private func organizationPage(_ id: String, request: Request, session: SignedIn, error: String? = nil)
        async throws -> Response
    {
        let organization = try await consoleErrors { try await organizations.organization(id: id) }
        let scope = try await scope(of: organization.key)
        let now = clock()
        let links = try await accounts.setupLinks(of: organization.key).map { link in
            OrganizationPage.LinkRow(
                id: link.id,
                state: link.revoked != nil ? "Revoked" : link.isValid(at: now) ? "Valid" : "Expired",
                valid: link.isValid(at: now), created: Format.time(link.created), createdBy: link.createdBy,
                expires: Format.time(link.expires), uses: link.uses,
                lastUsed: link.lastUsed.map { Format.age($0, now: now) } ?? "never")
        }
        let newLink = links.lazy.compactMap { link in
            request.cookies[Sessions.cookieName].flatMap {
                Reveal.secret(in: request, tokenID: "link:\(link.id)", session: $0.value)
            }
        }.first
        let page = OrganizationPage(
            layout: layout(
                organization.name, section: .organizations, session: session, scope: scope, request: request),
            organization: try await organizationRow(organization),
            domainLines: organization.domains.joined(separator: "\n"), error: error, links: links,
            hasLinks: !links.isEmpty, newLink: newLink)
        var response = render("organization", page, status: error == nil ? .ok : .badRequest)
        if request.cookies[Reveal.cookieName] != nil {
            response.setCookie(Reveal.cleared(path: "/admin", secure: settings.secureCookies))
        }
        return response
    }

    private func organizationRow(_ organization: Organization) async throws -> OrganizationRow {
        let directory = organizations.directory(for: organization.key)
        let counts = try await directory.counts()
        let scope = Scope(organization: organization, directory: directory, all: [organization])
        let last = try await activity(ActivityQuery(limit: 1), in: scope).filter { $0.tokenID != nil }
        return OrganizationRow(
            id: organization.id, name: organization.name, href: scope.base,
            settings: "/admin/organizations/\(organization.id)", domains: organization.domains.joined(separator: ", "),
            people: counts.users, groups: counts.groups, isDefault: organization.isDefault,
            last: try await activityRows(last, in: scope).first)
    }
}
