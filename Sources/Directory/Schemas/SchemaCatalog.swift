import Foundation
import SCIMCore
import Synchronization

/// The schemas in force in each organization: the standard ones plus its admin's custom user fields, read from the
/// store and reused for a few seconds, so a field added on another instance appears here within `lifetime` and at
/// once here.
public final class SchemaCatalog: Sendable {
    let store: any FieldStore
    let lifetime: TimeInterval
    let clock: @Sendable () -> Date
    /// Organizations whose schemas are kept at most; past it, those not read within `lifetime` are forgotten.
    let capacity: Int
    private let state = Mutex<[OrganizationKey: Entry]>([:])

    private struct Entry {
        var snapshot: Snapshot?
        var reloading = false
        var generation = 0
    }

    /// The schemas at one moment. A class: every request takes the snapshot, and a struct of two resource types
    /// is copied field by field, a reference count for each.
    public final class Snapshot: Sendable {
        public let fields: [CustomField]
        /// Whether values for extension attributes nobody defined are dropped rather than refused.
        public let ignoresUnknownAttributes: Bool
        let loaded: Date

        /// Users with the enabled custom fields: what requests are validated and responses rendered with.
        public let user: ResourceType
        /// Users with every custom field, disabled ones too: what the filter index is written with, so values
        /// kept while a field is disabled are found again when it is enabled.
        let indexed: ResourceType

        init(fields: [CustomField], ignoresUnknownAttributes: Bool, loaded: Date) {
            self.fields = fields
            self.ignoresUnknownAttributes = ignoresUnknownAttributes
            self.loaded = loaded
            // Most organizations define no field: they share the standard type instead of each building its own.
            self.user = fields.isEmpty ? .user : .user(customFields: fields)
            self.indexed =
                fields.isEmpty
                ? .user
                : .user(
                    customFields: fields.map { field in
                        var enabled = field
                        enabled.enabled = true
                        return enabled
                    })
        }

        public func type(_ kind: ResourceKind) -> ResourceType {
            kind == .user ? user : kind.resourceType
        }

        public var disabled: [CustomField] { fields.filter { !$0.enabled } }
    }

    public init(
        store: any FieldStore, lifetime: TimeInterval = 2, capacity: Int = 20_000,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.lifetime = lifetime
        self.capacity = capacity
        self.clock = clock
    }

    /// The schemas in force in `organization`. When the cached ones are older than `lifetime`, one caller reloads
    /// them while the others go on with the cached ones: a burst of requests never turns into a burst of identical
    /// reads.
    public func snapshot(for organization: OrganizationKey) async throws -> Snapshot {
        let now = clock()
        let (cached, generation) = state.withLock { entries -> (Snapshot?, Int) in
            var entry = entries[organization] ?? Entry()
            if let snapshot = entry.snapshot, now.timeIntervalSince(snapshot.loaded) < lifetime || entry.reloading {
                return (snapshot, entry.generation)
            }
            entry.reloading = true
            if entries[organization] == nil {
                Self.makeRoom(in: &entries, capacity: capacity, now: now, lifetime: lifetime)
            }
            entries[organization] = entry
            return (nil, entry.generation)
        }
        if let cached { return cached }
        do {
            let snapshot = Snapshot(
                fields: try await store.customFields(in: organization),
                ignoresUnknownAttributes: try await store.ignoresUnknownAttributes(in: organization), loaded: now)
            state.withLock { entries in
                entries[organization]?.reloading = false
                // A change made here while reading wins: its invalidation must not be undone by an older read.
                if entries[organization]?.generation == generation { entries[organization]?.snapshot = snapshot }
            }
            return snapshot
        } catch {
            state.withLock { $0[organization]?.reloading = false }
            throw error
        }
    }

    /// Forgets an organization's cached schemas, after a change made on this instance.
    public func invalidate(_ organization: OrganizationKey) {
        state.withLock { entries in
            var entry = entries[organization] ?? Entry()
            entry.snapshot = nil
            entry.reloading = false
            entry.generation += 1
            entries[organization] = entry
        }
    }

    /// Past `capacity`, forgets the entries no request needs any more: their snapshots are stale anyway.
    private static func makeRoom(
        in entries: inout [OrganizationKey: Entry], capacity: Int, now: Date, lifetime: TimeInterval
    ) {
        guard entries.count >= capacity else { return }
        entries = entries.filter { _, entry in
            entry.reloading || entry.snapshot.map { now.timeIntervalSince($0.loaded) < lifetime } ?? false
        }
    }
}
