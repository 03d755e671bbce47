import App
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
        guard let url, var components = URLComponents(string: url) else { throw TestDatabaseError.notConfigured }
        let name = "roster_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        let client = PostgresClient(configuration: try configuration(url))
        try await whileRunning(client) {
            _ = try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        }
        components.path = "/" + name
        return components.string ?? url
    }

    /// Runs `body` while `client` runs, once its task has called `run()` (see `RunningClient`).
    public static func whileRunning<T: Sendable>(_ client: PostgresClient, _ body: () async throws -> T)
        async throws -> T
    {
        let running = RunningClient(client)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await running.run() }
            defer { group.cancelAll() }
            await running.untilRunning()
            return try await body()
        }
    }

    /// A client's configuration for the database at `url` (as `create` returns it).
    public static func configuration(_ url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url), let host = components.host else {
            throw TestDatabaseError.notConfigured
        }
        return PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
            password: components.password, database: String(components.path.drop { $0 == "/" }), tls: .disable)
    }

    public enum TestDatabaseError: Error { case notConfigured }
}

extension PostgresTestDatabase {
    /// A new database holding what a plain SQL dump (`pg_dump`) holds, restored with `psql`; its URL.
    public static func restore(_ dump: URL) async throws -> String {
        let url = try await create()
        let child = try ChildProcess(
            psql, ["-v", "ON_ERROR_STOP=1", "-q", "-f", dump.path, url], output: .pipe, errors: .pipe)
        let (_, errors, status) = await child.finish()
        guard status == 0 else {
            throw RestoreFailed(description: "psql exited with \(status): " + String(decoding: errors, as: UTF8.self))
        }
        return url
    }

    /// psql from Debian's packages: on the PATH, or next to the server's own programs.
    static var psql: String {
        if let path = ProcessInfo.processInfo.environment["ROSTER_TEST_PSQL"], !path.isEmpty { return path }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        for version in versions.sorted().reversed()
        where FileManager.default.fileExists(
            atPath: "/usr/lib/postgresql/\(version)/bin/psql")
        {
            return "/usr/lib/postgresql/\(version)/bin/psql"
        }
        return "psql"
    }

    public struct RestoreFailed: Error, CustomStringConvertible {
        public var description: String
    }
}
