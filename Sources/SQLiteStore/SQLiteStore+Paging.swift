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
