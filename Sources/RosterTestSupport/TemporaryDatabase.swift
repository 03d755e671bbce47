import Foundation
import Synchronization

/// Paths for SQLite files that tests create, removed (with their `-wal` and `-shm`) when the test process exits:
/// a run of every suite left some four hundred databases in the temporary directory.
public enum TemporaryDatabase {
    /// Made on first use, which also arranges the removal.
    private static let paths: Mutex<[String]> = {
        atexit {
            for path in TemporaryDatabase.paths.withLock({ $0 }) {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
        }
        return Mutex([])
    }()

    /// A new path in the temporary directory, named `prefix` and a UUID.
    public static func path(_ prefix: String) -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString).sqlite").path
        paths.withLock { $0.append(path) }
        return path
    }
}
