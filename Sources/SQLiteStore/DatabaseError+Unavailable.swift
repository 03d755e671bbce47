import Directory
import GRDB

/// SQLite's refusals that mean the storage cannot take the request now, not that the request was wrong: a full
/// disk or size limit (507), a read-only or vanished file, an I/O error, a lock held past the busy timeout (503).
extension DatabaseError: StoreFailureConvertible {
    public var storeUnavailable: StoreUnavailable? {
        let cause = "SQLite \(resultCode): \(message ?? "")"
        switch resultCode.primaryResultCode {
        case .SQLITE_FULL: return StoreUnavailable(.full, retryAfter: 60, cause: cause)
        case .SQLITE_READONLY: return StoreUnavailable(.readOnly, retryAfter: 30, cause: cause)
        case .SQLITE_IOERR, .SQLITE_CANTOPEN, .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_PROTOCOL:
            return StoreUnavailable(.unreachable, retryAfter: 5, cause: cause)
        default: return nil
        }
    }
}
