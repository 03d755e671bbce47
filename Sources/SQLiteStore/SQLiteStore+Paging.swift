import Directory
import GRDB
import SCIMCore
import StoreSQL
import Synchronization

extension SQLiteStore {
    /// The unfiltered list in creation order: what an identity provider's import reads, page after page.
    ///
    /// The total comes from `resource_counts` (kept by triggers), not from counting a million rows per page. A
    /// page starts where the previous one ended when `pageStarts` knows where that is; otherwise at the
    /// `startIndex`-th key of the `(org_pk, kind, pk)` index, which steps over keys only, never over bodies.
    func listInOrder(_ query: ResourceQuery) async throws -> SearchResult {
        let (organization, kind) = (query.organization, query.kind.rawValue)
        let page = query.page
        return try await database.read { [pageStarts] db in
            let counts = try Row.fetchOne(
                db.cachedStatement(sql: ResourceSQL.counts), arguments: [organization.rawValue, kind])
            let total: Int = counts?["total"] ?? 0
            let deletions: Int64 = counts?["deletions"] ?? 0
            guard page.count > 0, page.offset < total else { return SearchResult(total: total, resources: []) }
            guard
                let first = try pageStarts.firstKey(
                    organization: organization, kind: query.kind, startIndex: page.startIndex, deletions: deletions)
                    ?? Int64.fetchOne(
                        db.cachedStatement(sql: ResourceSQL.seek),
                        arguments: [organization.rawValue, kind, page.offset])
            else { return SearchResult(total: total, resources: []) }
            let rows = try Self.readRows(
                db.cachedStatement(sql: ResourceSQL.page),
                values: [.integer(organization.rawValue), .text(kind), .integer(first), .integer(Int64(page.count))],
                maxBytes: query.maxBytes)
            pageStarts.served(
                organization: organization, kind: query.kind, startIndex: page.startIndex, deletions: deletions,
                firstKey: first, rows: rows.resources.count, lastKey: rows.keys.last)
            return try Self.result(total: total, rows: rows, withGroups: query.withGroups, db)
        }
    }

    /// A prepared statement for `sql`, kept on the connection while there are few shapes of SQL: filters compile
    /// to a shape per filter structure (values are bound), and clients could send endlessly many structures.
    static func statement(_ db: Database, _ sql: String) throws -> Statement {
        try cachedShapes.withLock { $0.admit(sql) } ? db.cachedStatement(sql: sql) : db.makeStatement(sql: sql)
    }

    private static let cachedShapes = Mutex(BoundedSet(capacity: 256))
}

/// Strings admitted until `capacity` have been; later ones are refused.
struct BoundedSet {
    let capacity: Int
    var members: Set<String> = []

    mutating func admit(_ member: String) -> Bool {
        if members.contains(member) { return true }
        guard members.count < capacity else { return false }
        members.insert(member)
        return true
    }
}

extension SQLiteStore {
    /// A keyset page (cursor paging): the resources after (or before) a position in the query's order, one more
    /// than the page to tell whether more follow, and the total, in one read transaction. A page costs the same
    /// wherever it is in the list: its start is a condition the index answers, not an offset to step over.
    func keysetPage(_ query: ResourceQuery, seek: Seek) async throws -> SearchResult {
        let condition = try FilterSQL.compile(
            query.filter, kind: query.kind, type: query.type, organization: query.organization)
        let keyset = try KeysetSQL.compile(query.sort, kind: query.kind, type: query.type, seek: seek)
        let scope = ResourceSQL.scope(condition.sql)
        let scopeValues = [.integer(query.organization.rawValue), .text(query.kind.rawValue)] + condition.values
        let sql =
            "SELECT \(ResourceSQL.columns), pk, \(keyset.key.sql) \(scope) AND (\(keyset.condition.sql)) "
            + "ORDER BY \(keyset.order.sql) LIMIT ?"
        let values =
            keyset.key.values + scopeValues + keyset.condition.values + keyset.order.values
            + [.integer(Int64(query.page.count) + 1)]
        let counts: [SQLValue] = [.integer(query.organization.rawValue), .text(query.kind.rawValue)]
        let unfiltered = query.filter == nil
        return try await database.read { db in
            var rows = ReadRows()
            if query.page.count > 0 {
                rows = try Self.readRows(
                    Self.statement(db, sql), values: values, maxBytes: query.maxBytes, sortKeys: true)
            }
            let more = rows.cut || rows.resources.count > query.page.count
            if rows.resources.count > query.page.count {
                rows.resources.removeLast()
                rows.keys.removeLast()
                rows.sortKeys.removeLast()
            }
            if seek.backward {
                rows.resources.reverse()
                rows.keys.reverse()
                rows.sortKeys.reverse()
            }
            var total = 0
            let counting = try Self.statement(db, unfiltered ? ResourceSQL.counts : "SELECT COUNT(*) \(scope)")
            try counting.bind(unfiltered ? counts : scopeValues)
            try counting.forEachRow { total = Int($0.integer(0) ?? 0) }
            var result = try Self.result(total: total, rows: rows, withGroups: query.withGroups, db)
            result.positions = zip(rows.keys, rows.sortKeys).map { keyset.position(row: $0, value: $1) }
            result.more = more
            return result
        }
    }
}
