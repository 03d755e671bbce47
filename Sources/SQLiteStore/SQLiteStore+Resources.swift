import Directory
import Foundation
import GRDB
import SCIMCore
import StoreSQL

extension SQLiteStore {
    /// Everything but the SQL is prepared before the write: SQLite has one writer, so what runs inside the
    /// transaction is what every other write waits for.
    public func insert(_ resource: StoredResource, members: [String]) async throws {
        let arguments = Self.arguments(resource, including: [resource.id, resource.kind.rawValue])
        let index = resource.indexedValues
        try await Self.translating(resource.kind) {
            try await writes.write { db in
                try db.cachedStatement(sql: Self.insertSQL).execute(arguments: arguments)
                let key = db.lastInsertedRowID
                try Self.writeIndex(index, key: key, replacing: false, db)
                try Self.addMembers(members, toGroupKey: key, db)
            }
        }
    }

    public func insertMany(_ resources: [StoredResource]) async throws {
        guard let kind = resources.first?.kind else { return }
        try await Self.translating(kind) {
            try await database.write { db in
                let statement = try db.cachedStatement(sql: Self.insertSQL)
                for resource in resources {
                    try statement.execute(
                        arguments: Self.arguments(resource, including: [resource.id, resource.kind.rawValue]))
                    try Self.writeIndex(resource.indexedValues, key: db.lastInsertedRowID, replacing: false, db)
                }
            }
        }
    }

    /// One statement, so no explicit transaction: the user by id joined with its groups (a row per group, or one
    /// row with no group), in the order of the groups' keys.
    public func fetchUserWithGroups(id: String) async throws -> (user: StoredResource, groups: [ResourceReference])? {
        try await pointRead(singleStatement: true) { db in try Self.userWithGroups(id: id, db) }
    }

    private static func userWithGroups(id: String, _ db: Database) throws
        -> (user: StoredResource, groups: [ResourceReference])?
    {
        try withGroups(db.cachedStatement(sql: userWithGroupsSQL), values: [.text(id)]).map { (user: $0, groups: $1) }
    }

    /// The one resource `statement` finds, joined with its groups (a row per group, or one row with none). Every
    /// row repeats the resource's columns, which are read from the first one only, so a user in hundreds of groups
    /// does not copy its body hundreds of times.
    private static func withGroups(_ statement: Statement, values: [SQLValue]) throws
        -> (StoredResource, [ResourceReference])?
    {
        try statement.bind(values)
        var resource: StoredResource?
        var groups: [ResourceReference] = []
        try statement.forEachRow { row in
            if resource == nil { resource = try Self.resource(row) }
            // After the resource's columns: the group's id, kind and display name, NULL when it is in none.
            if let groupID = row.text(6), let kind = row.text(7).flatMap(ResourceKind.init(rawValue:)) {
                groups.append(ResourceReference(id: groupID, kind: kind, display: row.text(8)))
            }
        }
        return resource.map { ($0, groups) }
    }

    /// Built once: the statement cache is keyed by this text, which a GET would otherwise rebuild every time.
    private static let userWithGroupsSQL = withGroupsSQL(where: "resources.id = ? AND resources.kind = 'User'")

    /// The resources `condition` selects (on `resources`), each joined with its groups in the order of their keys.
    private static func withGroupsSQL(where condition: String) -> String {
        """
        SELECT \(qualifiedColumns), g.id, g.kind, g.display
        FROM resources LEFT JOIN memberships ms ON ms.member_pk = resources.pk
        LEFT JOIN resources g ON g.pk = ms.group_pk
        WHERE \(condition) ORDER BY ms.group_pk
        """
    }

    public func fetch(_ kind: ResourceKind, id: String) async throws -> StoredResource? {
        try await pointRead(singleStatement: true) { db in try Self.resource(kind, id: id, db) }
    }

    private static func resource(_ kind: ResourceKind, id: String, _ db: Database) throws -> StoredResource? {
        let statement = try db.cachedStatement(sql: "SELECT \(Self.columns) FROM resources WHERE id = ? AND kind = ?")
        return try first(statement, values: [.text(id), .text(kind.rawValue)])
    }

    /// The first resource `statement` finds, its columns `columns`.
    private static func first(_ statement: Statement, values: [SQLValue]) throws -> StoredResource? {
        try statement.bind(values)
        var found: StoredResource?
        try statement.forEachRow { row in found = try found ?? Self.resource(row) }
        return found
    }

    public func update(_ resource: StoredResource, expectedVersion: Int, members: MembershipChange) async throws
        -> Bool
    {
        let arguments = Self.arguments(
            resource, including: [], trailing: [resource.id, resource.kind.rawValue, expectedVersion])
        let index = resource.indexedValues
        return try await Self.translating(resource.kind) {
            try await writes.write { db in
                guard
                    let old = try Row.fetchOne(
                        db.cachedStatement(
                            sql: "SELECT pk, display FROM resources WHERE id = ? AND kind = ? AND version = ?"),
                        arguments: [resource.id, resource.kind.rawValue, expectedVersion])
                else { return false }
                try db.cachedStatement(
                    sql: """
                        UPDATE resources SET version = ?, created_ms = ?, modified_ms = ?, unique_key = ?,
                            external_id = ?, display = ?, body = ?
                        WHERE id = ? AND kind = ? AND version = ?
                        """
                ).execute(arguments: arguments)
                let key: Int64 = old["pk"]
                let oldDisplay: String? = old["display"]
                try Self.writeIndex(index, key: key, replacing: true, db)
                try Self.apply(members, toGroupKey: key, db)
                // What shows this resource by name shows the old one: it gets a new version.
                if oldDisplay != resource.displayName { try Self.touchNeighbours(of: key, db) }
                return true
            }
        }
    }

    public func delete(_ kind: ResourceKind, id: String, expectedVersion: Int?) async throws -> Bool {
        try await writes.write { db in
            guard
                let key = try Int64.fetchOne(
                    db, sql: "SELECT pk FROM resources WHERE id = ? AND kind = ? AND version = COALESCE(?, version)",
                    arguments: [id, kind.rawValue, expectedVersion])
            else { return false }
            try Self.touchNeighbours(of: key, db)
            try db.execute(sql: "DELETE FROM resources WHERE pk = ?", arguments: [key])
            return true
        }
    }

    /// The page first: when it is not full it holds the last match, so an `eq` lookup needs no count. The
    /// unfiltered list in creation order, what an import reads, has a path of its own (`listInOrder`).
    public func search(_ query: ResourceQuery) async throws -> SearchResult {
        if query.filter == nil && query.sort == nil { return try await listInOrder(query) }
        let condition = try FilterSQL.compile(query.filter, kind: query.kind, type: query.type)
        let values = [.text(query.kind.rawValue)] + condition.values
        if Self.findsAtMostOne(query) && query.page.offset == 0 {
            return try await pointRead(singleStatement: true) { db in try Self.findOne(query, condition, values, db) }
        }
        let arguments = StatementArguments(values)
        let order = try SortSQL.compile(query.sort, kind: query.kind, type: query.type)
        let scope = "FROM resources WHERE kind = ? AND (\(condition.sql))"
        let read = { @Sendable (db: Database) throws -> SearchResult in
            var rows: [Row] = []
            if query.page.count > 0 {
                rows = try Row.fetchAll(
                    Self.statement(db, "SELECT pk, \(Self.columns) \(scope) ORDER BY \(order.sql) LIMIT ? OFFSET ?"),
                    arguments: arguments + StatementArguments(order.values) + [query.page.count, query.page.offset])
            }
            let total =
                try query.page.totalFromShortPage(rows.count)
                ?? Int.fetchOne(Self.statement(db, "SELECT COUNT(*) \(scope)"), arguments: arguments) ?? 0
            return try Self.result(total: total, rows: rows, withGroups: query.withGroups, db)
        }
        // A lookup of one resource by a unique attribute is a point read; anything else may scan, and goes to the
        // pool.
        return Self.findsAtMostOne(query) ? try await pointRead(read) : try await database.read(read)
    }

    /// The first page of a query that finds at most one resource, in one statement with the groups it is in: no
    /// transaction, no second query, as a GET by id. Okta and Entra look a user up this way before every push.
    private static func findOne(
        _ query: ResourceQuery, _ condition: FilterSQL, _ values: [SQLValue], _ db: Database
    ) throws -> SearchResult {
        guard query.withGroups else {
            let sql = "SELECT \(qualifiedColumns) FROM resources WHERE resources.kind = ? AND (\(condition.sql))"
            let found = try first(statement(db, sql), values: values)
            return SearchResult(total: found == nil ? 0 : 1, resources: found.map { [$0] } ?? [])
        }
        let sql = withGroupsSQL(where: "resources.kind = ? AND (\(condition.sql))")
        guard let (resource, groups) = try withGroups(statement(db, sql), values: values) else {
            return SearchResult(total: 0, resources: [], groups: [:])
        }
        return SearchResult(total: 1, resources: [resource], groups: groups.isEmpty ? [:] : [resource.id: groups])
    }

    /// `userName eq …` (users) or `id eq …`: at most one match, found through a unique index.
    static func findsAtMostOne(_ query: ResourceQuery) -> Bool {
        guard case .compare(let path, .eq, .string) = query.filter, path.subAttribute == nil, query.page.count > 0
        else { return false }
        if let schema = path.schema, !schema.caseInsensitiveEquals(query.type.schema.id) { return false }
        return path.name.caseInsensitiveEquals("id")
            || (query.kind == .user && path.name.caseInsensitiveEquals("userName"))
    }

    /// A page's rows as resources, with their groups when asked for, read in the page's transaction.
    static func result(total: Int, rows: [Row], withGroups: Bool, _ db: Database) throws -> SearchResult {
        let resources = try rows.map(Self.resource)
        guard withGroups else { return SearchResult(total: total, resources: resources) }
        return SearchResult(
            total: total, resources: resources, groups: try groups(ofKeys: rows.map { $0["pk"] }, ids: resources, db))
    }

    static let columns = "id, kind, version, created_ms, modified_ms, body"
    private static let qualifiedColumns = columns.split(separator: ", ").map { "resources.\($0)" }.joined(
        separator: ", ")

    static let insertSQL = """
        INSERT INTO resources (id, kind, version, created_ms, modified_ms, unique_key, external_id, display, body)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    static func resource(_ row: Row) throws -> StoredResource {
        try resource(
            id: row["id"], kind: row["kind"], version: row["version"], created: row["created_ms"],
            modified: row["modified_ms"]
        ) { (row["body"] as String?).flatMap { try? JSON.parse(Array($0.utf8)) } }
    }

    /// A resource from a row whose first columns are `columns`, in that order.
    static func resource(_ row: Columns) throws -> StoredResource {
        try resource(
            id: row.text(0), kind: row.text(1), version: row.integer(2), created: row.integer(3),
            modified: row.integer(4)
        ) { row.withBytes(5) { try? JSON.parse($0) } ?? nil }
    }

    private static func resource(
        id: String?, kind: String?, version: Int64?, created: Int64?, modified: Int64?,
        body: () -> JSON?
    ) throws -> StoredResource {
        guard let id, let kind = kind.flatMap(ResourceKind.init(rawValue:)), let version, let created, let modified,
            case .object(let body) = body()
        else {
            throw StoreCorruption(detail: "resource \(id ?? "?") has an unreadable row")
        }
        return StoredResource(
            id: id, kind: kind, version: Int(version), created: Date(milliseconds: created),
            lastModified: Date(milliseconds: modified), body: body)
    }

    static func arguments(
        _ resource: StoredResource, including leading: [any DatabaseValueConvertible],
        trailing: [any DatabaseValueConvertible] = []
    ) -> StatementArguments {
        let values: [(any DatabaseValueConvertible)?] = [
            resource.version, resource.created.milliseconds, resource.lastModified.milliseconds,
            resource.uniqueKey, resource.externalId, resource.displayName, JSON.object(resource.body).serialized(),
        ]
        return StatementArguments(leading.map { Optional($0) } + values + trailing.map { Optional($0) })
    }
}

extension SQLiteStore {
    /// SQLite's plan for the page query of `query`, one line per step, so tests can check that indexes are used.
    func queryPlan(for query: ResourceQuery) async throws -> [String] {
        let condition = try FilterSQL.compile(query.filter, kind: query.kind, type: query.type)
        let order = try SortSQL.compile(query.sort, kind: query.kind, type: query.type)
        return try await database.read { db in
            let sql =
                "EXPLAIN QUERY PLAN SELECT \(Self.columns) FROM resources WHERE kind = ? AND (\(condition.sql)) "
                + "ORDER BY \(order.sql) LIMIT ? OFFSET ?"
            let arguments =
                StatementArguments([query.kind.rawValue]) + StatementArguments(condition.values)
                + StatementArguments(order.values) + [100, 0]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { $0["detail"] as String? ?? "" }
        }
    }
}
