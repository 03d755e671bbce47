import GRDB
import GRDBSQLite
import Synchronization

/// Copies the WAL into the database file on a connection of its own, so that the writer never does it.
///
/// By default SQLite checkpoints in the commit that takes the WAL past 1,000 pages: the writer copies them into the
/// database file and syncs it, and every write waiting for the next transaction waits with it. The writer is what
/// limits writes (busy 95–100% of the time under POST and PUT), and those checkpoints were 8% of a PUT's CPU
/// samples, all of them on its path. Here the writer's commit only asks: the checkpointer runs a passive checkpoint
/// (which never blocks the writer or a reader) on its own dispatch queue, and the writer starts the WAL over from its
/// beginning once everything in it has been copied, as it would after its own checkpoint.
///
/// Should the checkpointer fall behind, a commit that finds the WAL past `writerFrames` checkpoints as SQLite would
/// have, so the WAL stays bounded whatever happens.
final class Checkpointer: Sendable {
    /// WAL pages after which a checkpoint is asked for: SQLite's own default.
    static let frames: CInt = 1_000
    /// WAL pages (64 MiB) after which the writer checkpoints itself.
    static let writerFrames: CInt = 16_000

    private let connection: DatabaseQueue
    private let state = Mutex(State())
    /// Checkpoints run so far, for tests.
    let runs = Atomic(0)

    private struct State {
        var running = false
        var again = false
    }

    init(path: String, prepare: @escaping @Sendable (Database) throws -> Void) throws {
        var configuration = Configuration()
        configuration.busyMode = .immediateError
        configuration.prepareDatabase(prepare)
        connection = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Makes `db` (the writer's connection) ask this checkpointer instead of checkpointing in its commits.
    ///
    /// SQLite calls the hook with a pointer, not a Swift reference: it points to a box that holds this
    /// checkpointer weakly and is never freed (a few bytes for each store opened), so a commit after the store is
    /// gone checkpoints as SQLite would have.
    func install(on db: Database) {
        let box = Unmanaged.passRetained(Box(self)).toOpaque()
        sqlite3_wal_hook(
            db.sqliteConnection,
            { context, connection, name, frames in
                guard frames >= Checkpointer.frames, let context else { return SQLITE_OK }
                let checkpointer = Unmanaged<Box>.fromOpaque(context).takeUnretainedValue().checkpointer
                if let checkpointer, frames < Checkpointer.writerFrames {
                    checkpointer.ask()
                } else {
                    // As SQLite's own hook does; a checkpoint already running makes this one return at once.
                    sqlite3_wal_checkpoint_v2(connection, name, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
                }
                return SQLITE_OK
            }, box)
    }

    private final class Box: Sendable {
        weak let checkpointer: Checkpointer?
        init(_ checkpointer: Checkpointer) { self.checkpointer = checkpointer }
    }

    /// Starts a checkpoint unless one is running; if one is, it runs once more when done, for the pages it missed.
    private func ask() {
        let starts = state.withLock { state in
            if state.running {
                state.again = true
                return false
            }
            state.running = true
            return true
        }
        guard starts else { return }
        connection.asyncWriteWithoutTransaction { [self] db in
            repeat {
                // Busy (a writer checkpointing past `writerFrames`) or failing: the next commit asks again.
                _ = try? db.checkpoint(.passive)
                runs.add(1, ordering: .relaxed)
            } while state.withLock { state in
                defer { state.again = false }
                if !state.again { state.running = false }
                return state.again
            }
        }
    }
}
