import Foundation
import SCIMCore

extension Directory {
    /// `POST /.search` across resource types (RFC 7644 §3.4.3): users, then groups, as one paged list.
    ///
    /// A filter applies to the types whose schemas know its attributes; a filter no type knows is an error.
    /// A sort orders each type's results; the types follow each other.
    public func searchAll(filter: String?, sort: (ResourceType) throws -> Sort?, page: Page, projection: Projection)
        async throws -> ListResponse
    {
        let parsed = try Self.parseFilter(filter)
        let snapshot = try await schemas()
        let kinds = try applicableKinds(for: parsed, snapshot: snapshot)
        var totals: [ResourceKind: Int] = [:]
        for kind in kinds {
            let counting = ResourceQuery(
                organization: organization, kind: kind, filter: parsed, page: Page(startIndex: 1, count: 0, maximum: 0),
                type: snapshot.type(kind))
            totals[kind] = try await resources.search(counting).total
        }
        var offset = page.offset
        var remaining = page.count
        var resources: [JSON] = []
        for kind in kinds {
            let total = totals[kind] ?? 0
            guard offset < total else {
                offset -= total
                continue
            }
            guard remaining > 0 else { break }
            let slice = Page(startIndex: offset + 1, count: remaining, maximum: remaining)
            let result = try await list(
                kind, parsed: parsed, sort: try sort(snapshot.type(kind)), page: slice, projection: projection)
            resources += result.resources
            remaining -= result.resources.count
            // A slice the byte budget ended early is where the page ends: the next page goes on from it.
            if result.resources.count < slice.count && offset + result.resources.count < total { break }
            offset = 0
        }
        return ListResponse(totalResults: totals.values.reduce(0, +), startIndex: page.startIndex, resources: resources)
    }

    func applicableKinds(for parsed: Filter?, snapshot: SchemaCatalog.Snapshot) throws -> [ResourceKind] {
        guard let parsed else { return ResourceKind.allCases }
        var firstError: SCIMError?
        let kinds = ResourceKind.allCases.filter { kind in
            do throws(SCIMError) {
                try parsed.validate(against: snapshot.type(kind))
                return true
            } catch {
                firstError = firstError ?? error
                return false
            }
        }
        if kinds.isEmpty, let firstError { throw firstError }
        return kinds
    }
}
