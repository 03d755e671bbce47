import Foundation
import SCIMCore

/// One organization's directory: SCIM semantics over its stores, with versions, uniqueness and memberships. Every
/// operation reads and writes this organization's rows only; `Organizations` hands a directory out per token.
public struct Directory: Sendable {
    let context: DirectoryContext
    /// The organization whose users, groups, tokens and fields this directory holds.
    public let organization: OrganizationKey

    init(context: DirectoryContext, organization: OrganizationKey) {
        self.context = context
        self.organization = organization
    }

    /// The SCIM base URL, such as `https://roster.example.com/scim/v2`, for `meta.location` and `$ref`.
    public var baseURL: String { context.baseURL }
    public var limits: Limits { context.limits }
    var resources: any ResourceStore { context.stores.resources }
    var clock: @Sendable () -> Date { context.clock }
    var newID: @Sendable () -> String { context.newID }

    /// The schemas in force in this organization, its custom user fields included.
    public func schemas() async throws -> SchemaCatalog.Snapshot {
        try await context.schemas.snapshot(for: organization)
    }

    /// A time-ordered (version 7) UUID in lower case, the form of every resource id: 48 bits of Unix milliseconds,
    /// then 74 random bits. Random (version 4) ids put each new resource, its provenance and its activity at a
    /// random place in their indexes, a page written per index per create; ids that grow with time append.
    /// Foundation's `UUID()` would also open and read /dev/urandom for each one; this asks the system generator.
    public static func timeOrderedID() -> String {
        timeOrderedID(milliseconds: UInt64(max(0, Date().timeIntervalSince1970 * 1000)))
    }

    static func timeOrderedID(milliseconds: UInt64) -> String {
        var generator = SystemRandomNumberGenerator()
        // Version 7 in the high nibble of byte 6, the RFC 9562 variant (binary 10) in the top bits of byte 8.
        let high = (milliseconds & 0xFFFF_FFFF_FFFF) << 16 | 0x7000 | (generator.next() as UInt64) & 0x0FFF
        let low = (generator.next() as UInt64) & ~(0xC0 << 56) | (0x80 << 56)
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: 36) { text in
            var position = 0
            for index in 0..<32 {
                if index == 8 || index == 12 || index == 16 || index == 20 {
                    text[position] = UInt8(ascii: "-")
                    position += 1
                }
                let value = index < 16 ? high : low
                text[position] = digits.utf8Start[Int(truncatingIfNeeded: value >> (60 - 4 * (index % 16))) & 0xF]
                position += 1
            }
            return position
        }
    }

    /// A resource type as it stands now, with the enabled custom fields for users.
    public func resourceType(_ kind: ResourceKind) async throws -> ResourceType {
        try await schemas().type(kind)
    }

    /// The bounds Roster enforces and advertises.
    public struct Limits: Sendable {
        public var maxResults: Int
        public var maxPatchOperations: Int
        public var maxPayloadSize: Int
        /// Leaf values one resource may hold (each is an index row): 10,000 emails, say, is an attack, not a person.
        public var maxValuesPerResource: Int
        /// The most values one PATCH may compare with its value filters (operations × elements × comparisons).
        public var maxPatchWork: Int
        /// The most bytes of stored resources one page of a list holds (see `ResourceQuery.maxBytes`).
        public var maxPageBytes: Int
        /// The most operations, and bytes, one `/Bulk` request may hold (RFC 7644 §3.7.4).
        public var maxBulkOperations: Int
        public var maxBulkPayloadSize: Int
        /// How long a paging cursor stays valid after it was issued (RFC 9865 `cursorTimeout`).
        public var cursorTimeout: Int

        public init(
            maxResults: Int = 1000, maxPatchOperations: Int = 1000, maxPayloadSize: Int = 1_048_576,
            maxValuesPerResource: Int = 2000, maxPatchWork: Int = 50_000, maxPageBytes: Int = 1 << 20,
            maxBulkOperations: Int = 1000, maxBulkPayloadSize: Int = 4 << 20, cursorTimeout: Int = 3600
        ) {
            self.maxBulkOperations = maxBulkOperations
            self.maxBulkPayloadSize = maxBulkPayloadSize
            self.cursorTimeout = cursorTimeout
            self.maxPageBytes = maxPageBytes
            self.maxResults = maxResults
            self.maxPatchOperations = maxPatchOperations
            self.maxPayloadSize = maxPayloadSize
            self.maxValuesPerResource = maxValuesPerResource
            self.maxPatchWork = maxPatchWork
        }
    }

    public func location(_ kind: ResourceKind, id: String) -> String {
        "\(baseURL)\(kind.endpoint)/\(id)"
    }
}

/// A resource as a response carries it: the projected representation and the facts for its headers.
public struct ResourceResponse: Sendable {
    public var representation: JSONObject
    public var meta: ResourceMeta
    /// What a write changed (empty for reads and for writes that changed nothing), for the activity log.
    public var changes: [String]

    public init(representation: JSONObject, meta: ResourceMeta, changes: [String] = []) {
        self.representation = representation
        self.meta = meta
        self.changes = changes
    }
}

/// The `If-Match` precondition of RFC 7644 §3.14: `*`, or the versions any of whose tags may match.
public indirect enum VersionPrecondition: Sendable, Hashable {
    case any
    case versions(Set<Int>)
    /// `If-None-Match` on a write: it goes ahead only when the resource's version is not one of these (so `*`,
    /// "only if it does not exist", always fails on a resource that does: RFC 7232 §3.2).
    case none(of: VersionPrecondition)

    /// Parses `W/"3"`, `"3"`, `*`, or a comma-separated list of tags; tags that are not ours never match.
    public init?(ifMatch header: String?) {
        guard let header = header?.trimmingCharacters(in: .whitespaces), !header.isEmpty else { return nil }
        var versions = Set<Int>()
        for tag in header.split(separator: ",") {
            var text = Substring(tag.trimmingCharacters(in: .whitespaces))
            if text == "*" {
                self = .any
                return
            }
            if text.hasPrefix("W/") { text = text.dropFirst(2) }
            text = text.drop { $0 == "\"" }
            while text.last == "\"" { text = text.dropLast() }
            if let version = Int(text) { versions.insert(version) }
        }
        self = .versions(versions)
    }

    public func allows(_ version: Int) -> Bool {
        switch self {
        case .any: true
        case .versions(let versions): versions.contains(version)
        case .none(let excluded): !excluded.allows(version)
        }
    }

    /// A write's precondition from its headers: `If-Match`, else `If-None-Match`.
    public init?(ifMatch: String?, ifNoneMatch: String?) {
        if let matching = VersionPrecondition(ifMatch: ifMatch) {
            self = matching
        } else if let excluded = VersionPrecondition(ifMatch: ifNoneMatch) {
            self = .none(of: excluded)
        } else {
            return nil
        }
    }
}
