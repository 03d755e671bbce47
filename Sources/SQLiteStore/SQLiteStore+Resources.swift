import Directory
import Foundation
import GRDB
import SCIMCore
import StoreSQL

extension SQLiteStore {
    /// Everything but the SQL is prepared before the write: SQLite has one writer, so what runs inside the
    /// transaction is what every other write waits for.
    public func insert(
        _ resource: StoredResource, members: [String], events: [NewEvent], in organization: OrganizationKey
    ) async throws {
        let values = ResourceSQL.insertValues(resource, in: organization)
        let index = resource.indexedValues
        try await Self.translating(resource.kind) {
            try await writes.write { db in
                try db.cachedStatement(sql: Self.insertUnlessTaken).execute(values: values)
                guard db.changesCount == 1 else { throw Self.taken(resource.kind) }
                let key = db.lastInsertedRowID
                try Self.writeIndex(index, key: key, in: organization, db)
                try Self.addMembers(members, toGroupKey: key, in: organization, db)
                try Self.writeEvents(events, in: organization, db)
            }
        }
    }

    /// A create whose name is taken inserts nothing rather than failing: GRDB drops a statement that failed from
    /// its cache, and preparing the insert again (its triggers and foreign keys compiled with it) was half the
    /// writer's time for each 409, as when Okta pushes users the application already has.
    private static let insertUnlessTaken = ResourceSQL.insert + " ON CONFLICT DO NOTHING"

    public func insertMany(_ resources: [StoredResource], in organization: OrganizationKey) async throws {
        guard let kind = resources.first?.kind else { return }
        try await Self.translating(kind) {
            try await database.write { db in
                let statement = try db.cachedStatement(sql: ResourceSQL.insert)
                for resource in resources {
                    try statement.execute(values: ResourceSQL.insertValues(resource, in: organization))
                    try Self.writeIndex(resource.indexedValues, key: db.lastInsertedRowID, in: organization, db)
                }
            }
        }
    }

    /// One statement, so no explicit transaction: the user by id joined with its groups (a row per group, or one
    /// row with no group), in the order of the groups' keys.
    public func fetchUserWithGroups(id: String, in organization: OrganizationKey) async throws
        -> (user: StoredResource, groups: [ResourceReference])?
    {
        let values: [SQLValue] = [.text(id), .integer(organization.rawValue)]
        return try await pointRead(singleStatement: true) { db in
            try Self.withGroups(db.cachedStatement(sql: ResourceSQL.userWithGroups), values: values).map {
                (user: $0, groups: $1)
            }
        }
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

    public func fetch(_ kind: ResourceKind, id: String, in organization: OrganizationKey) async throws
        -> StoredResource?
    {
        let values: [SQLValue] = [.text(id), .text(kind.rawValue), .integer(organization.rawValue)]
        return try await pointRead(singleStatement: true) { db in
            try Self.first(db.cachedStatement(sql: ResourceSQL.fetch), values: values)
        }
    }

    /// The first resource `statement` finds, its columns `columns`.
    private static func first(_ statement: Statement, values: [SQLValue]) throws -> StoredResource? {
        try statement.bind(values)
        var found: StoredResource?
        try statement.forEachRow { row in found = try found ?? Self.resource(row) }
        return found
    }

    public func update(
        _ resource: StoredResource, expectedVersion: Int, members: MembershipChange, events: [NewEvent],
        in organization: OrganizationKey
    ) async throws -> Bool {
        let current: [SQLValue] = [
            .text(resource.id), .text(resource.kind.rawValue), .integer(Int64(expectedVersion)),
            .integer(organization.rawValue),
        ]
        let index = resource.indexedValues
        let display = resource.displayName
        let externalId = resource.externalId
        let values: [SQLValue] =
            [
                .integer(Int64(resource.version)), .integer(resource.lastModified.milliseconds), SQLValue(display),
                ResourceSQL.body(resource),
            ] + (resource.keepsUniqueKey ? [] : [SQLValue(resource.uniqueKey)])
        return try await Self.translating(resource.kind) {
            try await writes.write { db in
                var old: (key: Int64, display: String?, externalId: String?)?
                let select = try db.cachedStatement(
                    sql: """
                        SELECT pk, display, external_id FROM resources
                        WHERE id = ? AND kind = ? AND version = ? AND org_pk = ?
                        """)
                try select.bind(current)
                try select.forEachRow { row in old = row.integer(0).map { ($0, row.text(1), row.text(2)) } }
                guard let old else { return false }
                let setsExternalId = old.externalId != externalId
                let sql = Self.updates[(resource.keepsUniqueKey ? 0 : 1) + (setsExternalId ? 2 : 0)]
                try db.cachedStatement(sql: sql).execute(
                    values: values + (setsExternalId ? [SQLValue(externalId)] : []) + [.integer(old.key)])
                try Self.rewriteIndex(index, key: old.key, in: organization, db)
                let told = try Self.apply(members, toGroupKey: old.key, in: organization, db)
                // What shows this resource by name shows the old one: it gets a new version.
                if old.display != display { try Self.touchNeighbours(of: old.key, db) }
                try Self.writeEvents(events + told, in: organization, db)
                return true
            }
        }
    }

    public func delete(
        _ kind: ResourceKind, id: String, expectedVersion: Int?, events: [NewEvent], in organization: OrganizationKey
    ) async throws -> Bool {
        try await writes.write { db in
            guard
                let key = try Int64.fetchOne(
                    db,
                    sql: """
                        SELECT pk FROM resources
                        WHERE id = ? AND kind = ? AND org_pk = ? AND version = COALESCE(?, version)
                        """,
                    arguments: [id, kind.rawValue, organization.rawValue, expectedVersion])
            else { return false }
            try Self.touchNeighbours(of: key, db)
            try db.execute(sql: "DELETE FROM resources WHERE pk = ?", arguments: [key])
            try Self.writeEvents(events, in: organization, db)
            return true
        }
    }

    /// The page first: when it is not full it holds the last match, so an `eq` lookup needs no count. The
    /// unfiltered list in creation order, what an import reads, has a path of its own (`listInOrder`).
    public func search(_ query: ResourceQuery) async throws -> SearchResult {
        if let seek = query.seek { return try await keysetPage(query, seek: seek) }
        if query.filter == nil && query.sort == nil { return try await listInOrder(query) }
        let condition = try FilterSQL.compile(
            query.filter, kind: query.kind, type: query.type, organization: query.organization)
        let values = [.integer(query.organization.rawValue), .text(query.kind.rawValue)] + condition.values
        if Self.findsAtMostOne(query) && query.page.offset == 0 {
            return try await pointRead(singleStatement: true) { db in try Self.findOne(query, condition, values, db) }
        }
        let arguments = StatementArguments(values)
        let counts: StatementArguments = [query.organization.rawValue, query.kind.rawValue]
        let order = try SortSQL.compile(query.sort, kind: query.kind, type: query.type)
        let scope = ResourceSQL.scope(condition.sql)
        let pageValues =
            values + order.values + [.integer(Int64(query.page.count)), .integer(Int64(query.page.offset))]
        let read = { @Sendable (db: Database) throws -> SearchResult in
            var rows = ReadRows()
            if query.page.count > 0 {
                rows = try Self.readRows(
                    Self.statement(
                        db, "SELECT \(ResourceSQL.columns), pk \(scope) ORDER BY \(order.sql) LIMIT ? OFFSET ?"),
                    values: pageValues, maxBytes: query.maxBytes)
            }
            // A page the byte budget ended early says nothing about the rows after it. Without a filter (a sorted
            // list), the triggers' count is the total.
            let total =
                try (rows.cut ? nil : query.page.totalFromShortPage(rows.resources.count))
                ?? (query.filter == nil
                    ? Int.fetchOne(db.cachedStatement(sql: ResourceSQL.counts), arguments: counts)
                    : Int.fetchOne(Self.statement(db, "SELECT COUNT(*) \(scope)"), arguments: arguments)) ?? 0
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
        let scope = "resources.org_pk = ? AND resources.kind = ? AND (\(condition.sql))"
        guard query.withGroups else {
            let sql = "SELECT \(ResourceSQL.qualifiedColumns) FROM resources WHERE \(scope)"
            let found = try first(statement(db, sql), values: values)
            return SearchResult(total: found == nil ? 0 : 1, resources: found.map { [$0] } ?? [])
        }
        let sql = ResourceSQL.withGroups(where: scope)
        guard let (resource, groups) = try withGroups(statement(db, sql), values: values) else {
            return SearchResult(total: 0, resources: [], groups: [:])
        }
        return SearchResult(total: 1, resources: [resource], groups: groups.isEmpty ? [:] : [resource.id: groups])
    }

    static func findsAtMostOne(_ query: ResourceQuery) -> Bool { query.findsAtMostOne }

    /// A page's resources, with their groups when asked for, read in the page's transaction.
    static func result(total: Int, rows: ReadRows, withGroups: Bool, _ db: Database) throws -> SearchResult {
        guard withGroups else { return SearchResult(total: total, resources: rows.resources) }
        return SearchResult(
            total: total, resources: rows.resources,
            groups: try groups(ofKeys: rows.keys, ids: rows.resources, db))
    }

    /// A page's resources and their keys, read in order until their bodies hold `maxBytes` (always at least one),
    /// from a statement selecting `ResourceSQL.columns` then `pk`.
    /// With `sortKeys`, the statement selects a sort key after `pk`, kept in `sortKeys`.
    static func readRows(_ statement: Statement, values: [SQLValue], maxBytes: Int, sortKeys: Bool = false) throws
        -> ReadRows
    {
        try statement.bind(values)
        var rows = ReadRows()
        var budget = PageBudget(maxBytes: maxBytes)
        try statement.stepRows(while: { row -> Bool in
            guard budget.admits(row.withBytes(5) { $0.count } ?? 0) else {
                rows.cut = true
                return false
            }
            rows.resources.append(try Self.resource(row))
            rows.keys.append(row.integer(6) ?? 0)
            if sortKeys { rows.sortKeys.append(row.value(7)) }
            return true
        })
        return rows
    }

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

    /// Writes a change's events in its transaction, numbered in the organization's sequence. SQLite has one writer:
    /// the numbers are given in commit order.
    static func writeEvents(_ events: [NewEvent], in organization: OrganizationKey, _ db: Database) throws {
        guard !events.isEmpty else { return }
        let take = try db.cachedStatement(sql: EventSQL.takeSequence)
        try take.bind([.integer(organization.rawValue), .integer(Int64(events.count))])
        guard let last = try Int64.fetchOne(take) else { throw StoreCorruption(detail: "no event sequence taken") }
        let insert = try db.cachedStatement(sql: EventSQL.insert)
        for values in EventSQL.values(events, last: last, in: organization) { try insert.execute(values: values) }
    }

    /// The updates of a resource's row, by what they set besides its version, time, display name and body: the
    /// unique key (1) and the externalId (2) only when they change. SQLite rewrites an index's entry whenever the
    /// statement sets one of its columns, changed or not: a PUT that set them all rewrote three index entries that
    /// did not change, 1.4 of the 5.2 pages it wrote to the WAL.
    private static let updates = (0..<4).map { variant in
        "UPDATE resources SET version = ?, modified_ms = ?, display = ?, body = ?"
            + (variant & 1 != 0 ? ", unique_key = COALESCE(?, unique_key)" : "")
            + (variant & 2 != 0 ? ", external_id = ?" : "")
            + " WHERE pk = ?"
    }

    /// Indexes a new resource's values; called in the transaction that writes the resource.
    static func writeIndex(_ values: [IndexedValue], key: Int64, in organization: OrganizationKey, _ db: Database)
        throws
    {
        let statement = try db.cachedStatement(sql: ResourceSQL.insertValue)
        for value in values {
            try statement.execute(values: ResourceSQL.indexValues(value, key: key, in: organization))
        }
    }

    /// Makes a resource's indexed values `values`, writing only the rows that change: a PUT or PATCH changes a
    /// value or two, and rewriting every row rewrote each value's index entry, at a page of the WAL apiece. A new
    /// value of an attribute's element takes the row of the old one (its entry in the index by resource stays as it
    /// is); values of elements the resource no longer has are deleted.
    static func rewriteIndex(_ values: [IndexedValue], key: Int64, in organization: OrganizationKey, _ db: Database)
        throws
    {
        struct Slot: Hashable {
            var path: String
            var element: Int
        }
        var stored: [Slot: [(row: Int64, value: IndexedValue)]] = [:]
        let read = try db.cachedStatement(
            sql: """
                SELECT rowid, path, element, text_value, number_value, bool_value, time_value
                FROM attribute_values WHERE resource_pk = ?
                """)
        try read.bind([.integer(key)])
        try read.forEachRow { row in
            guard let rowID = row.integer(0) else { return }
            let value = IndexedValue(
                path: row.text(1) ?? "", element: Int(row.integer(2) ?? 0), text: row.text(3), number: row.real(4),
                bool: row.integer(5).map { $0 != 0 }, time: row.integer(6))
            stored[Slot(path: value.path, element: value.element), default: []].append((rowID, value))
        }
        let change = try db.cachedStatement(
            sql: "UPDATE attribute_values SET text_value = ?, number_value = ?, bool_value = ?, time_value = ? "
                + "WHERE rowid = ?")
        var added: [IndexedValue] = []
        for value in values {
            guard let old = stored[Slot(path: value.path, element: value.element)]?.popLast() else {
                added.append(value)
                continue
            }
            guard old.value != value else { continue }
            try change.execute(values: [
                SQLValue(value.text), SQLValue(value.number), SQLValue(value.bool), SQLValue(value.time),
                .integer(old.row),
            ])
        }
        let delete = try db.cachedStatement(sql: "DELETE FROM attribute_values WHERE rowid = ?")
        for old in stored.values.joined() { try delete.execute(values: [.integer(old.row)]) }
        try writeIndex(added, key: key, in: organization, db)
    }
}

extension SQLiteStore {
    /// SQLite's plan for the page query of `query`, one line per step, so tests can check that indexes are used.
    func queryPlan(for query: ResourceQuery) async throws -> [String] {
        let condition = try FilterSQL.compile(
            query.filter, kind: query.kind, type: query.type, organization: query.organization)
        let order = try SortSQL.compile(query.sort, kind: query.kind, type: query.type)
        return try await database.read { db in
            let sql =
                "EXPLAIN QUERY PLAN SELECT \(ResourceSQL.columns) \(ResourceSQL.scope(condition.sql)) "
                + "ORDER BY \(order.sql) LIMIT ? OFFSET ?"
            let values: [SQLValue] =
                [.integer(query.organization.rawValue), .text(query.kind.rawValue)] + condition.values + order.values
                + [.integer(100), .integer(0)]
            let arguments = StatementArguments(values)
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { $0["detail"] as String? ?? "" }
        }
    }
}

/// The resources of a page as read, their keys, and whether the byte budget ended the page before its rows did.
struct ReadRows {
    var resources: [StoredResource] = []
    var keys: [Int64] = []
    var cut = false
    /// Each row's sort key, when read with `sortKeys`.
    var sortKeys: [SQLValue] = []
}
