import Foundation
import SCIMCore

extension Directory {
    public func get(_ kind: ResourceKind, id: String, projection: Projection = .default) async throws
        -> ResourceResponse
    {
        if kind == .user && projection.mayInclude("groups") {
            guard let (user, groups) = try await resources.fetchUserWithGroups(id: id, in: organization) else {
                throw Self.notFound(kind, id: id)
            }
            return try await respond(user, projection: projection, groups: groups)
        }
        guard let resource = try await resources.fetch(kind, id: id, in: organization) else {
            throw Self.notFound(kind, id: id)
        }
        return try await respond(resource, projection: projection)
    }

    /// GET on a collection or `/.search`: filter, page and project (RFC 7644 §3.4.2).
    public func list(
        _ kind: ResourceKind, filter: String?, sort: Sort? = nil, page: Page, projection: Projection = .default
    ) async throws -> ListResponse {
        let parsed = try Self.parseFilter(filter)
        try parsed?.validate(against: try await resourceType(kind))
        return try await list(kind, parsed: parsed, sort: sort, page: page, projection: projection)
    }

    /// A list over an already parsed and validated filter.
    func list(_ kind: ResourceKind, parsed: Filter?, sort: Sort?, page: Page, projection: Projection) async throws
        -> ListResponse
    {
        let read = try await read(kind, parsed: parsed, sort: sort, page: page, projection: projection, seek: nil)
        return ListResponse(totalResults: read.total, startIndex: page.startIndex, resources: read.resources)
    }

    /// A page of representations, with the store's facts about it (positions and `more` for a keyset page).
    func read(
        _ kind: ResourceKind, parsed: Filter?, sort: Sort?, page: Page, projection: Projection, seek: Seek?
    ) async throws -> (resources: [JSON], total: Int, positions: [Keyset], more: Bool) {
        var projection = projection
        // Lists carry members only when asked for by name: a page of large groups would otherwise be enormous.
        if kind == .group && !projection.attributes.contains(where: { $0.name.caseInsensitiveEquals("members") }) {
            projection.excludedAttributes.append(AttributePath(name: "members"))
        }
        let type = try await resourceType(kind)
        let withGroups = kind == .user && projection.mayInclude("groups")
        var query = ResourceQuery(
            organization: organization, kind: kind, filter: parsed, sort: sort, page: page, type: type,
            withGroups: withGroups)
        query.maxBytes = limits.maxPageBytes
        query.seek = seek
        let result = try await resources.search(query)
        let derived =
            if let groups = result.groups {
                groupsAttribute(of: result.resources, groups: groups)
            } else {
                try await derivedAttributes(for: result.resources, kind: kind, projection: projection)
            }
        let representations = result.resources.map { resource in
            JSON.object(
                render(resource, type: type, derived: derived[resource.id] ?? [:], projection: projection)
                    .representation)
        }
        return (representations, result.total, result.positions, result.more)
    }

    /// The filter parameter parsed; absent or blank means no filter.
    static func parseFilter(_ text: String?) throws(SCIMError) -> Filter? {
        // Blank as Foundation's `.whitespaces` has it (spaces and tabs), checked without bridging: a newline is not
        // blank, so it reaches the parser and is refused rather than listing everything.
        guard let text,
            !text.unicodeScalars.allSatisfy({ $0 == "\t" || $0.properties.generalCategory == .spaceSeparator })
        else { return nil }
        return try Filter.parse(text)
    }

    /// The response for `resource`; a user's `groups`, when already read with it, are not read again.
    func respond(_ resource: StoredResource, projection: Projection, groups: [ResourceReference]? = nil)
        async throws -> ResourceResponse
    {
        let derived =
            if let groups, resource.kind == .user {
                groupsAttribute(of: [resource], groups: [resource.id: groups])
            } else {
                try await derivedAttributes(for: [resource], kind: resource.kind, projection: projection)
            }
        let type = try await resourceType(resource.kind)
        return render(resource, type: type, derived: derived[resource.id] ?? [:], projection: projection)
    }

    func render(_ resource: StoredResource, type: ResourceType, derived: JSONObject, projection: Projection)
        -> ResourceResponse
    {
        let meta = ResourceMeta(
            created: resource.created, lastModified: resource.lastModified, version: resource.version,
            location: location(resource.kind, id: resource.id))
        let full = type.representation(id: resource.id, body: resource.body, derived: derived, meta: meta)
        return ResourceResponse(representation: projection.apply(to: full, of: type), meta: meta)
    }

    /// `Group.members` and `User.groups`, read only when the projection can include them.
    private func derivedAttributes(for resources: [StoredResource], kind: ResourceKind, projection: Projection)
        async throws -> [String: JSONObject]
    {
        switch kind {
        case .group:
            guard projection.mayInclude("members") else { return [:] }
            var result: [String: JSONObject] = [:]
            var budget = resources.count > 1 ? Self.listMemberBudget : Int.max
            for group in resources {
                let members = try await members(of: group.id, budget: &budget)
                result[group.id] = ["members": .array(members.map { reference($0, type: $0.kind.rawValue) })]
            }
            return result
        case .user:
            guard projection.mayInclude("groups") else { return [:] }
            return groupsAttribute(
                of: resources, groups: try await self.resources.groups(of: resources.map(\.id), in: organization))
        }
    }

    /// Each user's `groups` attribute, from the groups it belongs to.
    private func groupsAttribute(of users: [StoredResource], groups: [String: [ResourceReference]])
        -> [String: JSONObject]
    {
        var result: [String: JSONObject] = [:]
        for user in users {
            result[user.id] = ["groups": .array((groups[user.id] ?? []).map { reference($0, type: "direct") })]
        }
        return result
    }

    /// The most members a list response inlines; a page of large groups would otherwise be one enormous value.
    static let listMemberBudget = 10_000

    /// A group's members, read page by page, spending `budget`; over budget is a `tooMany` (RFC 7644 §3.12).
    private func members(of group: String, budget: inout Int) async throws -> [ResourceReference] {
        var result: [ResourceReference] = []
        var after: Int64?
        repeat {
            let page = try await resources.members(ofGroup: group, after: after, limit: 1000, in: organization)
            budget -= page.members.count
            guard budget >= 0 else {
                throw SCIMError.tooMany(
                    "These groups have more than \(Self.listMemberBudget) members together: list them without "
                        + "members, or with a smaller count, and read each group with GET /Groups/{id}.")
            }
            result += page.members
            after = page.next
        } while after != nil
        return result
    }

    static func notFound(_ kind: ResourceKind, id: String) -> SCIMError {
        .notFound("\(kind.rawValue) \"\(id)\" not found.")
    }
}
