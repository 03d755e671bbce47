import Directory
import Foundation
import PostgresNIO
import SCIMCore
import StoreSQL

extension PostgresStore {
    public func insert(
        _ resource: StoredResource, members: [String], events: [NewEvent], in organization: OrganizationKey
    ) async throws {
        try await Self.translating(resource.kind) {
            guard members.isEmpty else {
                return try await transaction { connection in
                    let key = try await insertRow(resource, in: organization, on: connection)
                    try await writeIndex(of: resource, key: key, in: organization, on: connection)
                    try await addMembers(members, toGroupKey: key, in: organization, on: connection)
                    try await writeEvents(events, in: organization, on: connection)
                }
            }
            // One statement and one round trip, the usual create (see PostgresSQL).
            try await run(PostgresSQL.insert(resource, events: events, in: organization), writes: true)
        }
        noteInserted(1)
    }

    /// The rows and their indexed values a few statements at a time, all or none: a conflict fails the whole.
    public func insertMany(_ resources: [StoredResource], in organization: OrganizationKey) async throws {
        guard let kind = resources.first?.kind else { return }
        try await Self.translating(kind) {
            try await transaction { connection in
                _ = try await insertBatch(resources, skippingTaken: false, in: organization, on: connection)
            }
        }
        noteInserted(resources.count)
    }

    /// One transaction of two statements, whatever the number: the rows, those whose name is taken left out by
    /// `ON CONFLICT DO NOTHING`, then the indexed values of those inserted. A Bulk request's POSTs go this way:
    /// a round trip per statement is most of a single insert's cost here.
    public func insertEach(_ resources: [StoredResource], events: [[NewEvent]], in organization: OrganizationKey)
        async throws -> [(any Error)?]
    {
        guard let kind = resources.first?.kind else { return [] }
        let inserted = try await Self.translating(kind) {
            try await transaction { connection in
                let keys = try await insertBatch(resources, skippingTaken: true, in: organization, on: connection)
                let told = zip(resources, events).flatMap { keys[$0.id] == nil ? [] : $1 }
                try await writeEvents(told, in: organization, on: connection)
                return Set(keys.keys)
            }
        }
        noteInserted(inserted.count)
        return resources.map { resource in
            inserted.contains(resource.id)
                ? nil
                : SCIMError.uniqueness(
                    "A \(kind.rawValue.lowercased()) with this \(kind.uniqueAttribute) already exists.")
        }
    }

    /// Inserts rows (a name already taken left out with `skippingTaken`, else a conflict that fails the
    /// transaction) and then their indexed values, thousands a statement; the keys of those inserted, by id.
    func insertBatch(
        _ resources: [StoredResource], skippingTaken: Bool, in organization: OrganizationKey,
        on connection: PostgresConnection
    ) async throws -> [String: Int64] {
        var keys: [String: Int64] = [:]
        // PostgreSQL binds at most 65,535 values a statement.
        for chunk in resources.chunked(into: 5000) {
            let rows = Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", count: chunk.count)
            let insert = SQL(
                ResourceSQL.insertColumns + " VALUES " + rows.joined(separator: ", ")
                    + (skippingTaken ? " ON CONFLICT (org_pk, kind, unique_key) DO NOTHING" : "")
                    + " RETURNING pk, id",
                chunk.flatMap { ResourceSQL.insertValues($0, in: organization) })
            for try await (key, id) in try await run(insert, on: connection).decode(
                (Int64, String).self)
            {
                keys[id] = key
            }
        }
        var values: [[SQLValue]] = []
        for resource in resources {
            guard let key = keys[resource.id] else { continue }
            values += resource.indexedValues.map { ResourceSQL.indexValues($0, key: key, in: organization) }
        }
        for chunk in values.chunked(into: 8000) {
            let rows = Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?)", count: chunk.count)
            try await run(
                SQL(ResourceSQL.insertValues + " VALUES " + rows.joined(separator: ", "), chunk.flatMap { $0 }),
                on: connection)
        }
        return keys
    }

    private func insertRow(
        _ resource: StoredResource, in organization: OrganizationKey, on connection: PostgresConnection
    )
        async throws -> Int64
    {
        let sql = SQL(ResourceSQL.insert + " RETURNING pk", ResourceSQL.insertValues(resource, in: organization))
        for try await key in try await run(sql, on: connection).decode(Int64.self) {
            return key
        }
        throw StoreCorruption(detail: "INSERT returned no key")
    }

    /// The user and its groups in one statement (a row per group, or one row with none), as on SQLite: every GET
    /// of a user made two round trips before.
    public func fetchUserWithGroups(id: String, in organization: OrganizationKey) async throws
        -> (user: StoredResource, groups: [ResourceReference])?
    {
        try Self.resourceWithGroups(
            try await run(SQL(ResourceSQL.userWithGroups, [.text(id), .integer(organization.rawValue)])))
    }

    /// The one resource of rows selected by `ResourceSQL.withGroups`, and its groups.
    static func resourceWithGroups(_ rows: [PostgresRow]) throws -> (StoredResource, [ResourceReference])? {
        var resource: StoredResource?
        var groups: [ResourceReference] = []
        for row in rows {
            let (id, kindName, version, created, modified, body, groupID, groupKind, display) = try row.decode(
                (String, String, Int64, Int64, Int64, String, String?, String?, String?).self)
            if resource == nil {
                resource = try Self.resource(
                    id: id, kind: kindName, version: version, created: created, modified: modified, body: body)
            }
            if let groupID, let kind = groupKind.flatMap(ResourceKind.init(rawValue:)) {
                groups.append(ResourceReference(id: groupID, kind: kind, display: display))
            }
        }
        return resource.map { ($0, groups) }
    }

    public func fetch(_ kind: ResourceKind, id: String, in organization: OrganizationKey) async throws
        -> StoredResource?
    {
        let rows = try await run(
            SQL(ResourceSQL.fetch, [.text(id), .text(kind.rawValue), .integer(organization.rawValue)]))
        for row in rows { return try Self.resource(row) }
        return nil
    }

    public func update(
        _ resource: StoredResource, expectedVersion: Int, members: MembershipChange, events: [NewEvent],
        in organization: OrganizationKey
    ) async throws -> Bool {
        try await Self.translating(resource.kind) {
            try await transaction { connection in
                // The row as it was, locked, for the display name it had.
                let sql = SQL(
                    """
                    WITH old AS (
                        SELECT pk, display FROM resources WHERE id = ? AND kind = ? AND version = ? AND org_pk = ?
                        FOR UPDATE)
                    UPDATE resources SET \(ResourceSQL.setColumns)
                    FROM old WHERE resources.pk = old.pk RETURNING old.pk, old.display
                    """,
                    [
                        .text(resource.id), .text(resource.kind.rawValue), .integer(Int64(expectedVersion)),
                        .integer(organization.rawValue),
                    ] + ResourceSQL.setValues(resource))
                var old: (key: Int64, display: String?)?
                for try await row in try await run(sql, on: connection).decode(
                    (Int64, String?).self)
                {
                    old = row
                }
                guard let old else { return false }
                try await writeIndex(of: resource, key: old.key, in: organization, on: connection)
                let told = try await apply(members, toGroupKey: old.key, in: organization, on: connection)
                if old.display != resource.displayName {
                    try await touchNeighbours(of: old.key, on: connection)
                }
                try await writeEvents(events + told, in: organization, on: connection)
                return true
            }
        }
    }

    public func delete(
        _ kind: ResourceKind, id: String, expectedVersion: Int?, events: [NewEvent], in organization: OrganizationKey
    ) async throws -> Bool {
        try await transaction { connection in
            // The kind's lock first, as a create takes it before any row (its trigger would take it last): a reader
            // in commit order waiting for the lock then never stands between two writers waiting for each other.
            try await run(
                SQL(
                    "SELECT pg_advisory_xact_lock_shared(\(Self.commitOrderLock))",
                    [.text(kind.rawValue), .integer(organization.rawValue)]), on: connection)
            let select = SQL(
                """
                SELECT pk FROM resources WHERE id = ? AND kind = ? AND org_pk = ? AND version = COALESCE(?, version)
                FOR UPDATE
                """,
                [
                    .text(id), .text(kind.rawValue), .integer(organization.rawValue),
                    expectedVersion.map { .integer(Int64($0)) } ?? .null,
                ])
            var key: Int64?
            for try await pk in try await run(select, on: connection).decode(Int64.self) { key = pk }
            guard let key else { return false }
            // What showed the deleted resource no longer does: it gets a new version too.
            try await touchNeighbours(of: key, on: connection)
            try await run(
                SQL("DELETE FROM resources WHERE pk = ?", [.integer(key)]), on: connection)
            try await writeEvents(events, in: organization, on: connection)
            return true
        }
    }

    /// Writes a change's events in its transaction, unnumbered: they are numbered once it has committed.
    func writeEvents(_ events: [NewEvent], in organization: OrganizationKey, on connection: PostgresConnection)
        async throws
    {
        guard !events.isEmpty else { return }
        try await run(PostgresSQL.events(events, in: organization), on: connection)
    }

    /// The resources that show this one by its display name get a new version, so their ETags change with what
    /// they show: the groups it is a member of (their `members`) and, for a group, its members (their `groups`).
    func touchNeighbours(of key: Int64, on connection: PostgresConnection) async throws {
        for touch in [ResourceSQL.touchGroups, ResourceSQL.touchMembers] {
            try await run(SQL(touch, [.integer(key)]), on: connection)
        }
    }

    /// A page and its total; the users' groups, when asked for, in a second query.
    public func search(_ query: ResourceQuery) async throws -> SearchResult {
        if query.findsAtMostOne && query.page.offset == 0 && query.seek == nil { return try await findOne(query) }
        var result =
            if let seek = query.seek {
                try await keysetPage(query, seek: seek)
            } else if query.filter == nil && query.sort == nil {
                try await listInOrder(query)
            } else {
                try await filtered(query)
            }
        if query.withGroups {
            result.groups = try await groups(of: result.resources.map(\.id), in: query.organization)
        }
        return result
    }

    /// The first page of a query that finds at most one resource, in one statement with the groups it is in (as
    /// `fetchUserWithGroups` reads them): one round trip instead of two or three.
    private func findOne(_ query: ResourceQuery) async throws -> SearchResult {
        let condition = try FilterSQL.compile(
            query.filter, kind: query.kind, type: query.type, organization: query.organization)
        let scope = "resources.org_pk = ? AND resources.kind = ? AND (\(condition.sql))"
        let values = [.integer(query.organization.rawValue), .text(query.kind.rawValue)] + condition.values
        guard query.withGroups else {
            let rows = try await run(
                SQL("SELECT \(ResourceSQL.qualifiedColumns) FROM resources WHERE \(scope)", values))
            let found = try rows.first.map(Self.resource)
            return SearchResult(total: found == nil ? 0 : 1, resources: found.map { [$0] } ?? [])
        }
        let rows = try await run(SQL(ResourceSQL.withGroups(where: scope), values))
        guard let (resource, groups) = try Self.resourceWithGroups(rows) else {
            return SearchResult(total: 0, resources: [], groups: [:])
        }
        return SearchResult(total: 1, resources: [resource], groups: groups.isEmpty ? [:] : [resource.id: groups])
    }

    /// The page first: when it is not full, it holds the last match, so the total is known without a count.
    private func filtered(_ query: ResourceQuery) async throws -> SearchResult {
        let condition = try FilterSQL.compile(
            query.filter, kind: query.kind, type: query.type, organization: query.organization)
        let order = try SortSQL.compile(query.sort, kind: query.kind, type: query.type)
        let scope = SQL(
            ResourceSQL.scope(condition.sql),
            [.integer(query.organization.rawValue), .text(query.kind.rawValue)] + condition.values)
        var resources: [StoredResource] = []
        if query.page.count > 0 {
            let page = SQL(
                " ORDER BY \(order.sql) LIMIT ? OFFSET ?",
                order.values + [.integer(Int64(query.page.count)), .integer(Int64(query.page.offset))])
            // Rows are read as they come, so that the byte budget bounds what is held.
            let statement = SQL("SELECT \(ResourceSQL.columns) ") + scope + page
            let (read, cut) = try await leased { connection in
                var budget = PageBudget(maxBytes: query.maxBytes)
                var read: [StoredResource] = []
                for try await row in try await run(statement, on: connection) {
                    let (resource, size) = try Self.resourceAndSize(row)
                    guard budget.admits(size) else { break }
                    read.append(resource)
                }
                return (read, budget.cut)
            }
            resources = read
            // A page the byte budget ended early says nothing about the rows after it.
            if !cut, let total = query.page.totalFromShortPage(resources.count) {
                return SearchResult(total: total, resources: resources)
            }
        }
        var total = 0
        // Without a filter (a sorted list), the triggers' count is the total.
        let counting =
            query.filter == nil
            ? SQL(ResourceSQL.counts, [.integer(query.organization.rawValue), .text(query.kind.rawValue)])
            : SQL("SELECT COUNT(*) ") + scope
        for row in try await run(counting) { total = Int(try Array(row)[0].decode(Int64.self)) }
        return SearchResult(total: total, resources: resources)
    }

    /// A keyset page (cursor paging), as the SQLite store reads it (see `SQLiteStore.keysetPage`): one row more than
    /// the page to tell whether more follow, then the total. Sorted by an attribute, in one repeatable-read snapshot.
    /// In key order, the page's snapshot is taken once the creates under way have committed (see `inCommitOrder`),
    /// so no later commit lands behind the cursor; the total may count a change committed after it.
    private func keysetPage(_ query: ResourceQuery, seek: Seek) async throws -> SearchResult {
        let condition = try FilterSQL.compile(
            query.filter, kind: query.kind, type: query.type, organization: query.organization)
        let keyset = try KeysetSQL.compile(query.sort, kind: query.kind, type: query.type, seek: seek)
        let scope = SQL(
            ResourceSQL.scope(condition.sql),
            [.integer(query.organization.rawValue), .text(query.kind.rawValue)] + condition.values)
        let page =
            SQL("SELECT \(ResourceSQL.columns), pk, \(keyset.key.sql) ", keyset.key.values) + scope
            + SQL(
                " AND (\(keyset.condition.sql)) ORDER BY \(keyset.order.sql) LIMIT ?",
                keyset.condition.values + keyset.order.values + [.integer(Int64(query.page.count) + 1)])
        let counting =
            query.filter == nil
            ? SQL(ResourceSQL.counts, [.integer(query.organization.rawValue), .text(query.kind.rawValue)])
            : SQL("SELECT COUNT(*) ") + scope
        let limit = query.page.count
        @Sendable func read(_ connection: PostgresConnection, _ rows: Rows?) async throws -> SearchResult {
            var budget = PageBudget(maxBytes: query.maxBytes)
            var resources: [StoredResource] = []
            var positions: [Keyset] = []
            var more = false
            if let rows {
                for try await row in rows {
                    guard resources.count < limit else {
                        more = true
                        break
                    }
                    let (resource, size) = try Self.resourceAndSize(row)
                    guard budget.admits(size) else {
                        more = true
                        break
                    }
                    let cells = Array(row)
                    resources.append(resource)
                    positions.append(
                        keyset.position(
                            row: try cells[6].decode(Int64.self), value: try PostgresDatabase.value(cells[7])))
                }
            }
            var total = 0
            for try await row in try await run(counting, on: connection) {
                total = Int(try Array(row)[0].decode(Int64.self))
            }
            if seek.backward {
                resources.reverse()
                positions.reverse()
            }
            var result = SearchResult(total: total, resources: resources)
            result.positions = positions
            result.more = more
            return result
        }
        guard query.sort == nil, limit > 0 else {
            return try await transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", writes: false) {
                try await read($0, limit > 0 ? try await run(page, on: $0) : nil)
            }
        }
        return try await inCommitOrder(query.kind, in: query.organization) { connection in
            try await declare(page, on: connection)
        } then: { connection, _ in
            try await read(connection, try await fetchDeclared(on: connection))
        }
    }

    /// Replaces a resource's indexed values, in the transaction that writes the resource.
    func writeIndex(
        of resource: StoredResource, key: Int64, in organization: OrganizationKey, on connection: PostgresConnection
    ) async throws {
        try await run(
            SQL("DELETE FROM attribute_values WHERE resource_pk = ?", [.integer(key)]), on: connection)
        let values = resource.indexedValues
        guard !values.isEmpty else { return }
        // One statement of one text whatever the number of values.
        try await run(
            SQL(
                "WITH target AS (SELECT ?::bigint AS pk) " + PostgresSQL.index(from: "target"),
                [.integer(key), .integer(organization.rawValue), .text(PostgresSQL.rows(values))]), on: connection)
    }

    /// The unfiltered list in creation order, as the SQLite store reads it (see `SQLiteStore.listInOrder`): the
    /// total from `resource_totals`, the page from where the previous one ended when that is known. The count and
    /// the page's snapshot are taken once the creates and deletes under way have committed and before any other
    /// does (see `inCommitOrder`), so the count, the deletions and the page agree.
    func listInOrder(_ query: ResourceQuery) async throws -> SearchResult {
        let (organization, kind) = (query.organization, query.kind)
        let scope: [SQLValue] = [.integer(organization.rawValue), .text(kind.rawValue)]
        let page = query.page
        typealias Counted = (total: Int, deletions: Int64, first: Int64?)
        return try await inCommitOrder(kind, in: organization) { connection -> Counted in
            var total = 0
            var deletions: Int64 = 0
            for try await (count, deleted) in try await run(SQL(ResourceSQL.counts, scope), on: connection)
                .decode((Int64, Int64).self)
            {
                (total, deletions) = (Int(count), deleted)
            }
            guard page.count > 0, page.offset < total else { return (total, deletions, nil) }
            var first = pageStarts.firstKey(
                organization: organization, kind: kind, startIndex: page.startIndex, deletions: deletions)
            if first == nil {
                let seek = SQL(ResourceSQL.seek, scope + [.integer(Int64(page.offset))])
                for try await key in try await run(seek, on: connection).decode(Int64.self) { first = key }
            }
            if let first {
                let rows = SQL(ResourceSQL.page, scope + [.integer(first), .integer(Int64(page.count))])
                try await declare(rows, on: connection)
            }
            return (total, deletions, first)
        } then: { connection, counted in
            guard let first = counted.first else { return SearchResult(total: counted.total, resources: []) }
            var resources: [StoredResource] = []
            var last: Int64?
            var budget = PageBudget(maxBytes: query.maxBytes)
            for try await row in try await fetchDeclared(on: connection) {
                let (id, kindName, version, created, modified, text, key) = try row.decode(
                    (String, String, Int64, Int64, Int64, String, Int64).self)
                guard budget.admits(text.utf8.count) else { break }
                resources.append(
                    try Self.resource(
                        id: id, kind: kindName, version: version, created: created, modified: modified, body: text))
                last = key
            }
            pageStarts.served(
                organization: organization, kind: kind, startIndex: page.startIndex, deletions: counted.deletions,
                firstKey: first, rows: resources.count, lastKey: last)
            return SearchResult(total: counted.total, resources: resources)
        }
    }

    static func resource(_ row: PostgresRow) throws -> StoredResource {
        try resourceAndSize(row).0
    }

    /// A resource and the size of its stored body, in bytes.
    static func resourceAndSize(_ row: PostgresRow) throws -> (StoredResource, Int) {
        let (id, kindName, version, created, modified, text) = try row.decode(
            (String, String, Int64, Int64, Int64, String).self)
        let resource = try resource(
            id: id, kind: kindName, version: version, created: created, modified: modified, body: text)
        return (resource, text.utf8.count)
    }

    static func resource(
        id: String, kind kindName: String, version: Int64, created: Int64, modified: Int64, body text: String
    )
        throws -> StoredResource
    {
        guard let kind = ResourceKind(rawValue: kindName), case .object(let body) = try JSON.parse(Array(text.utf8))
        else {
            throw StoreCorruption(detail: "resource \(id) has an unreadable body")
        }
        return StoredResource(
            id: id, kind: kind, version: Int(version), created: Date(milliseconds: created),
            lastModified: Date(milliseconds: modified), body: body)
    }
}

extension PostgresStore {
    /// PostgreSQL's plan for the page query of `query`, one line per line of `EXPLAIN`, with sequential scans
    /// discouraged (a test database is too small for the planner to prefer an index by itself).
    func queryPlan(for query: ResourceQuery) async throws -> [String] {
        let condition = try FilterSQL.compile(
            query.filter, kind: query.kind, type: query.type, organization: query.organization)
        let order = try SortSQL.compile(query.sort, kind: query.kind, type: query.type)
        let explain = SQL(
            "EXPLAIN SELECT \(ResourceSQL.columns) \(ResourceSQL.scope(condition.sql)) ORDER BY \(order.sql) LIMIT ? OFFSET ?",
            [.integer(query.organization.rawValue), .text(query.kind.rawValue)] + condition.values + order.values
                + [.integer(100), .integer(0)])
        return try await transaction { connection in
            try await run(SQL("SET LOCAL enable_seqscan = off"), on: connection)
            var lines: [String] = []
            for try await line in try await run(explain, on: connection).decode(
                String.self)
            {
                lines.append(line)
            }
            return lines
        }
    }
}
