import App
import Foundation
import RosterTestSupport
import Testing

@testable import PostgresStore

/// A new PostgreSQL database is asked whether it is ready (by the background services, every 200 ms) while its
/// migrations run: the checks must not stop the migrations.
@Suite struct PostgresStartupTests {
    /// Readiness asked before the migrations leaves its connection open: the check used to close it (its prepared
    /// statement named a table not made yet), and the pool could give that connection to the migrations, whose first
    /// query PostgresNIO then dropped (a `roster token create` on a new database waited forever).
    @Test func readinessAskedBeforeTheMigrationsKeepsItsConnection() async throws {
        guard PostgresTestDatabase.isConfigured else { return }
        try await Self.withUnmigratedStore { store in
            let before = try await Self.backend(of: store)
            for _ in 0..<3 { #expect(await store.isReady() == false) }
            #expect(try await Self.backend(of: store) == before, "the pool's one connection is the same")
            try await store.migrate()
            #expect(await store.isReady())
        }
    }

    private static func backend(of store: PostgresStore) async throws -> Int32 {
        try await store.leased { connection in
            try await connection.run(SQL("SELECT pg_backend_pid()"), logger: store.logger).collect()[0].decode(
                Int32.self)
        }
    }

    /// A store on a new database of the test cluster, not migrated, with a pool of one connection.
    private static func withUnmigratedStore(_ body: @Sendable (PostgresStore) async throws -> Void) async throws {
        var configuration = try Roster.postgresConfiguration(try await PostgresTestDatabase.create())
        configuration.options.maximumConnections = 1
        let store = PostgresStore(configuration: configuration, statementTimeout: .seconds(10))
        try await PostgresTestDatabase.whileRunning(store.client) { try await body(store) }
    }
}
