import Foundation

/// Provisioning activity, and the provenance of each resource it tells.
public protocol ActivityStore: Sendable {
    /// Appends events and updates the provenance of the resources they created or changed, in one transaction.
    func record(_ events: [ActivityEvent]) async throws
    /// The newest events first, matching the query (and its organization, when it names one).
    func activity(_ query: ActivityQuery) async throws -> [ActivityEvent]
    /// Deletes events older than `time`; returns how many went.
    func deleteActivity(before time: Date) async throws -> Int
    func provenance(of resourceID: String, in organization: OrganizationKey) async throws -> Provenance?
    /// The most events the activity log gives `record` at once. A database with one writer (SQLite) takes a
    /// second's events in parts, so other writes go between them; others take them whole.
    var recordPart: Int { get }
}

extension ActivityStore {
    public var recordPart: Int { .max }
}
