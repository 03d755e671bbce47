import App
import Directory
import Foundation
import SQLiteStore

/// The stores a suite runs against: SQLite always, PostgreSQL when `ROSTER_TEST_POSTGRES_URL` names a server.
public enum StoreBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqliteFile, sqliteMemory, postgres

    public var description: String { rawValue }

    /// Every backend this machine can run; PostgreSQL is left out, with a note on stderr, when not configured.
    public static var available: [StoreBackend] {
        guard PostgresTestDatabase.isConfigured else {
            Self.reportSkippedPostgres()
            return [.sqliteFile, .sqliteMemory]
        }
        return allCases
    }

    /// The backends that keep data in a database an HTTP server opens by location.
    public static var servable: [StoreBackend] { available.filter { $0 != .sqliteMemory } }

    /// A new, empty database's location: a SQLite file path or a PostgreSQL URL.
    public func newLocation() async throws -> String {
        switch self {
        case .sqliteFile, .sqliteMemory: TemporaryDatabase.path("roster-test")
        case .postgres:
            try await PostgresTestDatabase.create()
        }
    }

    /// Runs `body` with the stores of a fresh, migrated database, its services running around it.
    public func withStore<T: Sendable>(_ body: @Sendable (Stores) async throws -> T) async throws -> T {
        if self == .sqliteMemory { return try await body(try SQLiteStore.inMemory().stores) }
        var configuration = App.Configuration(database: try await newLocation())
        // Suites run together on a loaded machine: a burst of 80 writes may wait longer than the 5 s a server
        // waits for a connection before answering 503. Only the outage tests are about that wait.
        configuration.databaseWait = 60
        return try await Roster.withStores(configuration, body)
    }

    private static func reportSkippedPostgres() {
        let note =
            "note: \(PostgresTestDatabase.environmentVariable) is not set: the PostgreSQL runs of the store and HTTP suites were skipped (scripts/with-postgres.sh swift test runs them).\n"
        FileHandle.standardError.write(Data(note.utf8))
    }
}
