import Directory
import Foundation
import PostgresNIO
import SCIMCore
import StoreSQL

extension PostgresStore {
    public func members(ofGroup id: String, after: Int64?, limit: Int) async throws -> MemberPage {
        let sql = SQL(
            """
            SELECT ms.member_pk, m.id, m.kind, m.display FROM memberships ms
            JOIN resources m ON m.pk = ms.member_pk
            WHERE ms.group_pk = (SELECT pk FROM resources WHERE id = ?) AND ms.member_pk > ?
            ORDER BY ms.member_pk LIMIT ?
            """, [.text(id), .integer(after ?? 0), .integer(Int64(limit))])
        var members: [ResourceReference] = []
        var last: Int64?
        for try await (key, memberID, kindName, display) in try await run(sql).decode(
            (Int64, String, String, String?).self)
        {
            last = key
            if let kind = ResourceKind(rawValue: kindName) {
                members.append(ResourceReference(id: memberID, kind: kind, display: display))
            }
        }
        return MemberPage(members: members, next: members.count == limit ? last : nil)
    }

    public func changeMembers(ofGroup id: String, _ change: MembershipChange, modified: Date) async throws -> Int? {
        try await transaction { connection in
            let sql = SQL(
                """
                UPDATE resources SET version = version + 1, modified_ms = GREATEST(modified_ms, ?)
                WHERE id = ? AND kind = ? RETURNING pk, version
                """, [.integer(modified.milliseconds), .text(id), .text(ResourceKind.group.rawValue)])
            var updated: (Int64, Int64)?
            for try await row in try await connection.run(sql, logger: logger).decode((Int64, Int64).self) {
                updated = row
            }
            guard let (key, version) = updated else { return nil }
            try await apply(change, toGroupKey: key, on: connection)
            return Int(version)
        }
    }

    public func memberIDs(ofGroup id: String, among candidates: [String]) async throws -> Set<String> {
        var found = Set<String>()
        for start in stride(from: 0, to: candidates.count, by: 500) {
            let ids = Array(candidates[start..<min(start + 500, candidates.count)])
            let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ",")
            let sql = SQL(
                """
                SELECT m.id FROM resources m JOIN memberships ms ON ms.member_pk = m.pk
                WHERE m.id IN (\(placeholders)) AND ms.group_pk = (SELECT pk FROM resources WHERE id = ?)
                """, ids.map(SQLValue.text) + [.text(id)])
            for try await memberID in try await run(sql).decode(String.self) { found.insert(memberID) }
        }
        return found
    }

    public func groups(of ids: [String]) async throws -> [String: [ResourceReference]] {
        guard !ids.isEmpty else { return [:] }
        let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ",")
        let sql = SQL(
            """
            SELECT m.id, g.id, g.kind, g.display FROM resources m
            JOIN memberships ms ON ms.member_pk = m.pk JOIN resources g ON g.pk = ms.group_pk
            WHERE m.id IN (\(placeholders)) ORDER BY ms.group_pk
            """, ids.map(SQLValue.text))
        var result: [String: [ResourceReference]] = [:]
        for try await (memberID, groupID, kindName, display) in try await run(sql).decode(
            (String, String, String, String?).self)
        {
            guard let kind = ResourceKind(rawValue: kindName) else { continue }
            result[memberID, default: []].append(ResourceReference(id: groupID, kind: kind, display: display))
        }
        return result
    }

    func apply(_ change: MembershipChange, toGroupKey groupKey: Int64, on connection: PostgresConnection) async throws {
        if change.removeAll {
            try await connection.run(
                SQL(
                    "UPDATE resources SET version = version + 1 WHERE pk IN (SELECT member_pk FROM memberships WHERE group_pk = ?)",
                    [.integer(groupKey)]),
                logger: logger)
            try await connection.run(
                SQL("DELETE FROM memberships WHERE group_pk = ?", [.integer(groupKey)]), logger: logger)
        }
        for id in change.removed {
            let sql = SQL(
                """
                WITH gone AS (DELETE FROM memberships WHERE group_pk = ? AND member_pk = (SELECT pk FROM resources WHERE id = ?)
                RETURNING member_pk) UPDATE resources SET version = version + 1 WHERE pk IN (SELECT member_pk FROM gone)
                """, [.integer(groupKey), .text(id)])
            try await connection.run(sql, logger: logger)
        }
        try await addMembers(change.added, toGroupKey: groupKey, on: connection)
    }

    /// Adds members by public id; an unknown id is an `invalidValue` that undoes the whole write.
    func addMembers(_ ids: [String], toGroupKey groupKey: Int64, on connection: PostgresConnection) async throws {
        for id in ids {
            var memberKey: Int64?
            for try await key in try await connection.run(
                SQL("SELECT pk FROM resources WHERE id = ?", [.text(id)]), logger: logger
            )
            .decode(Int64.self) { memberKey = key }
            guard let memberKey else {
                throw SCIMError.invalidValue("Member \"\(id)\" is not a user or group in this directory.")
            }
            guard memberKey != groupKey else { throw SCIMError.invalidValue("A group cannot be a member of itself.") }
            let sql = SQL(
                """
                WITH added AS (INSERT INTO memberships (group_pk, member_pk) VALUES (?, ?) ON CONFLICT DO NOTHING RETURNING member_pk)
                UPDATE resources SET version = version + 1 WHERE pk IN (SELECT member_pk FROM added)
                """, [.integer(groupKey), .integer(memberKey)])
            try await connection.run(sql, logger: logger)
        }
    }
}
