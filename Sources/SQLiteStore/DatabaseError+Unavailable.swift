import Directory
import GRDB

/// SQLite's refusals that mean the storage cannot take the request now, not that the request was wrong: a full
/// disk or size limit (507), a read-only or vanished file, a lock another process held past the busy timeout
/// (503), an I/O error (503, saying the change may or may not have been applied).
extension DatabaseError: StoreFailureConvertible {
    public var storeUnavailable: StoreUnavailable? {
        let cause = "SQLite \(resultCode): \(message ?? "")"
        switch resultCode.primaryResultCode {
        case .SQLITE_FULL: return StoreUnavailable(.full, retryAfter: 60, cause: cause)
        case .SQLITE_READONLY: return StoreUnavailable(.readOnly, retryAfter: 30, cause: cause)
        // An I/O error may strike during a commit that still reached the disk.
        case .SQLITE_IOERR: return StoreUnavailable(.inDoubt, retryAfter: 5, cause: cause)
        case .SQLITE_CANTOPEN, .SQLITE_BUSY, .SQLITE_PROTOCOL:
            return StoreUnavailable(.unreachable, retryAfter: 5, cause: cause)
        default: return nil
        }
    }
}
