import Foundation
import Synchronization

/// Paths for SQLite files that tests create, removed (with their `-wal` and `-shm`) when the test process exits:
/// a run of every suite left some four hundred databases in the temporary directory.
public enum TemporaryDatabase {
    private static let paths = Mutex<[String]>([])
    private static let registered = Mutex(false)

    /// A new path in the temporary directory, named `prefix` and a UUID.
    public static func path(_ prefix: String) -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString).sqlite").path
        paths.withLock { $0.append(path) }
        registered.withLock { registered in
            guard !registered else { return }
            registered = true
            atexit { TemporaryDatabase.removeAll() }
        }
        return path
    }

    private static func removeAll() {
        for path in paths.withLock({ $0 }) {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
    }
}
