import Directory
import Foundation
import GRDB
import SCIMCore
import StoreSQL

/// The store on an embedded SQLite database (GRDB), in WAL mode so readers never wait for the writer.
///
/// Users, groups and memberships are written here, tuned for SQLite; every other concern runs the statements both
/// dialects share (`StoreSQL`) on `SQLiteDatabase`.
public struct SQLiteStore: ResourceStore {
    let database: any DatabaseWriter
    /// Where single-resource writes go, so concurrent ones share a commit.
    let writes: WriteBatcher
    /// Connections for lookups by id on the calling thread; nil for an in-memory database.
    let points: PointReaders?
    let pageStarts = PageStarts()
    /// Checkpoints the WAL off the writer's path; nil for an in-memory database.
    let checkpointer: Checkpointer?

    /// Opens (creating if needed) the database file at `path` and migrates it; `mapMiB` of the file are read
    /// through a memory map; with `maxSizeMiB`, writes that would grow the file past it are refused (507).
    public init(path: String, mapMiB: Int = 0, maxSizeMiB: Int = 0) throws {
        let mapBytes = max(0, min(mapMiB, 1 << 20)) << 20
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        let prepare: @Sendable (Database) throws -> Void = { db in
            // A directory of a million users is about a GiB on disk; what the process holds stays bounded: 4 MiB
            // of page cache per reader (five at most; the writer has 8), and by default no memory map, whose pages
            // count as the process's own once an import has read the whole file. The kernel's file cache keeps the
            // rest warm: a page SQLite does not hold is a read from memory, not from the disk.
            try db.execute(sql: "PRAGMA cache_size = -4096; PRAGMA mmap_size = \(mapBytes)")
            // WAL (DatabasePool) with synchronous FULL: every acknowledged write has been fsynced to the WAL, so it
            // survives a crash of the process and of the machine. NORMAL would be faster and still survive a killed
            // process, but could lose the last commits on power loss; a directory of record wants FULL.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Filters' co/sw/ew compile to LIKE, which must compare case as PostgreSQL's does.
            try db.execute(sql: "PRAGMA case_sensitive_like = ON")
        }
        configuration.prepareDatabase(prepare)
        let pool = try DatabasePool(path: path, configuration: configuration)
        // The pool switches its writer to WAL after `prepare` has run, and sets `synchronous = NORMAL` as it does:
        // without this, commits were never synced to disk (found by counting fdatasync calls under load).
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL; PRAGMA cache_size = -8192")
        }
        self.database = pool
        self.writes = WriteBatcher(writer: database)
        try Self.migrator.migrate(database)
        // Each write in a batch has a savepoint, whose undo pages SQLite writes to a temporary file once they pass
        // 64 KiB: one write system call per page (POST: 7% of its CPU in the kernel). In memory they cost a copy.
        // Set after the migrations, which may rewrite whole tables; a batch holds at most a few MiB of them.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA temp_store = MEMORY") }
        if maxSizeMiB > 0 {
            try pool.writeWithoutTransaction { db in
                let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
                try db.execute(sql: "PRAGMA max_page_count = \((maxSizeMiB << 20) / pageSize)")
            }
        }
        let checkpointer = try Checkpointer(path: path, prepare: prepare)
        pool.writeWithoutTransaction { db in checkpointer.install(on: db) }
        self.checkpointer = checkpointer
        self.points = try PointReaders(path: path, count: 2, prepare: prepare)
    }

    /// A private in-memory database, for tests.
    public static func inMemory() throws -> SQLiteStore {
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA case_sensitive_like = ON") }
        return try SQLiteStore(database: DatabaseQueue(configuration: configuration))
    }

    init(database: any DatabaseWriter) throws {
        self.database = database
        self.writes = WriteBatcher(writer: database)
        self.points = nil
        self.checkpointer = nil
        try Self.migrator.migrate(database)
    }

    /// Every concern of this database, for the directory's rules.
    public var stores: Stores {
        let shared = SQLiteDatabase(database: database, writes: writes, points: points)
        var stores = Stores(
            resources: self, tokens: SQLTokens(shared), fields: SQLFields(shared), accounts: SQLAccounts(shared),
            activity: SQLActivity(shared, recordPart: 256), organizations: SQLOrganizations(shared, positions: .sqlite),
            events: SQLEvents(shared, positions: .sqlite), applications: SQLApplications(shared, positions: .sqlite),
            connections: SQLConnections(shared), isReady: { await isReady() })
        stores.ceiling = SQLCeiling(shared)
        return stores
    }

    /// Translates SQLite's unique-constraint failures into the SCIM error the client should see.
    static func translating<T>(_ kind: ResourceKind, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw taken(kind)
        }
    }

    /// The answer to a write whose unique attribute another resource of `kind` has.
    static func taken(_ kind: ResourceKind) -> SCIMError {
        SCIMError.uniqueness("A \(kind.rawValue.lowercased()) with this \(kind.uniqueAttribute) already exists.")
    }
}

extension SQLiteStore {
    /// SQLite's own consistency check: "ok", or the problems it found.
    public func integrityCheck() async throws -> String {
        try await database.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n") }
    }

    public func isReady() async -> Bool {
        (try? await database.read { db in try Self.migrator.hasCompletedMigrations(db) }) ?? false
    }
}

extension StatementArguments {
    /// The bound values of compiled SQL, in GRDB's terms.
    init(_ values: [SQLValue]) {
        self.init(
            values.map { value -> (any DatabaseValueConvertible)? in
                switch value {
                case .text(let text): text
                case .integer(let number): number
                case .real(let number): number
                case .null: nil
                }
            })
    }
}
