import Directory
import Foundation
import Hummingbird
import SCIMCore
import SCIMHTTP

extension AdminConsole {
    static let pageSize = 25
    /// Pages beyond this are refused by clamping: a page number is arithmetic, and must never overflow.
    static let maxPage = 1_000_000

    /// People: search by userName, name or email, an active/deactivated filter, paging; and a person's page.
    func registerPeople(on group: RouterGroup<SCIMRequestContext>) {
        group.get("people") { request, _ in
            let session = try await signedIn(request)
            let query = request.uri.queryParameters
            let search = query["q"].map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
            let status = query["status"].map(String.init) ?? "all"
            let page = min(max(1, query["page"].flatMap { Int(String($0)) } ?? 1), Self.maxPage)
            let result = try await directory.list(
                .user, filter: Self.peopleFilter(search: search, status: status),
                sort: Sort(path: AttributePath(name: "userName"), ascending: true),
                page: Page(startIndex: (page - 1) * Self.pageSize + 1, count: Self.pageSize, maximum: Self.pageSize))
            var data = layout("People", section: "people", signedIn: session)
            data["q"] = search
            data["status_\(status)"] = true
            data["total"] = result.totalResults
            data["people"] = result.resources.compactMap(\.objectValue).map(personRow)
            data.merge(
                Self.paging(
                    page: page, total: result.totalResults,
                    link: { number in
                        "/admin/people?" + Self.query(["q": search, "status": status, "page": String(number)])
                    })
            ) { $1 }
            return pages.render("people", data)
        }
        group.get("people/:id") { request, context in
            let session = try await signedIn(request)
            let id = try context.parameters.require("id")
            let person = try await directory.get(.user, id: id)
            var data = layout(
                person.representation["userName"]?.stringValue ?? id, section: "people", signedIn: session)
            data.merge(try await resourceDetails(person, id: id)) { $1 }
            data["groups"] = (person.representation["groups"]?.arrayValue ?? []).compactMap { group -> [String: Any]? in
                guard let value = group["value"]?.stringValue else { return nil }
                return ["id": value, "name": group["display"]?.stringValue ?? value]
            }
            data["active"] = person.representation["active"]?.boolValue ?? true
            return pages.render("person", data)
        }
    }

    /// A SCIM filter for the search box, built with the text as a JSON string so it cannot change the filter.
    static func peopleFilter(search: String, status: String) -> String? {
        var parts: [String] = []
        if !search.isEmpty {
            let text = JSON.string(search).serialized()
            let paths = [
                "userName", "displayName", "name.formatted", "name.givenName", "name.familyName", "emails.value",
            ]
            parts.append("(" + paths.map { "\($0) co \(text)" }.joined(separator: " or ") + ")")
        }
        switch status {
        case "active": parts.append("active eq true")
        case "deactivated": parts.append("active eq false")
        default: break
        }
        return parts.isEmpty ? nil : parts.joined(separator: " and ")
    }

    func personRow(_ person: JSONObject) -> [String: Any] {
        let emails = person["emails"]?.arrayValue ?? []
        let email = (emails.first { $0["primary"]?.boolValue == true } ?? emails.first)?["value"]?.stringValue
        let name =
            person["name"]?["formatted"]?.stringValue
            ?? [person["name"]?["givenName"]?.stringValue, person["name"]?["familyName"]?.stringValue]
            .compactMap { $0 }.joined(separator: " ")
        return [
            "id": person["id"]?.stringValue ?? "", "userName": person["userName"]?.stringValue ?? "",
            "name": name, "email": email ?? "", "active": person["active"]?.boolValue ?? true,
        ]
    }

    /// Attributes, provenance and recent activity: what a person's and a group's pages share.
    func resourceDetails(_ resource: ResourceResponse, id: String) async throws -> [String: Any] {
        let provenance = try await directory.provenance(of: id)
        let recent = try await directory.activity(ActivityQuery(resourceID: id, limit: 10))
        return [
            "id": id,
            "attributes": Flattening.rows(
                of: resource.representation, skipping: ["schemas", "meta", "groups", "members"]),
            "created": Format.time(resource.meta.created), "modified": Format.time(resource.meta.lastModified),
            "createdBy": provenance?.createdBy ?? "not recorded",
            "modifiedBy": provenance?.modifiedBy ?? provenance?.createdBy ?? "not recorded",
            "version": resource.meta.version, "events": recent.map(activityRow), "hasEvents": !recent.isEmpty,
        ]
    }

    /// Previous and next links for a numbered page.
    static func paging(page: Int, total: Int, link: (Int) -> String) -> [String: Any] {
        let pages = max(1, (total + pageSize - 1) / pageSize)
        var data: [String: Any] = ["page": page, "pages": pages]
        if page > 1 { data["previous"] = link(page - 1) }
        if page < pages { data["next"] = link(page + 1) }
        return data
    }

    static func query(_ items: [String: String]) -> String {
        var components = URLComponents()
        components.queryItems = items.sorted { $0.key < $1.key }.filter { !$0.value.isEmpty }
            .map { URLQueryItem(name: $0.key, value: $0.value) }
        return components.percentEncodedQuery ?? ""
    }
}

/// A resource's attributes as rows of label and text: `name.givenName`, `emails` as `a@b (work, primary)`, and
/// extension attributes under their schema's short name.
enum Flattening {
    static func rows(of object: JSONObject, skipping: Set<String>) -> [[String: String]] {
        var rows: [[String: String]] = []
        for (key, value) in object.members where !skipping.contains(key) {
            if key.hasPrefix("urn:"), let extensionObject = value.objectValue {
                let schema = key.split(separator: ":").suffix(2).joined(separator: ":")
                for (name, inner) in extensionObject.members {
                    rows.append(["label": name, "schema": schema, "value": text(inner)])
                }
            } else if let nested = value.objectValue {
                for (name, inner) in nested.members { rows.append(["label": "\(key).\(name)", "value": text(inner)]) }
            } else {
                rows.append(["label": key, "value": text(value)])
            }
        }
        return rows
    }

    static func text(_ value: JSON) -> String {
        switch value {
        case .string(let text): return text
        case .array(let items): return items.map(text).joined(separator: "; ")
        case .object(let object):
            let main = object["value"].map(text) ?? object["display"].map(text) ?? object["formatted"].map(text)
            let notes = [object["type"]?.stringValue, object["primary"]?.boolValue == true ? "primary" : nil]
                .compactMap { $0 }
            let rest = main ?? object.members.map { "\($0.key): \(text($0.value))" }.joined(separator: ", ")
            return notes.isEmpty ? rest : "\(rest) (\(notes.joined(separator: ", ")))"
        default: return value.serialized()
        }
    }
}
