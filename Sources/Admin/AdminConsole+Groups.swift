import Directory
import Foundation
import Hummingbird
import SCIMCore
import SCIMHTTP

struct GroupRow: Sendable {
    var href: String
    var name: String
    var externalId: String
    var members: Int
}

struct GroupsPage: PageModel {
    var layout: Layout
    var base: String
    var q: String
    var total: Int
    var groups: [GroupRow]
    var hasGroups: Bool
    var empty: String
    var pager: Pager
}

struct GroupPage: PageModel {
    var layout: Layout
    var base: String
    var name: String
    var memberCount: Int
    var members: [PersonRow]
    var hasMembers: Bool
    var pager: Pager
    var details: ResourceDetails
}

extension AdminConsole {
    /// Groups: a searchable list with member counts, and a group's page with its people (email and status) a page
    /// at a time, at any group size.
    func registerGroups(on group: RouterGroup<SCIMRequestContext>) {
        scoped(group, .get, "groups", groupsPage)
        scoped(group, .get, "groups/:id", groupPage)
    }

    @Sendable func groupsPage(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let session = try await signedIn(request)
        let scope = try await scope(context)
        let query = request.uri.queryParameters
        let search = query["q"].map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        let page = Self.pageNumber(query["page"])
        let result = try await scope.directory.list(
            .group, filter: search.isEmpty ? nil : "displayName co \(JSON.string(search).serialized())",
            sort: Sort(path: AttributePath(name: "displayName"), ascending: true),
            page: Page(startIndex: (page - 1) * Self.pageSize + 1, count: Self.pageSize, maximum: Self.pageSize))
        var rows: [GroupRow] = []
        for group in result.resources.compactMap(\.objectValue) {
            let id = group["id"]?.stringValue ?? ""
            rows.append(
                GroupRow(
                    href: "\(scope.base)/groups/\(id)", name: group["displayName"]?.stringValue ?? id,
                    externalId: group["externalId"]?.stringValue ?? "",
                    members: try await memberCount(of: id, in: scope)))
        }
        let pager = Self.pager(page: page, total: result.totalResults) { number in
            Self.link("\(scope.base)/groups", ["q": search, "page": number == 1 ? "" : String(number)])
        }
        let model = GroupsPage(
            layout: layout("Groups", section: .groups, session: session, scope: scope, request: request),
            base: scope.base, q: search, total: result.totalResults, groups: rows, hasGroups: !rows.isEmpty,
            empty: pager.beyond
                ? "There is no page \(page): the list has \(pager.pages)."
                : search.isEmpty
                    ? "No groups yet. They appear here once an identity provider pushes them (Okta's Push Groups)."
                    : "No group matches this search.",
            pager: pager)
        return render("groups", model)
    }

    @Sendable func groupPage(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let session = try await signedIn(request)
        let scope = try await scope(context)
        let id = try context.parameters.require("id")
        let resource = try await scope.directory.get(.group, id: id, projection: Self.withoutMembers)
        let name = resource.representation["displayName"]?.stringValue ?? id
        let page = Self.pageNumber(request.uri.queryParameters["page"])
        let members = try await scope.directory.list(
            .user, filter: "groups.value eq \(JSON.string(id).serialized())",
            sort: Sort(path: AttributePath(name: "userName"), ascending: true),
            page: Page(startIndex: (page - 1) * Self.pageSize + 1, count: Self.pageSize, maximum: Self.pageSize))
        let rows = members.resources.compactMap(\.objectValue).map { PersonRow($0, base: scope.base) }
        let model = GroupPage(
            layout: layout(name, section: .groups, session: session, scope: scope, request: request),
            base: scope.base, name: name, memberCount: members.totalResults, members: rows,
            hasMembers: !rows.isEmpty,
            pager: Self.pager(page: page, total: members.totalResults) { number in
                "\(scope.base)/groups/\(id)" + (number == 1 ? "" : "?page=\(number)")
            },
            details: try await resourceDetails(resource, id: id, in: scope))
        return render("group", model)
    }

    /// How many people a group holds.
    private func memberCount(of id: String, in scope: Scope) async throws -> Int {
        try await scope.directory.list(
            .user, filter: "groups.value eq \(JSON.string(id).serialized())",
            page: Page(startIndex: 1, count: 0, maximum: 1)
        ).totalResults
    }

    static let withoutMembers = Projection(attributes: [], excludedAttributes: [AttributePath(name: "members")])
}
