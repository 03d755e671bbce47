import Directory
import Synchronization

/// Where pages of unfiltered lists start, so a sequential import seeks to each page instead of stepping over
/// every row before it.
///
/// Lists are in `pk` order, and a new row gets a `pk` above every row already committed (SQLite takes the largest
/// plus one under its single writer; PostgreSQL draws it under the lock of the kind's count), so inserts never
/// move a listed row; deletes do. An entry says: "when `deletions` resources of this organization's kind had been
/// deleted, the `startIndex`-th resource was the first with a key of at least `firstKey`". The deletion count is
/// read in the transaction of the page, so an entry is used only while it gives exactly the rows `OFFSET` would.
public final class PageStarts: Sendable {
    private struct Position: Hashable {
        var organization: OrganizationKey
        var kind: ResourceKind
        var startIndex: Int
    }

    private struct Start {
        var deletions: Int64
        var firstKey: Int64
    }

    private let starts = Mutex<[Position: Start]>([:])
    /// Pages remembered; past this the memory is cleared (an import needs only the next page).
    static let capacity = 4_096

    public init() {}

    public func firstKey(organization: OrganizationKey, kind: ResourceKind, startIndex: Int, deletions: Int64) -> Int64?
    {
        starts.withLock { starts in
            guard let start = starts[Position(organization: organization, kind: kind, startIndex: startIndex)],
                start.deletions == deletions
            else { return nil }
            return start.firstKey
        }
    }

    /// A page of `rows` rows was read from `firstKey` at `startIndex`, its last row's key `lastKey`: remembers where
    /// it started, and that the page after it starts just past its last row.
    public func served(
        organization: OrganizationKey, kind: ResourceKind, startIndex: Int, deletions: Int64, firstKey: Int64,
        rows: Int, lastKey: Int64?
    ) {
        starts.withLock { starts in
            if starts.count + 2 > Self.capacity { starts.removeAll(keepingCapacity: true) }
            starts[Position(organization: organization, kind: kind, startIndex: startIndex)] = Start(
                deletions: deletions, firstKey: firstKey)
            if let lastKey {
                starts[Position(organization: organization, kind: kind, startIndex: startIndex + rows)] = Start(
                    deletions: deletions, firstKey: lastKey + 1)
            }
        }
    }
}

/// The bytes of stored bodies a page may still take: a page always takes its first resource, then stops before the
/// one that would pass `maxBytes`.
public struct PageBudget: Sendable {
    public let maxBytes: Int
    public private(set) var bytes = 0
    public private(set) var taken = 0
    /// Whether the budget ended the page before its rows did.
    public private(set) var cut = false

    public init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }

    /// Whether a resource of `size` bytes fits; once one does not, none does.
    public mutating func admits(_ size: Int) -> Bool {
        guard !cut else { return false }
        if taken > 0 && bytes + size > maxBytes {
            cut = true
            return false
        }
        bytes += size
        taken += 1
        return true
    }
}
