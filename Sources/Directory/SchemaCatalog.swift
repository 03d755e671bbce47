import Foundation
import SCIMCore
import Synchronization

/// The schemas in force: the standard ones plus the admin's custom user fields, read from the store and reused
/// for a few seconds, so a field added on another instance appears here within `lifetime` and at once here.
public final class SchemaCatalog: Sendable {
    let store: any Store
    let lifetime: TimeInterval
    let clock: @Sendable () -> Date
    private let state = Mutex(State())

    private struct State {
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
            self.user = .user(customFields: fields)
            self.indexed = .user(
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

    public static let ignoreUnknownSetting = "ignore_unknown_extension_attributes"

    public init(store: any Store, lifetime: TimeInterval = 2, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.lifetime = lifetime
        self.clock = clock
    }

    /// The schemas in force. When the cached ones are older than `lifetime`, one caller reloads them while the
    /// others go on with the cached ones: a burst of requests never turns into a burst of identical reads.
    public func snapshot() async throws -> Snapshot {
        let now = clock()
        let (cached, generation) = state.withLock { state -> (Snapshot?, Int) in
            if let snapshot = state.snapshot, now.timeIntervalSince(snapshot.loaded) < lifetime || state.reloading {
                return (snapshot, state.generation)
            }
            state.reloading = true
            return (nil, state.generation)
        }
        if let cached { return cached }
        do {
            let snapshot = Snapshot(
                fields: try await store.customFields(),
                ignoresUnknownAttributes: try await store.setting(Self.ignoreUnknownSetting) == "true", loaded: now)
            state.withLock { state in
                state.reloading = false
                // A change made here while reading wins: its invalidation must not be undone by an older read.
                if state.generation == generation { state.snapshot = snapshot }
            }
            return snapshot
        } catch {
            state.withLock { $0.reloading = false }
            throw error
        }
    }

    /// Forgets the cached schemas, after a change made on this instance.
    public func invalidate() {
        state.withLock { state in
            state.snapshot = nil
            state.reloading = false
            state.generation += 1
        }
    }
}
