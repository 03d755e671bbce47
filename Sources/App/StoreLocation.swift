import Directory
import Foundation
import Logging
import NIOSSL
import PostgresNIO
import PostgresStore
import SQLiteStore
import ServiceLifecycle

/// An opened store and what must run for it to work (PostgreSQL's connection pool).
public struct OpenedStore: Sendable {
    public var store: any Store
    public var services: [any Service]
    /// Brings the schema up to date; for PostgreSQL it needs `services` running.
    public var migrate: @Sendable () async throws -> Void
}

extension Roster {
    /// Opens the store `--database` names: a `postgres://` URL or a SQLite file path (created and migrated now).
    public static func openStore(_ configuration: Configuration, logger: Logger = Logger(label: "roster")) throws
        -> OpenedStore
    {
        let location = configuration.database
        guard location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") else {
            let store = try SQLiteStore(path: location, mapMiB: configuration.sqliteMapMiB)
            return OpenedStore(store: store, services: [], migrate: {})
        }
        var postgres = try postgresConfiguration(location)
        postgres.options.maximumConnections = max(1, configuration.databasePoolSize)
        let store = PostgresStore(configuration: postgres, logger: logger)
        return OpenedStore(store: store, services: [store.client], migrate: { try await store.migrate() })
    }

    /// Runs `body` with an open, migrated store, then closes it: for the command-line tools.
    public static func withStore<T: Sendable>(
        _ configuration: Configuration, _ body: @Sendable (any Store) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "roster")
        logger.logLevel = .warning
        let opened = try openStore(configuration, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for service in opened.services { group.addTask { try await service.run() } }
            defer { group.cancelAll() }
            try await opened.migrate()
            return try await body(opened.store)
        }
    }

    /// `postgres://user:password@host:port/database?sslmode=disable|prefer|require`. Without `sslmode`, TLS is
    /// off for a loopback host and preferred otherwise; `require` verifies the server's certificate.
    static func postgresConfiguration(_ url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else {
            throw ConfigurationError(
                "--database: \"\(redacted(url))\" is not a postgres://user:password@host:port/database URL.")
        }
        let database = String(components.path.drop { $0 == "/" })
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value
        let loopback = ["127.0.0.1", "localhost", "::1"].contains(host)
        let tls: PostgresClient.Configuration.TLS
        switch mode ?? (loopback ? "disable" : "prefer") {
        case "disable": tls = .disable
        case "prefer": tls = .prefer(.makeClientConfiguration())
        case "require", "verify-full": tls = .require(.makeClientConfiguration())
        default: throw ConfigurationError("--database: sslmode must be disable, prefer or require.")
        }
        return PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
            password: components.password, database: database.isEmpty ? nil : database, tls: tls)
    }

    /// A database URL with its password hidden, for messages and logs.
    public static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? "postgres://…"
    }
}
