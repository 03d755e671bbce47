import Foundation
import GRDB
import Testing

@testable import SQLiteStore

/// What the SQLite file is opened with, read back from the connections themselves.
struct SQLiteSettingsTests {
    /// An acknowledged write must survive a power loss: the writer syncs the WAL at every commit (FULL), which
    /// GRDB's pool would otherwise lower to NORMAL when it enables WAL.
    @Test func theWriterSyncsEveryCommit() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("roster-settings-\(UUID()).sqlite")
            .path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let store = try SQLiteStore(path: path)
        let (mode, synchronous) = try await store.database.writeWithoutTransaction { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(mode == "wal")
        #expect(synchronous == 2, "2 is FULL; 1 (NORMAL) can lose the last commits on power loss")
    }

    /// Savepoints' undo pages stay in memory on the writer, rather than going to a temporary file page by page.
    @Test func theWriterKeepsSavepointJournalsInMemory() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("roster-settings-\(UUID()).sqlite")
            .path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let store = try SQLiteStore(path: path)
        let writer = try await store.database.writeWithoutTransaction { db in
            try Int.fetchOne(db, sql: "PRAGMA temp_store")
        }
        let reader = try await store.database.read { db in try Int.fetchOne(db, sql: "PRAGMA temp_store") }
        #expect(writer == 2, "2 is MEMORY")
        #expect(reader == 0, "readers keep the default")
    }
}
