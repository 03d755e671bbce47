import Directory
import Foundation
import PostgresNIO
import SCIMCore
import StoreSQL

extension PostgresStore {
    public func members(ofGroup id: String, after: Int64?, limit: Int, in organization: OrganizationKey) async throws
        -> MemberPage
    {
        let sql = SQL(
            ResourceSQL.members,
            [.text(id), .integer(organization.rawValue), .integer(after ?? 0), .integer(Int64(limit))])
        var members: [ResourceReference] = []
        var last: Int64?
        for (key, memberID, kindName, display) in try await run(sql).map({
            try $0.decode((Int64, String, String, String?).self)
        }) {
            last = key
            if let kind = ResourceKind(rawValue: kindName) {
                members.append(ResourceReference(id: memberID, kind: kind, display: display))
            }
        }
        return MemberPage(members: members, next: members.count == limit ? last : nil)
    }

    public func changeMembers(
        ofGroup id: String, _ change: MembershipChange, modified: Date, events: [NewEvent],
        in organization: OrganizationKey
    ) async throws -> Int? {
        try await transaction { connection in
            let sql = SQL(
                """
                UPDATE resources SET version = version + 1, modified_ms = GREATEST(modified_ms, ?)
                WHERE id = ? AND kind = ? AND org_pk = ? RETURNING pk, version
                """,
                [
                    .integer(modified.milliseconds), .text(id), .text(ResourceKind.group.rawValue),
                    .integer(organization.rawValue),
                ])
            var updated: (Int64, Int64)?
            for try await row in try await run(sql, on: connection).decode(
                (Int64, Int64).self)
            {
                updated = row
            }
            guard let (key, version) = updated else { return nil }
            let told = try await apply(change, toGroupKey: key, in: organization, on: connection)
            try await writeEvents(events + told, in: organization, on: connection)
            return Int(version)
        }
    }

    public func memberIDs(ofGroup id: String, among candidates: [String], in organization: OrganizationKey)
        async throws -> Set<String>
    {
        var found = Set<String>()
        let scope = SQLValue.integer(organization.rawValue)
        for start in stride(from: 0, to: candidates.count, by: 500) {
            let ids = Array(candidates[start..<min(start + 500, candidates.count)])
            let sql = SQL(ResourceSQL.memberIDs(count: ids.count), ids.map(SQLValue.text) + [scope, .text(id), scope])
            for memberID in try await run(sql).map({ try $0.decode(String.self) }) { found.insert(memberID) }
        }
        return found
    }

    public func groups(of ids: [String], in organization: OrganizationKey) async throws
        -> [String: [ResourceReference]]
    {
        guard !ids.isEmpty else { return [:] }
        let sql = SQL(
            ResourceSQL.groups(count: ids.count), ids.map(SQLValue.text) + [.integer(organization.rawValue)])
        var result: [String: [ResourceReference]] = [:]
        for (memberID, groupID, kindName, display) in try await run(sql).map({
            try $0.decode((String, String, String, String?).self)
        }) {
            guard let kind = ResourceKind(rawValue: kindName) else { continue }
            result[memberID, default: []].append(ResourceReference(id: groupID, kind: kind, display: display))
        }
        return result
    }

    /// Applies a membership change to the rows as they are in this transaction (the group's row is locked by
    /// then); returns the events telling the rows it actually added and removed.
    func apply(
        _ change: MembershipChange, toGroupKey groupKey: Int64, in organization: OrganizationKey,
        on connection: PostgresConnection
    ) async throws -> [NewEvent] {
        var change = change
        if change.needsCurrentMembers {
            var current: [String] = []
            let sql = SQL(ResourceSQL.memberIDsOfGroup, [.integer(groupKey)])
            for try await id in try await run(sql, on: connection).decode(String.self) {
                current.append(id)
            }
            change = change.resolved(against: current)
        }
        // A thousand ids a statement: a group of 5,000 members was 10,000 round trips, a minute on a loaded machine.
        var removed: [String] = []
        for chunk in change.removed.chunked(into: 1000) {
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            let sql = SQL(
                """
                WITH gone AS (
                    DELETE FROM memberships WHERE group_pk = ? AND member_pk IN (
                        SELECT pk FROM resources WHERE org_pk = ? AND id IN (\(marks)))
                    RETURNING member_pk)
                UPDATE resources SET version = version + 1 WHERE pk IN (SELECT member_pk FROM gone) RETURNING id
                """, [.integer(groupKey), .integer(organization.rawValue)] + chunk.map(SQLValue.text))
            var gone = Set<String>()
            for try await id in try await run(sql, on: connection).decode(String.self) {
                gone.insert(id)
            }
            removed += chunk.filter { gone.remove($0) != nil }
        }
        let added = try await addMembers(change.added, toGroupKey: groupKey, in: organization, on: connection)
        return change.events(added: added, removed: removed)
    }

    /// Adds members by public id; an id that names nothing in the organization is an `invalidValue` that undoes the
    /// whole write. Returns the ids of those that were not members already.
    @discardableResult
    func addMembers(
        _ ids: [String], toGroupKey groupKey: Int64, in organization: OrganizationKey, on connection: PostgresConnection
    ) async throws -> [String] {
        var added: [String] = []
        for chunk in ids.chunked(into: 1000) {
            // The members' keys, in one statement; an id that names nothing undoes the whole write.
            let rows = Array(repeating: "(?)", count: chunk.count).joined(separator: ", ")
            var keys: [String: Int64] = [:]
            let lookup = SQL(
                """
                SELECT r.id, r.pk FROM (VALUES \(rows)) AS wanted (id)
                JOIN resources r ON r.id = wanted.id AND r.org_pk = ?
                """, chunk.map(SQLValue.text) + [.integer(organization.rawValue)])
            for try await (id, key) in try await run(lookup, on: connection).decode(
                (String, Int64).self)
            {
                keys[id] = key
            }
            if let unknown = chunk.first(where: { keys[$0] == nil }) {
                throw SCIMError.invalidValue("Member \"\(unknown)\" is not a user or group in this directory.")
            }
            guard !keys.values.contains(groupKey) else {
                throw SCIMError.invalidValue("A group cannot be a member of itself.")
            }
            let memberKeys = Array(Set(keys.values))
            let values = Array(repeating: "(?::bigint)", count: memberKeys.count).joined(separator: ", ")
            let insert = SQL(
                """
                WITH added AS (
                    INSERT INTO memberships (group_pk, member_pk) SELECT ?, v.pk FROM (VALUES \(values)) AS v (pk)
                    ON CONFLICT DO NOTHING RETURNING member_pk)
                UPDATE resources SET version = version + 1 WHERE pk IN (SELECT member_pk FROM added) RETURNING pk
                """, [.integer(groupKey)] + memberKeys.map(SQLValue.integer))
            var inserted = Set<Int64>()
            for try await key in try await run(insert, on: connection).decode(
                Int64.self)
            {
                inserted.insert(key)
            }
            // Each id once, in the order given.
            added += chunk.filter { id in keys[id].map { inserted.remove($0) != nil } ?? false }
        }
        return added
    }
}
