import Foundation
import SCIMCore
import Synchronization

/// The schemas in force: the standard ones plus the admin's custom user fields, read from the store and reused
/// for a few seconds, so a field added on another instance appears here within `lifetime` and at once here.
public final class SchemaCatalog: Sendable {
    let store: any Store
    let lifetime: TimeInterval
    let clock: @Sendable () -> Date
    private let cached = Mutex<Snapshot?>(nil)

    /// The schemas at one moment.
    public struct Snapshot: Sendable {
        public var fields: [CustomField]
        /// Whether values for extension attributes nobody defined are dropped rather than refused.
        public var ignoresUnknownAttributes: Bool
        var loaded: Date

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

    public func snapshot() async throws -> Snapshot {
        let now = clock()
        if let snapshot = cached.withLock({ $0 }), now.timeIntervalSince(snapshot.loaded) < lifetime {
            return snapshot
        }
        let snapshot = Snapshot(
            fields: try await store.customFields(),
            ignoresUnknownAttributes: try await store.setting(Self.ignoreUnknownSetting) == "true", loaded: now)
        cached.withLock { $0 = snapshot }
        return snapshot
    }

    /// Forgets the cached schemas, after a change made on this instance.
    public func invalidate() {
        cached.withLock { $0 = nil }
    }
}
