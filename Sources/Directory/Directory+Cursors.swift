import Foundation
import SCIMCore

/// Cursor paging (RFC 9865): pages that start where the previous one ended, by keyset, so a directory that changes
/// while it is read never makes a reader skip or repeat a resource that exists for the whole read, and the last
/// page of a million costs what the first does.
extension Directory {
    /// A cursor page of one resource type.
    public func list(
        _ kind: ResourceKind, filter: String?, sort: Sort?, cursor paging: CursorPaging,
        projection: Projection = .default
    ) async throws -> ListResponse {
        let parsed = try Self.parseFilter(filter)
        try parsed?.validate(against: try await resourceType(kind))
        let query = Cursor.fingerprint(
            scope: kind.endpoint, filter: parsed == nil ? nil : filter,
            sort: sort.map { "\($0.path) \($0.ascending)" } ?? "")
        let start = try await open(paging, query: query)
        if let start, start.kind != kind { throw Self.foreignCursor }
        var seek = start.map { $0.backward ? Seek(before: $0.position) : Seek(after: $0.position) } ?? Seek(after: nil)
        let page = Page(startIndex: 1, count: paging.count, maximum: paging.count)
        var read = try await read(kind, parsed: parsed, sort: sort, page: page, projection: projection, seek: seek)
        var first = start == nil
        // (A page the byte budget cut short says `more`: rows before it remain, and it is not the first.)
        if seek.backward && !read.more && read.resources.count < paging.count {
            // Less than a page lies before: the previous page is the first one, read forwards and full.
            seek = Seek(after: nil)
            read = try await self.read(kind, parsed: parsed, sort: sort, page: page, projection: projection, seek: seek)
            first = true
        }
        func cursor(_ position: Keyset?, backward: Bool) async throws -> String? {
            guard let position else { return nil }
            return try await seal(query: query, count: paging.count, backward: backward, kind: kind, position: position)
        }
        // A page read backwards came from the page after it; one read forwards knows whether more follow.
        let next = try await cursor(seek.backward || read.more ? read.positions.last : nil, backward: false)
        let previous =
            if first { String?.none } else {
                try await cursor(!seek.backward || read.more ? read.positions.first : nil, backward: true)
            }
        return ListResponse(
            totalResults: read.total, startIndex: nil, resources: read.resources, nextCursor: next,
            previousCursor: previous)
    }

    /// A cursor page of `POST /.search` at the root: users, then groups, read forwards (no `previousCursor`).
    public func searchAll(
        filter: String?, sortBy: String?, sortOrder: String?, sort: (ResourceType) throws -> Sort?,
        cursor paging: CursorPaging, projection: Projection
    ) async throws -> ListResponse {
        let parsed = try Self.parseFilter(filter)
        let snapshot = try await schemas()
        let kinds = try applicableKinds(for: parsed, snapshot: snapshot)
        let query = Cursor.fingerprint(
            scope: "/", filter: parsed == nil ? nil : filter, sort: "\(sortBy ?? "") \(sortOrder ?? "")")
        let start = try await open(paging, query: query)
        if start?.backward == true { throw Self.foreignCursor }
        var total = 0
        var resources: [JSON] = []
        var last: (kind: ResourceKind, position: Keyset)?
        var more = false
        let startIndex = start.flatMap { kinds.firstIndex(of: $0.kind) }
        for (index, kind) in kinds.enumerated() {
            // Types the cursor is past, and those after a full page, are only counted.
            let passed = startIndex.map { index < $0 } ?? false
            let remaining = passed || more ? 0 : paging.count - resources.count
            let seek = Seek(after: start?.kind == kind ? start?.position : nil)
            let read = try await read(
                kind, parsed: parsed, sort: try sort(snapshot.type(kind)),
                page: Page(startIndex: 1, count: remaining, maximum: remaining), projection: projection, seek: seek)
            total += read.total
            resources += read.resources
            if let position = read.positions.last { last = (kind, position) }
            // A type after a page that filled up has more to read if it has anything.
            if read.more || (!passed && remaining == 0 && read.total > 0 && start?.kind != kind) { more = true }
        }
        var next: String?
        if more, let last {
            next = try await seal(
                query: query, count: paging.count, backward: false, kind: last.kind, position: last.position)
        }
        return ListResponse(totalResults: total, startIndex: nil, resources: resources, nextCursor: next)
    }

    private static let foreignCursor = SCIMError.invalidCursor(
        "This cursor was issued for another query: repeat the query's endpoint, filter and sort unchanged, or start "
            + "again with an empty cursor.")

    /// The cursor a page request carries, checked: nil for the first page.
    private func open(_ paging: CursorPaging, query: [UInt8]) async throws -> Cursor? {
        guard !paging.cursor.isEmpty else { return nil }
        guard let cursor = try await context.cursors.open(paging.cursor) else {
            throw SCIMError.invalidCursor(
                "This cursor is not one Roster issued, or it was altered: use a nextCursor or previousCursor value "
                    + "as it was given, or an empty cursor for the first page.")
        }
        // Another organization's cursor is told apart from nothing else: it is simply not this query's.
        guard cursor.organization == organization, cursor.query == query else { throw Self.foreignCursor }
        let age = Int64(clock().timeIntervalSince1970) - cursor.issued
        guard age <= Int64(limits.cursorTimeout) else {
            throw SCIMError.expiredCursor(
                "This cursor expired: a cursor is valid for \(limits.cursorTimeout) seconds after its page. Start "
                    + "again with an empty cursor.")
        }
        guard cursor.count == paging.count else {
            throw SCIMError.invalidCount(
                "\"count\" must stay \(cursor.count) on every page of this query (it was \(paging.count)).")
        }
        return cursor
    }

    private func seal(query: [UInt8], count: Int, backward: Bool, kind: ResourceKind, position: Keyset) async throws
        -> String
    {
        try await context.cursors.seal(
            Cursor(
                organization: organization, query: query, issued: Int64(clock().timeIntervalSince1970), count: count,
                backward: backward, kind: kind, position: position))
    }
}
