import Directory
import Foundation
import Hummingbird
import SCIMCore
import SCIMHTTP

/// A person as the People list shows them.
struct PersonRow: Sendable {
    var href: String
    var name: String
    var userName: String
    var email: String
    var title: String
    var active: Bool
    var modified: String

    init(_ person: JSONObject, base: String) {
        let id = person["id"]?.stringValue ?? ""
        href = "\(base)/people/\(id)"
        userName = person["userName"]?.stringValue ?? ""
        name = Self.name(of: person) ?? userName
        email = Self.email(of: person) ?? ""
        title = person["title"]?.stringValue ?? ""
        active = person["active"]?.boolValue ?? true
        modified = person["meta"]?["lastModified"]?.stringValue.flatMap(DateTime.parse).map(Format.time) ?? ""
    }

    /// What people call the person: displayName, else the formatted or given and family names.
    static func name(of person: JSONObject) -> String? {
        if let display = person["displayName"]?.stringValue, !display.isEmpty { return display }
        if let formatted = person["name"]?["formatted"]?.stringValue, !formatted.isEmpty { return formatted }
        let parts = [person["name"]?["givenName"]?.stringValue, person["name"]?["familyName"]?.stringValue]
            .compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }

    /// The primary email, or the first.
    static func email(of person: JSONObject) -> String? {
        let emails = person["emails"]?.arrayValue ?? []
        return (emails.first { $0["primary"]?.boolValue == true } ?? emails.first)?["value"]?.stringValue
    }
}

struct Choice: Sendable {
    var value: String
    var label: String
    var selected: Bool
}

/// Previous and next links of a numbered list.
struct Pager: Sendable {
    var page: Int
    var pages: Int
    var previous: String?
    var next: String?
    /// Whether the page asked for is past the last one (it shows nothing, and says so).
    var beyond: Bool
}

struct PeoplePage: PageModel {
    var layout: Layout
    var base: String
    var q: String
    var total: Int
    var people: [PersonRow]
    var hasPeople: Bool
    var statuses: [Choice]
    var groups: [Choice]
    var sorts: [Choice]
    var empty: String
    var pager: Pager
}

struct PersonPage: PageModel {
    struct Fact: Sendable {
        var label: String
        var value: String
        var href: String?
    }
    struct GroupLink: Sendable {
        var name: String
        var href: String
    }
    var layout: Layout
    var base: String
    var name: String
    var initials: String
    var meta: String
    var active: Bool
    var facts: [Fact]
    var groups: [GroupLink]
    var hasGroups: Bool
    var details: ResourceDetails
}

extension AdminConsole {
    static let pageSize = 25
    /// Pages beyond this are refused by clamping: a page number is arithmetic, and must never overflow.
    static let maxPage = 1_000_000

    /// People: search by userName, name, email or externalId; filters by status and group; sorting; a page at a
    /// time; and a person's page.
    func registerPeople(on group: RouterGroup<SCIMRequestContext>) {
        scoped(group, .get, "people", peoplePage)
        scoped(group, .get, "people/:id", personPage)
    }

    /// The sort orders People offers, by the value in the query.
    static let peopleSorts: [(value: String, label: String, sort: Sort)] = [
        ("name", "Name", Sort(path: AttributePath(name: "displayName"), ascending: true)),
        ("userName", "userName", Sort(path: AttributePath(name: "userName"), ascending: true)),
        (
            "updated", "Recently changed",
            Sort(path: AttributePath(name: "meta", subAttribute: "lastModified"), ascending: false)
        ),
        (
            "created", "Recently created",
            Sort(path: AttributePath(name: "meta", subAttribute: "created"), ascending: false)
        ),
    ]

    @Sendable func peoplePage(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let session = try await signedIn(request)
        let scope = try await scope(context)
        let query = request.uri.queryParameters
        let search = query["q"].map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        let status =
            query["status"].map(String.init).flatMap { ["active", "deactivated"].contains($0) ? $0 : nil } ?? "all"
        let groupID = query["group"].map(String.init) ?? ""
        let sort = Self.peopleSorts.first { $0.value == query["sort"].map(String.init) } ?? Self.peopleSorts[1]
        let page = Self.pageNumber(query["page"])
        let groups = try await scope.directory.list(
            .group, filter: nil, sort: Sort(path: AttributePath(name: "displayName"), ascending: true),
            page: Page(startIndex: 1, count: 200, maximum: 200))
        let groupChoices = groups.resources.compactMap(\.objectValue).map { group in
            let id = group["id"]?.stringValue ?? ""
            return Choice(value: id, label: group["displayName"]?.stringValue ?? id, selected: id == groupID)
        }
        let filter = Self.peopleFilter(search: search, status: status, group: groupID)
        let result = try await scope.directory.list(
            .user, filter: filter, sort: sort.sort,
            page: Page(startIndex: (page - 1) * Self.pageSize + 1, count: Self.pageSize, maximum: Self.pageSize))
        let link = { (number: Int) in
            Self.link(
                "\(scope.base)/people",
                [
                    "q": search, "status": status == "all" ? "" : status, "group": groupID,
                    "sort": sort.value == "userName" ? "" : sort.value, "page": number == 1 ? "" : String(number),
                ])
        }
        let people = result.resources.compactMap(\.objectValue).map { PersonRow($0, base: scope.base) }
        let pager = Self.pager(page: page, total: result.totalResults, link: link)
        let model = PeoplePage(
            layout: layout("People", section: .people, session: session, scope: scope, request: request),
            base: scope.base, q: search, total: result.totalResults, people: people, hasPeople: !people.isEmpty,
            statuses: [("all", "Everyone"), ("active", "Active"), ("deactivated", "Deactivated")].map {
                Choice(value: $0.0, label: $0.1, selected: $0.0 == status)
            },
            groups: groupChoices,
            sorts: Self.peopleSorts.map { Choice(value: $0.value, label: $0.label, selected: $0.value == sort.value) },
            empty: pager.beyond
                ? "There is no page \(page): the list has \(pager.pages)."
                : filter == nil
                    ? "Nobody yet. People appear here once an identity provider provisions them."
                    : "Nobody matches this search.",
            pager: pager)
        return render("people", model)
    }

    @Sendable func personPage(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let session = try await signedIn(request)
        let scope = try await scope(context)
        let id = try context.parameters.require("id")
        let person = try await scope.directory.get(.user, id: id)
        let body = person.representation
        let userName = body["userName"]?.stringValue ?? id
        let name = PersonRow.name(of: body) ?? userName
        let enterprise = body[Schema.enterpriseUser.id]?.objectValue ?? [:]
        var facts: [PersonPage.Fact] = []
        if let manager = enterprise["manager"]?["value"]?.stringValue {
            let found = try? await scope.directory.get(.user, id: manager)
            let managerName = found.flatMap {
                PersonRow.name(of: $0.representation) ?? $0.representation["userName"]?.stringValue
            }
            facts.append(
                .init(
                    label: "Manager",
                    value: managerName ?? enterprise["manager"]?["displayName"]?.stringValue ?? manager,
                    href: found == nil ? nil : "\(scope.base)/people/\(manager)"))
        }
        for (label, value) in [
            ("Department", enterprise["department"]?.stringValue), ("Division", enterprise["division"]?.stringValue),
            ("Employee number", enterprise["employeeNumber"]?.stringValue),
            ("Phone", (body["phoneNumbers"]?.arrayValue?.first)?["value"]?.stringValue),
            ("externalId", body["externalId"]?.stringValue),
        ] {
            if let value, !value.isEmpty { facts.append(.init(label: label, value: value)) }
        }
        let groups = (body["groups"]?.arrayValue ?? []).compactMap { group -> PersonPage.GroupLink? in
            guard let value = group["value"]?.stringValue else { return nil }
            return .init(name: group["display"]?.stringValue ?? value, href: "\(scope.base)/groups/\(value)")
        }
        let meta = [userName == name ? nil : userName, PersonRow.email(of: body), body["title"]?.stringValue]
            .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " · ")
        let page = PersonPage(
            layout: layout(name, section: .people, session: session, scope: scope, request: request),
            base: scope.base, name: name, initials: Self.initials(name), meta: meta,
            active: body["active"]?.boolValue ?? true, facts: facts, groups: groups, hasGroups: !groups.isEmpty,
            details: try await resourceDetails(person, id: id, in: scope))
        return render("person", page)
    }

    /// A SCIM filter for the search box and the menus, built with the text as a JSON string so it cannot change
    /// the filter.
    static func peopleFilter(search: String, status: String, group: String = "") -> String? {
        var parts: [String] = []
        if !search.isEmpty {
            let text = JSON.string(search).serialized()
            let paths = [
                "userName", "displayName", "name.formatted", "name.givenName", "name.familyName", "emails.value",
                "externalId",
            ]
            parts.append("(" + paths.map { "\($0) co \(text)" }.joined(separator: " or ") + ")")
        }
        switch status {
        case "active": parts.append("active eq true")
        case "deactivated": parts.append("active eq false")
        default: break
        }
        if !group.isEmpty { parts.append("groups.value eq \(JSON.string(group).serialized())") }
        return parts.isEmpty ? nil : parts.joined(separator: " and ")
    }

    static func initials(_ name: String) -> String {
        let words = name.split(whereSeparator: { $0 == " " || $0 == "." || $0 == "@" }).prefix(2)
        return words.compactMap { $0.first.map { String($0).uppercased() } }.joined()
    }

    static func pageNumber(_ value: Substring?) -> Int {
        min(max(1, value.flatMap { Int(String($0)) } ?? 1), maxPage)
    }

    /// Previous and next links for a numbered page; a page past the end links back to the last.
    static func pager(page: Int, total: Int, link: (Int) -> String) -> Pager {
        let pages = max(1, (total + pageSize - 1) / pageSize)
        return Pager(
            page: page, pages: pages, previous: page > 1 ? link(min(page - 1, pages)) : nil,
            next: page < pages ? link(page + 1) : nil, beyond: page > pages)
    }

    /// A path with a query of the non-empty items, without a `?` when there are none.
    static func link(_ path: String, _ items: [String: String]) -> String {
        let query = query(items)
        return query.isEmpty ? path : "\(path)?\(query)"
    }

    static func query(_ items: [String: String]) -> String {
        var components = URLComponents()
        components.queryItems = items.sorted { $0.key < $1.key }.filter { !$0.value.isEmpty }
            .map { URLQueryItem(name: $0.key, value: $0.value) }
        return components.percentEncodedQuery ?? ""
    }
}
