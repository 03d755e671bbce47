/// The database cannot do what was asked right now: unreachable, shutting down, read-only or out of space. Nothing
/// was written, and the same request may be sent again later. Clients are answered 503 (507 for a full disk) with
/// `Retry-After`.
public struct StoreUnavailable: Error, Sendable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        /// No connection within the bounded wait, or the connection was lost.
        case unreachable
        /// The database refuses writes (a standby after a failover, a read-only file).
        case readOnly
        /// The disk or the configured size limit is full.
        case full
        /// The connection went while a change was being committed: it may or may not have been applied.
        case inDoubt
    }

    public var reason: Reason
    /// Seconds a client should wait before trying again.
    public var retryAfter: Int
    /// What the database or driver said, for the log (never sent to clients).
    public var cause: String
    /// Whether the statement had its connection when it failed (so a write may have reached the database).
    public var afterLease = false

    public init(_ reason: Reason, retryAfter: Int = 5, cause: String) {
        self.reason = reason
        self.retryAfter = retryAfter
        self.cause = cause
    }

    public var status: Int { reason == .full ? 507 : 503 }

    /// What a client is told.
    public var detail: String {
        switch reason {
        case .unreachable:
            "The directory is temporarily unavailable: its database does not answer. Nothing was changed; try again in \(retryAfter) seconds."
        case .readOnly:
            "The directory is temporarily read-only. Nothing was changed; try again in \(retryAfter) seconds."
        case .full:
            "The directory's storage is full. Nothing was changed; an operator must free space or raise the limit."
        case .inDoubt:
            "The directory's database connection was lost while the change was being saved: it may or may not have been applied. Read the resource back before sending the change again."
        }
    }

    public var description: String { "\(detail) (\(cause))" }
}

/// An error of a database driver that may mean the database is unavailable rather than that the request was wrong.
public protocol StoreFailureConvertible: Error {
    var storeUnavailable: StoreUnavailable? { get }
}

extension StoreUnavailable {
    /// `error` as a store's unavailability, if it is one.
    public static func from(_ error: any Error) -> StoreUnavailable? {
        if let unavailable = error as? StoreUnavailable { return unavailable }
        return (error as? any StoreFailureConvertible)?.storeUnavailable
    }
}
