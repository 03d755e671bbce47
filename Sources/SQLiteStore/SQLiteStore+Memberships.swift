import Directory
import Foundation
import GRDB
import SCIMCore
import StoreSQL

extension SQLiteStore {
    public func members(ofGroup id: String, after: Int64?, limit: Int, in organization: OrganizationKey) async throws
        -> MemberPage
    {
        try await database.read { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: ResourceSQL.members),
                arguments: [id, organization.rawValue, after ?? 0, limit])
            let next: Int64? = rows.count == limit ? rows.last?["member_pk"] : nil
            return MemberPage(members: rows.compactMap(Self.reference), next: next)
        }
    }

    public func changeMembers(
        ofGroup id: String, _ change: MembershipChange, modified: Date, events: [NewEvent],
        in organization: OrganizationKey
    ) async throws -> Int? {
        try await writes.write { db -> Int? in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT pk, version FROM resources WHERE id = ? AND kind = ? AND org_pk = ?",
                    arguments: [id, ResourceKind.group.rawValue, organization.rawValue])
            else { return nil }
            let key: Int64 = row["pk"]
            let version: Int = row["version"] + 1
            try db.execute(
                sql: "UPDATE resources SET version = ?, modified_ms = MAX(modified_ms, ?) WHERE pk = ?",
                arguments: [version, modified.milliseconds, key])
            let told = try Self.apply(change, toGroupKey: key, in: organization, db)
            try Self.writeEvents(events + told, in: organization, db)
            return version
        }
    }

    public func memberIDs(ofGroup id: String, among candidates: [String], in organization: OrganizationKey)
        async throws -> Set<String>
    {
        guard !candidates.isEmpty else { return [] }
        return try await database.read { db in
            var found = Set<String>()
            for chunk in stride(from: 0, to: candidates.count, by: 400) {
                let ids = Array(candidates[chunk..<min(chunk + 400, candidates.count)])
                let rows = try String.fetchAll(
                    db, sql: ResourceSQL.memberIDs(count: ids.count),
                    arguments: StatementArguments(ids) + [organization.rawValue, id, organization.rawValue])
                found.formUnion(rows)
            }
            return found
        }
    }

    public func groups(of ids: [String], in organization: OrganizationKey) async throws
        -> [String: [ResourceReference]]
    {
        guard !ids.isEmpty else { return [:] }
        return try await database.read { db in
            var result: [String: [ResourceReference]] = [:]
            for chunk in stride(from: 0, to: ids.count, by: 400) {
                let slice = Array(ids[chunk..<min(chunk + 400, ids.count)])
                let rows = try Row.fetchAll(
                    db, sql: ResourceSQL.groups(count: slice.count),
                    arguments: StatementArguments(slice) + [organization.rawValue])
                for row in rows {
                    guard let kind = ResourceKind(rawValue: row[2]) else { continue }
                    result[row[0], default: []].append(ResourceReference(id: row[1], kind: kind, display: row[3]))
                }
            }
            return result
        }
    }

    /// The groups of the resources with these keys (`ids` in the same order), by resource id.
    static func groups(ofKeys keys: [Int64], ids resources: [StoredResource], _ db: Database) throws
        -> [String: [ResourceReference]]
    {
        guard !keys.isEmpty else { return [:] }
        let idByKey = Dictionary(zip(keys, resources.map(\.id)), uniquingKeysWith: { first, _ in first })
        // Padded to a power of two with repeats, so a handful of statement shapes serve every page size.
        let padded =
            keys
            + Array(
                repeating: keys[0], count: (1 << (Int.bitWidth - (keys.count - 1).leadingZeroBitCount)) - keys.count)
        let placeholders = Array(repeating: "?", count: padded.count).joined(separator: ",")
        let rows = try Row.fetchAll(
            statement(
                db,
                """
                SELECT ms.member_pk, g.id, g.kind, g.display FROM memberships ms JOIN resources g ON g.pk = ms.group_pk
                WHERE ms.member_pk IN (\(placeholders)) ORDER BY ms.group_pk
                """),
            arguments: StatementArguments(padded))
        var result: [String: [ResourceReference]] = [:]
        for row in rows {
            guard let id = idByKey[row["member_pk"]], let reference = Self.reference(row) else { continue }
            result[id, default: []].append(reference)
        }
        return result
    }

    static func reference(_ row: Row) -> ResourceReference? {
        guard let kind = ResourceKind(rawValue: row["kind"]) else { return nil }
        return ResourceReference(id: row["id"], kind: kind, display: row["display"])
    }

    /// Adds members by public id; an id that names no user or group of the organization is an `invalidValue` and
    /// undoes the write.
    /// Adds members by public id; returns the ids of those that were not members already.
    @discardableResult
    static func addMembers(
        _ ids: [String], toGroupKey groupKey: Int64, in organization: OrganizationKey, _ db: Database
    ) throws -> [String] {
        var added: [String] = []
        for id in ids {
            guard
                let memberKey = try Int64.fetchOne(
                    db.cachedStatement(sql: ResourceSQL.key), arguments: [id, organization.rawValue])
            else {
                throw SCIMError.invalidValue("Member \"\(id)\" is not a user or group in this directory.")
            }
            guard memberKey != groupKey else { throw SCIMError.invalidValue("A group cannot be a member of itself.") }
            try db.execute(
                sql: "INSERT OR IGNORE INTO memberships (group_pk, member_pk) VALUES (?, ?)",
                arguments: [groupKey, memberKey])
            if db.changesCount > 0 {
                try touch(key: memberKey, db)
                added.append(id)
            }
        }
        return added
    }

    /// Applies a membership change to the rows as they are in this transaction; returns the events telling the
    /// rows it actually added and removed.
    static func apply(
        _ change: MembershipChange, toGroupKey groupKey: Int64, in organization: OrganizationKey, _ db: Database
    ) throws -> [NewEvent] {
        var change = change
        if change.needsCurrentMembers {
            change = change.resolved(
                against: try String.fetchAll(db, sql: ResourceSQL.memberIDsOfGroup, arguments: [groupKey]))
        }
        let removed = try removeMembers(change.removed, fromGroupKey: groupKey, in: organization, db)
        let added = try addMembers(change.added, toGroupKey: groupKey, in: organization, db)
        return change.events(added: added, removed: removed)
    }

    /// Removes members by public id; returns the ids of those that were members.
    static func removeMembers(
        _ ids: [String], fromGroupKey groupKey: Int64, in organization: OrganizationKey, _ db: Database
    ) throws -> [String] {
        var removed: [String] = []
        for id in ids {
            guard
                let memberKey = try Int64.fetchOne(
                    db.cachedStatement(sql: ResourceSQL.key), arguments: [id, organization.rawValue])
            else { continue }
            try db.execute(
                sql: "DELETE FROM memberships WHERE group_pk = ? AND member_pk = ?", arguments: [groupKey, memberKey])
            if db.changesCount > 0 {
                try touch(key: memberKey, db)
                removed.append(id)
            }
        }
        return removed
    }

    /// A new version for a resource whose derived attributes (`groups`, `members`) changed, so ETags stay true.
    static func touch(key: Int64, _ db: Database) throws {
        try db.cachedStatement(sql: ResourceSQL.touch).execute(values: [.integer(key)])
    }

    /// The resources that show this one by its display name get a new version, so their ETags change with what
    /// they show: the groups it is a member of (their `members`) and, for a group, its members (their `groups`).
    static func touchNeighbours(of key: Int64, _ db: Database) throws {
        try db.cachedStatement(sql: ResourceSQL.touchGroups).execute(values: [.integer(key)])
        try db.cachedStatement(sql: ResourceSQL.touchMembers).execute(values: [.integer(key)])
    }
}
