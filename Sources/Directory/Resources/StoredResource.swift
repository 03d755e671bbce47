import Foundation
import SCIMCore

/// The two kinds of resource Roster keeps.
public enum ResourceKind: String, Sendable, Hashable, CaseIterable {
    case user = "User"
    case group = "Group"

    public var resourceType: ResourceType {
        switch self {
        case .user: .user
        case .group: .group
        }
    }

    public var endpoint: String { resourceType.endpoint }
}

/// A resource as the store keeps it: the body in stored form, without `id`, `meta` or derived attributes.
public struct StoredResource: Sendable, Hashable {
    public var id: String
    public var kind: ResourceKind
    public var version: Int
    public var created: Date
    public var lastModified: Date
    public var body: JSONObject
    /// The resource type whose schemas the filter index follows; nil means the standard one (no custom fields).
    public var indexedWith: ResourceType?
    /// Whether an update keeps the unique key the store holds (the name did not change) instead of writing
    /// `uniqueKey`.
    public var keepsUniqueKey = false

    public init(id: String, kind: ResourceKind, version: Int, created: Date, lastModified: Date, body: JSONObject) {
        self.id = id
        self.kind = kind
        self.version = version
        self.created = created
        self.lastModified = lastModified
        self.body = body
    }

    /// The key a store keeps unique per kind, of `userName` for users and `displayName` for groups: trimmed, width
    /// and case folded (see `IdentityName`).
    public var uniqueKey: String? {
        body[kind.uniqueAttribute]?.stringValue.map(IdentityName.key)
    }

    /// The leaf values a store indexes for filters and sorting.
    public var indexedValues: [IndexedValue] {
        AttributeIndex.values(of: body, kind: kind, type: indexedWith ?? kind.resourceType)
    }

    /// `externalId` is case-exact (RFC 7643 §3.1), so it is kept as sent.
    public var externalId: String? { body["externalId"]?.stringValue }

    /// The name people and the admin console know the resource by.
    public var displayName: String? {
        switch kind {
        case .user: body["displayName"]?.stringValue ?? body["userName"]?.stringValue
        case .group: body["displayName"]?.stringValue
        }
    }
}

/// A member of a group, or a group a user belongs to, as a reference.
public struct ResourceReference: Sendable, Hashable {
    public var id: String
    public var kind: ResourceKind
    public var display: String?

    public init(id: String, kind: ResourceKind, display: String? = nil) {
        self.id = id
        self.kind = kind
        self.display = display
    }
}

/// Case folding done in Swift before values reach SQL, so every store compares alike.
public enum Folding {
    public static func fold(_ text: String) -> String { text.lowercased() }
}

extension Date {
    /// Milliseconds since 1970, as stores keep instants; clamped, so no date (a corrupt one included) traps.
    public var milliseconds: Int64 {
        let value = (timeIntervalSince1970 * 1000).rounded()
        return Int64(exactly: value) ?? (value < 0 ? Int64.min / 2 : Int64.max / 2)
    }

    public init(milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}

/// A row a store cannot read back: a bug or damaged data, reported as a 500.
public struct StoreCorruption: Error, CustomStringConvertible {
    public var detail: String
    public var description: String { "Store corruption: \(detail)" }

    public init(detail: String) {
        self.detail = detail
    }
}
