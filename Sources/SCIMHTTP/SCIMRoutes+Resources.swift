import Directory
import Hummingbird
import SCIMCore

extension SCIMRoutes {
    func list(_ kind: ResourceKind, _ request: Request, _ context: SCIMRequestContext) async throws -> Response {
        let directory = try context.requireDirectory()
        let query = request.scimQueryParameters
        let sort = try Sort.parse(
            sortBy: query.value("sortBy"), sortOrder: query.value("sortOrder"),
            type: try await directory.resourceType(kind))
        if let cursor = try query.value("cursor") {
            try Self.refuseBothPagings(startIndex: query.value("startIndex") != nil)
            let paging = try CursorPaging.parse(cursor: cursor, count: query.value("count"), maximum: limits.maxResults)
            let result = try await directory.list(
                kind, filter: query.value("filter"), sort: sort, cursor: paging, projection: try projection(query))
            return SCIMResponse.json(.ok, result.json)
        }
        let page = try Page.parse(
            startIndex: query.value("startIndex"), count: query.value("count"), maximum: limits.maxResults)
        let result = try await directory.list(
            kind, filter: query.value("filter"), sort: sort, page: page, projection: try projection(query))
        return SCIMResponse.json(.ok, result.json)
    }

    /// `POST /Users/.search` (RFC 7644 §3.4.3): the query parameters carried in a SearchRequest body.
    func search(_ kind: ResourceKind, _ request: Request, _ context: SCIMRequestContext) async throws -> Response {
        let directory = try context.requireDirectory()
        var request = request
        let body = try await request.scimBody(limit: limits.maxPayloadSize)
        let search = try SearchRequest(body)
        let sort = try Sort.parse(
            sortBy: search.sortBy, sortOrder: search.sortOrder, type: try await directory.resourceType(kind))
        if let cursor = search.cursor {
            try Self.refuseBothPagings(startIndex: search.startIndex != nil)
            let paging = try CursorPaging(cursor: cursor, count: search.count, maximum: limits.maxResults)
            let result = try await directory.list(
                kind, filter: search.filter, sort: sort, cursor: paging, projection: search.projection)
            return SCIMResponse.json(.ok, result.json)
        }
        let page = Page(startIndex: search.startIndex, count: search.count, maximum: limits.maxResults)
        let result = try await directory.list(
            kind, filter: search.filter, sort: sort, page: page, projection: search.projection)
        return SCIMResponse.json(.ok, result.json)
    }

    /// `POST /.search` at the service provider's root: every resource type at once.
    func searchAll(_ request: Request, _ context: SCIMRequestContext) async throws -> Response {
        let directory = try context.requireDirectory()
        var request = request
        let body = try await request.scimBody(limit: limits.maxPayloadSize)
        let search = try SearchRequest(body)
        let sort = { @Sendable (type: ResourceType) throws -> Sort? in
            // A sort attribute one type lacks orders the types that have it (userName: users only).
            if let sortBy = search.sortBy, (try? AttributePath.parse(sortBy)).flatMap(type.resolve) == nil {
                return nil
            }
            return try Sort.parse(sortBy: search.sortBy, sortOrder: search.sortOrder, type: type)
        }
        if let cursor = search.cursor {
            try Self.refuseBothPagings(startIndex: search.startIndex != nil)
            let paging = try CursorPaging(cursor: cursor, count: search.count, maximum: limits.maxResults)
            let result = try await directory.searchAll(
                filter: search.filter, sortBy: search.sortBy, sortOrder: search.sortOrder, sort: sort, cursor: paging,
                projection: search.projection)
            return SCIMResponse.json(.ok, result.json)
        }
        let page = Page(startIndex: search.startIndex, count: search.count, maximum: limits.maxResults)
        let result = try await directory.searchAll(
            filter: search.filter, sort: sort, page: page, projection: search.projection)
        return SCIMResponse.json(.ok, result.json)
    }

    /// RFC 9865 §2: a request names one way of paging; `startIndex` with `cursor` is a contradiction.
    static func refuseBothPagings(startIndex: Bool) throws {
        guard !startIndex else {
            throw SCIMError.invalidValue("Page by \"startIndex\" or by \"cursor\", not both.")
        }
    }

    func get(_ kind: ResourceKind, _ request: Request, _ context: SCIMRequestContext) async throws -> Response {
        let directory = try context.requireDirectory()
        let id = try context.parameters.require("id")
        let projection = try projection(request)
        let streamsMembers = kind == .group && Self.streamsMembers(projection)
        let resource = try await directory.get(
            kind, id: id, projection: streamsMembers ? projection.excluding(Self.membersPath) : projection)
        context.trace.resource(resource, kind: kind)
        /// RFC 7644 §3.14: a GET with a current `If-None-Match` version is answered with 304 Not Modified.
        if let tags = request.headers[.ifNoneMatch],
            VersionPrecondition(ifMatch: tags)?.allows(resource.meta.version) == true
        {
            return Response(status: .notModified, headers: [.eTag: resource.meta.etag])
        }
        if streamsMembers { return streamingGroup(resource, id: id, directory: directory) }
        return resourceResponse(.ok, resource)
    }

    func create(_ kind: ResourceKind, _ request: Request, _ context: SCIMRequestContext) async throws -> Response {
        let directory = try context.requireDirectory()
        var request = request
        let body = try await request.scimBody(limit: limits.maxPayloadSize)
        context.trace.named(body, kind: kind)
        let projection = try projection(request)
        let streams = kind == .group && Self.streamsMembers(projection)
        let resource = try await directory.create(
            kind, body: body, projection: streams ? projection.excluding(Self.membersPath) : projection)
        context.trace.resource(resource, kind: kind)
        if streams {
            return streamingGroup(
                resource, id: resource.representation["id"]?.stringValue ?? "", directory: directory, status: .created)
        }
        return resourceResponse(.created, resource, location: true)
    }

    func replace(_ kind: ResourceKind, _ request: Request, _ context: SCIMRequestContext) async throws -> Response {
        let directory = try context.requireDirectory()
        var request = request
        let id = try context.parameters.require("id")
        let body = try await request.scimBody(limit: limits.maxPayloadSize)
        context.trace.named(body, kind: kind)
        let projection = try projection(request)
        let streams = kind == .group && Self.streamsMembers(projection)
        let resource = try await directory.replace(
            kind, id: id, body: body, precondition: try precondition(request),
            projection: streams ? projection.excluding(Self.membersPath) : projection)
        context.trace.resource(resource, kind: kind)
        return streams ? streamingGroup(resource, id: id, directory: directory) : resourceResponse(.ok, resource)
    }

    /// Users answer 200 with the resource; groups answer 204 unless the client asked for attributes, so a change
    /// to a large group never sends its whole member list back.
    func patch(_ kind: ResourceKind, _ request: Request, _ context: SCIMRequestContext) async throws -> Response {
        let directory = try context.requireDirectory()
        var request = request
        let id = try context.parameters.require("id")
        let body = try await request.scimBody(limit: limits.maxPayloadSize)
        let projection = try projection(request)
        let answerEmpty = kind == .group && projection == .default
        let resource = try await directory.patch(
            kind, id: id, body: body, precondition: try precondition(request),
            projection: answerEmpty ? Self.withoutMembers : projection)
        context.trace.resource(resource, kind: kind)
        if answerEmpty { return Response(status: .noContent, headers: [.eTag: resource.meta.etag]) }
        return resourceResponse(.ok, resource)
    }

    func delete(_ kind: ResourceKind, _ request: Request, _ context: SCIMRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        try await context.requireDirectory().delete(kind, id: id, precondition: try precondition(request))
        return Response(status: .noContent)
    }

    private func resourceResponse(_ status: HTTPResponse.Status, _ resource: ResourceResponse, location: Bool = false)
        -> Response
    {
        var headers: HTTPFields = [.eTag: resource.meta.etag]
        if location { headers[.location] = resource.meta.location }
        return SCIMResponse.json(status, .object(resource.representation), headers: headers)
    }

    private func projection(_ request: Request) throws -> Projection {
        try projection(request.scimQueryParameters)
    }

    private func projection(_ query: QueryParameters) throws -> Projection {
        try Projection.parse(
            attributes: query.value("attributes"), excludedAttributes: query.value("excludedAttributes"))
    }

    /// `If-Match` (RFC 7644 §3.14), or `If-None-Match` on a write (RFC 7232 §3.2: `*` or a current tag is a 412); a
    /// value that is not one of our tags can never match.
    private func precondition(_ request: Request) throws -> VersionPrecondition? {
        VersionPrecondition(ifMatch: request.headers[.ifMatch], ifNoneMatch: request.headers[.ifNoneMatch])
    }
}
