import Foundation
import SCIMCore

/// One page of the feed: events oldest first, the cursor to read on from, and whether more are there already
/// (also when committed events wait behind a write still open on PostgreSQL: they come at the next read).
public struct FeedPage: Sendable {
    public var events: [StoredEvent]
    public var nextCursor: String
    public var hasMore: Bool
}

extension Applications {
    public static let maxFeedLimit = 1000

    /// Events after `cursor` (from the oldest kept, without one), of every organization or of the one with public
    /// id `organization`, of `types` when given. A cursor is sealed: one Roster never issued is refused, and one
    /// whose next events were deleted by retention is refused with the advice to resynchronize.
    public func feed(after cursor: String?, limit: Int, types: [String]?, organization: String?) async throws
        -> FeedPage
    {
        guard (1...Self.maxFeedLimit).contains(limit) else {
            throw FeedError.invalid("invalid_limit", "limit must be between 1 and \(Self.maxFeedLimit).")
        }
        if let types {
            for type in types where EventType(rawValue: type) == nil {
                throw FeedError.invalid(
                    "invalid_type",
                    "\"\(type)\" is not an event type; they are: "
                        + EventType.allCases.map(\.rawValue).joined(separator: ", ") + ".")
            }
        }
        var scope: OrganizationKey?
        if let organization {
            scope = try await feedOrganization(organization)
        }
        let start = try await position(of: cursor, scope: scope)
        let page: [StoredEvent]
        var withheld = false
        var last: FeedCursor
        // With types, a page that ends early has looked at every event up to the end taken before it was read:
        // its cursor moves past them all, so a reader of a rare type does not scan the same events again.
        switch start {
        case .everywhere(let position):
            let end = types == nil ? nil : try await events.latestPosition()
            (page, withheld) = try await events.events(after: position, types: types, limit: limit + 1)
            last = page.prefix(limit).last.map { .everywhere($0.position) } ?? start
            if let end, page.count <= limit, case .everywhere(let shown) = last, shown < end { last = .everywhere(end) }
        case .organization(let key, let sequence):
            let end = types == nil ? nil : try await events.lastSequences()[key]
            page = try await events.events(of: key, afterSequence: sequence, types: types, limit: limit + 1)
            last = page.prefix(limit).last.map { .organization(key, $0.sequence) } ?? start
            if let end, page.count <= limit, case .organization(_, let shown) = last, shown < end {
                last = .organization(key, end)
            }
        }
        return FeedPage(
            events: Array(page.prefix(limit)), nextCursor: try await seal(last), hasMore: page.count > limit || withheld
        )
    }

    /// Where a cursor points, checked against the request's organization and against what retention deleted.
    private func position(of cursor: String?, scope: OrganizationKey?) async throws -> FeedCursor {
        guard let cursor else {
            return scope.map { .organization($0, 0) } ?? .everywhere(.start)
        }
        guard let bytes = try await context.cursors.openBytes(cursor), let opened = FeedCursor(bytes: bytes) else {
            throw FeedError.invalid("invalid_cursor", "This cursor was not issued by this Roster's feed.")
        }
        let expired = FeedError.invalid(
            "expired_cursor",
            "Events after this cursor were deleted (events are kept \(Self.retentionDescription)); "
                + "resynchronize with the read API, then read the feed from its newest cursor.")
        switch (opened, scope) {
        case (.everywhere(let position), nil):
            if position < (try await events.prunedPosition()) { throw expired }
        case (.organization(let key, let sequence), let scope?) where scope == key:
            if sequence < (try await events.prunedSequence(of: key)) { throw expired }
        default:
            throw FeedError.invalid(
                "invalid_cursor",
                "This cursor belongs to a feed of \(scope == nil ? "one organization" : "another organization or of every organization"); send the same organization parameter as when it was issued."
            )
        }
        return opened
    }

    /// The organization of a feed: also one deleted, while its events (its `organization.deleted`) are kept.
    func feedOrganization(_ id: String) async throws -> OrganizationKey {
        guard let key = try await events.organizationKey(id: id) else {
            throw FeedError(status: 404, code: "unknown_organization", detail: "There is no organization \(id).")
        }
        return key
    }

    static let retentionDescription = "for the retention period, 30 days unless configured otherwise"

    private func seal(_ cursor: FeedCursor) async throws -> String {
        try await context.cursors.seal(bytes: cursor.bytes)
    }
}

/// A feed position as a cursor carries it: in the feed of every organization, or in one organization's sequence.
enum FeedCursor: Equatable {
    case everywhere(FeedPosition)
    case organization(OrganizationKey, Int64)

    /// Marks these bytes as a feed cursor, not a paging one (both are sealed with the same key).
    private static let marker: [UInt8] = Array("roster-feed/1".utf8)

    var bytes: [UInt8] {
        switch self {
        case .everywhere(let position): Self.marker + [0] + Self.bytes(position.major) + Self.bytes(position.minor)
        case .organization(let key, let sequence): Self.marker + [1] + Self.bytes(key.rawValue) + Self.bytes(sequence)
        }
    }

    init?(bytes: [UInt8]) {
        let marker = Self.marker
        guard bytes.count == marker.count + 17, Array(bytes.prefix(marker.count)) == marker else { return nil }
        let body = Array(bytes.dropFirst(marker.count))
        let first = Self.integer(body[1..<9])
        let second = Self.integer(body[9..<17])
        switch body[0] {
        case 0: self = .everywhere(FeedPosition(major: first, minor: second))
        case 1: self = .organization(OrganizationKey(first), second)
        default: return nil
        }
    }

    private static func bytes(_ value: Int64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: UInt64(bitPattern: value) >> (56 - 8 * $0)) }
    }

    private static func integer(_ bytes: ArraySlice<UInt8>) -> Int64 {
        Int64(bitPattern: bytes.reduce(0) { $0 << 8 | UInt64($1) })
    }
}
