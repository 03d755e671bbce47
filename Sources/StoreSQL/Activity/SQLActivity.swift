import Directory
import Foundation

/// Provisioning activity and provenance, on either dialect.
public struct SQLActivity: ActivityStore {
    let database: any SQLDatabase
    public let recordPart: Int

    /// `recordPart`: 256 on SQLite, whose one writer held every SCIM write behind a second's events written
    /// together (60–120 ms in every write's p99 under load); unbounded on PostgreSQL, whose writers do not wait for
    /// each other, and where parts made POST about 6% slower.
    public init(_ database: any SQLDatabase, recordPart: Int = .max) {
        self.database = database
        self.recordPart = recordPart
    }

    /// In a transaction of its own, outside the writes' group commit: with a few hundred events in a savepoint of
    /// the shared transaction (whose undo copies of the pages it changes SQLite keeps in memory), `roster-bench
    /// http` peaked at 203–265 MiB instead of 95–126.
    public func record(_ events: [ActivityEvent]) async throws {
        // Provenance follows the events, in their order.
        let inserts = ActivitySQL.chunks(events).map(ActivitySQL.insert)
        try await database.write(inserts + ActivitySQL.provenance(after: events))
    }

    public func activity(_ query: ActivityQuery) async throws -> [ActivityEvent] {
        try await database.rows(ActivitySQL.select(query)).map { row in
            guard let event = ActivitySQL.event(row) else { throw unreadable("activity") }
            return event
        }
    }

    /// A thousand events at a time, oldest first, each part a transaction of its own: an hour of a busy directory's
    /// events is millions of rows, which in one statement held SQLite's writer (every SCIM write) for seconds and
    /// returned every deleted id at once. Each part starts at the last one's newest time: on PostgreSQL the parts
    /// already deleted stay in `activity_by_time` until a vacuum, and every part scanning them again from the start
    /// would read the index's dead entries over and over.
    public func deleteActivity(before time: Date) async throws -> Int {
        var deleted = 0
        var from = Int64.min
        while true {
            let part = try await database.write(
                BoundStatement(
                    "DELETE FROM activity WHERE id IN (SELECT id FROM activity WHERE time_ms >= ? AND time_ms < ? "
                        + "ORDER BY time_ms LIMIT \(Self.deletePart)) RETURNING time_ms",
                    [.integer(from), SQLValue(time)]))
            deleted += part.count
            if part.count < Self.deletePart { return deleted }
            from = part.compactMap { $0.integer(0) }.max() ?? from
        }
    }

    static let deletePart = 1_000

    public func provenance(of resourceID: String, in organization: OrganizationKey) async throws -> Provenance? {
        try await database.first(
            BoundStatement(
                "SELECT resource_id, created_ms, created_by, modified_ms, modified_by FROM provenance "
                    + "WHERE resource_id = ? AND org_pk = ?", [.text(resourceID), .integer(organization.rawValue)])
        ) { row in
            guard let id = row.text(0) else { return nil }
            return Provenance(
                resourceID: id, created: row.date(1), createdBy: row.text(2), modified: row.date(3),
                modifiedBy: row.text(4))
        }
    }
}
