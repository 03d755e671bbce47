import Directory
import Foundation
import Hummingbird
import SCIMCore
import SCIMHTTP

extension AdminConsole {
    /// Groups: a searchable list, and a group's page with its members a page at a time, at any group size.
    func registerGroups(on group: RouterGroup<SCIMRequestContext>) {
        group.get("groups") { request, _ in
            let session = try await signedIn(request)
            let query = request.uri.queryParameters
            let search = query["q"].map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
            let page = min(max(1, query["page"].flatMap { Int(String($0)) } ?? 1), Self.maxPage)
            let result = try await directory.list(
                .group, filter: search.isEmpty ? nil : "displayName co \(JSON.string(search).serialized())",
                sort: Sort(path: AttributePath(name: "displayName"), ascending: true),
                page: Page(startIndex: (page - 1) * Self.pageSize + 1, count: Self.pageSize, maximum: Self.pageSize))
            var data = layout("Groups", section: "groups", signedIn: session)
            data["q"] = search
            data["total"] = result.totalResults
            data["groups"] = result.resources.compactMap(\.objectValue).map { group -> [String: Any] in
                [
                    "id": group["id"]?.stringValue ?? "", "name": group["displayName"]?.stringValue ?? "",
                    "externalId": group["externalId"]?.stringValue ?? "",
                ]
            }
            data.merge(
                Self.paging(page: page, total: result.totalResults) { number in
                    "/admin/groups?" + Self.query(["q": search, "page": String(number)])
                }
            ) { $1 }
            return pages.render("groups", data)
        }
        group.get("groups/:id") { request, context in
            let session = try await signedIn(request)
            let id = try context.parameters.require("id")
            let resource = try await directory.get(.group, id: id, projection: Self.withoutMembers)
            let after = request.uri.queryParameters["after"].flatMap { Int64(String($0)) }
            let members = try await directory.members(ofGroup: id, after: after, limit: 50)
            var data = layout(
                resource.representation["displayName"]?.stringValue ?? id, section: "groups", signedIn: session)
            data.merge(try await resourceDetails(resource, id: id)) { $1 }
            data["members"] = members.members.map { member -> [String: Any] in
                [
                    "id": member.id, "name": member.display ?? member.id, "isUser": member.kind == .user,
                    "kind": member.kind.rawValue,
                ]
            }
            if let next = members.next { data["nextMembers"] = "/admin/groups/\(id)?after=\(next)" }
            if after != nil { data["firstMembers"] = "/admin/groups/\(id)" }
            return pages.render("group", data)
        }
    }

    static let withoutMembers = Projection(attributes: [], excludedAttributes: [AttributePath(name: "members")])
}
