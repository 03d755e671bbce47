import App
import RosterTestSupport

@testable import PostgresStore

/// A migrated store on `url`, by default a new database of the test cluster, its client running while `body` runs.
func withPostgresStore<T: Sendable>(
    on url: String? = nil, maximumConnections: Int? = nil, statementTimeout: Duration = .seconds(60),
    _ body: @Sendable (PostgresStore) async throws -> T
) async throws -> T {
    let location: String
    if let url { location = url } else { location = try await PostgresTestDatabase.create() }
    var configuration = try Roster.postgresConfiguration(location)
    if let maximumConnections { configuration.options.maximumConnections = maximumConnections }
    let store = PostgresStore(configuration: configuration, statementTimeout: statementTimeout)
    return try await PostgresTestDatabase.whileRunning(store.client) {
        try await store.migrate()
        return try await body(store)
    }
}
