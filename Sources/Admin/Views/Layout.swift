import Directory
import Foundation

/// What every console page's frame shows: its title, the navigation, the organization it is about, the signed-in
/// administrator and a message left by the action before. Page models hold one as `layout`; the `top` template
/// reads it, and forms read `layout.csrf`.
struct Layout: Sendable {
    var title: String
    var signedIn: Bool
    var adminName = ""
    var csrf = ""
    var nav: [NavLink] = []
    /// The organization switcher, shown when there are several.
    var organizations: OrganizationSwitch?
    /// A message about the action just done ("Token created."), shown once.
    var flash: String?
    /// Whether the SCIM endpoint shown is a guess from the browser's address (no `--public-url`).
    var endpointGuessed = false
    /// Where the brand leads, and where Sign out posts: the console's, or the setup portal's.
    var home = "/admin"
    var signOut = "/admin/sign-out"
}

struct NavLink: Sendable {
    var title: String
    var href: String
    var current: Bool
}

/// A menu of organizations: choosing one opens the same section in it.
struct OrganizationSwitch: Sendable {
    struct Option: Sendable {
        var name: String
        var href: String
        var selected: Bool
    }
    var current: String
    var options: [Option]
}

/// The console's sections, in the order the navigation lists them.
enum Section: String, Sendable, CaseIterable {
    case overview, tokens, people, groups, fields, activity, connectOkta, connectEntra, signIn, organizations
    case applications
    case administrators
    case none

    var title: String {
        switch self {
        case .overview: "Overview"
        case .tokens: "SCIM Tokens"
        case .people: "People"
        case .groups: "Groups"
        case .fields: "Custom fields"
        case .activity: "Provisioning activity"
        case .connectOkta: "Connect Okta"
        case .connectEntra: "Connect Entra ID"
        case .signIn: "Single sign-on"
        case .organizations: "Organizations"
        case .applications: "Applications"
        case .administrators: "Administrators"
        case .none: ""
        }
    }

    /// The section's path under an organization's pages, or under `/admin` for those about every organization.
    var path: String {
        switch self {
        case .overview, .none: ""
        case .tokens: "/tokens"
        case .people: "/people"
        case .groups: "/groups"
        case .fields: "/fields"
        case .activity: "/activity"
        case .connectOkta: "/connect/okta"
        case .connectEntra: "/connect/entra"
        case .signIn: "/sso"
        case .organizations: "/organizations"
        case .applications: "/applications"
        case .administrators: "/administrators"
        }
    }

    /// Whether the section shows one organization's data.
    var isScoped: Bool { self != .organizations && self != .applications && self != .administrators && self != .none }
}

/// The organization a console page is about, and where that organization's pages live: `/admin/…` for the default
/// organization (a single-organization install never sees another address), `/admin/o/ID/…` for the others.
struct Scope: Sendable {
    let organization: Organization
    let directory: Directory
    let all: [Organization]
    /// Where the organization's pages live.
    let base: String
    /// Whether its people and groups have pages here (not in the setup portal).
    let showsDirectory: Bool

    init(organization: Organization, directory: Directory, all: [Organization]) {
        self.organization = organization
        self.directory = directory
        self.all = all
        self.base = organization.isDefault ? "/admin" : "/admin/o/\(organization.id)"
        self.showsDirectory = true
    }

    /// The scope of the setup portal: one organization, under `/portal`.
    init(portalOf organization: Organization, directory: Directory) {
        self.organization = organization
        self.directory = directory
        self.all = [organization]
        self.base = "/portal"
        self.showsDirectory = false
    }

    var many: Bool { all.count > 1 }

    func href(_ section: Section) -> String {
        section.isScoped ? base + section.path : "/admin" + section.path
    }
}
