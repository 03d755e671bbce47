import Foundation
import Logging
import PostgresNIO
import StoreSQL

/// Fresh, migrated databases on the server named by `ROSTER_TEST_POSTGRES_URL`, for the test suites.
///
/// Each call makes its own database, so tests never see each other's rows; without the variable, PostgreSQL
/// suites are skipped and say so.
public enum PostgresTestDatabase {
    public static let environmentVariable = "ROSTER_TEST_POSTGRES_URL"

    public static var url: String? {
        ProcessInfo.processInfo.environment[environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
    }

    public static var isConfigured: Bool { url != nil }

    /// Creates an empty database next to the configured one and returns its URL.
    public static func create() async throws -> String {
        guard let url, var components = URLComponents(string: url), let host = components.host else {
            throw TestDatabaseError.notConfigured
        }
        let name = "roster_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        let admin = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
            password: components.password, database: String(components.path.drop { $0 == "/" }), tls: .disable)
        let client = PostgresClient(configuration: admin)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        }
        components.path = "/" + name
        return components.string ?? url
    }

    public enum TestDatabaseError: Error { case notConfigured }
}
