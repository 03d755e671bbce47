import Admin
import Directory
import Foundation
import Logging
import NIOSSL
import PostgresNIO
import PostgresStore
import SQLiteStore
import ServiceLifecycle
import Synchronization

/// An opened database: its stores and what must run for them to work (PostgreSQL's connection pool).
public struct OpenedStore: Sendable {
    public var stores: Stores
    public var services: [any Service]
    /// Brings the schema up to date; for PostgreSQL it needs `services` running.
    public var migrate: @Sendable () async throws -> Void
    /// Whether this is PostgreSQL, whose pool size the metrics report.
    public var isPostgres: Bool
}

/// What the HTTP edge, the console and the command line work with: the directory's rules, never a store.
public struct Services: Sendable {
    public let organizations: Organizations
    public let accounts: Accounts
    /// The database ceiling's routes, when `--benchmark-routes` asks for them.
    public let ceiling: (any DatabaseCeiling)?

    public init(organizations: Organizations, accounts: Accounts, ceiling: (any DatabaseCeiling)? = nil) {
        self.organizations = organizations
        self.accounts = accounts
        self.ceiling = ceiling
    }
}

extension Roster {
    /// Opens the store `--database` names: a `postgres://` URL or a SQLite file path (created and migrated now).
    public static func openStore(_ configuration: Configuration, logger: Logger = Logger(label: "roster")) throws
        -> OpenedStore
    {
        let location = configuration.database
        guard location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") else {
            let store = try SQLiteStore(
                path: location, mapMiB: configuration.sqliteMapMiB, maxSizeMiB: configuration.sqliteMaxSizeMiB)
            return OpenedStore(stores: store.stores, services: [], migrate: {}, isPostgres: false)
        }
        var postgres = try postgresConfiguration(location)
        postgres.options.maximumConnections = max(1, configuration.databasePoolSize)
        let store = PostgresStore(
            configuration: postgres,
            connectionWait: .milliseconds(Int64(min(max(configuration.databaseWait, 0.1), 600) * 1000)),
            statementTimeout: .milliseconds(Int64(min(max(configuration.databaseStatementTimeout, 1), 86_400) * 1000)),
            logger: logger)
        let client = RunningClient(store.client)
        var stores = store.stores
        // Readiness is asked from the start (the background services wait on it): not ready, without asking
        // the client for a connection, until it runs.
        stores.isReady = { client.isRunning ? await store.isReady() : false }
        let numbering = EventNumberingService(store: store, logger: logger)
        return OpenedStore(
            stores: stores, services: [client, AfterMigrations(service: numbering, isReady: stores.isReady)],
            migrate: {
                await client.untilRunning()
                try await store.migrate()
            }, isPostgres: true)
    }

    /// Runs `body` with an open, migrated database, then closes it: for the command-line tools.
    public static func withServices<T: Sendable>(
        _ configuration: Configuration, _ body: @Sendable (Services) async throws -> T
    ) async throws -> T {
        try await withStores(configuration) { stores in try await body(services(configuration, stores: stores)) }
    }

    /// Runs `body` with the stores of an open, migrated database, then closes it.
    public static func withStores<T: Sendable>(
        _ configuration: Configuration, _ body: @Sendable (Stores) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "roster")
        logger.logLevel = .warning
        let opened = try openStore(configuration, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for service in opened.services { group.addTask { try await service.run() } }
            defer { group.cancelAll() }
            try await opened.migrate()
            return try await body(opened.stores)
        }
    }

    /// `postgres://user:password@host:port/database?sslmode=disable|prefer|require`. Without `sslmode`, TLS is
    /// off for a loopback host and preferred otherwise; `require` verifies the server's certificate.
    public static func postgresConfiguration(_ url: String) throws -> PostgresClient.Configuration {
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

/// PostgreSQL's client as a service that tells when its task calls `run()`: the client warns of a connection
/// asked for before it runs, and a command, a server or a test starting on PostgreSQL logged that warning
/// whenever it asked first.
public final class RunningClient: Service, Sendable {
    public let client: PostgresClient
    private let started = Atomic<Bool>(false)
    private let running: AsyncStream<Void>
    private let run: AsyncStream<Void>.Continuation

    public init(_ client: PostgresClient) {
        self.client = client
        (running, run) = AsyncStream.makeStream(of: Void.self)
    }

    public var isRunning: Bool { started.load(ordering: .acquiring) }

    /// Returns once the client's task has called `run()`. One caller at a time (an `AsyncStream` has one reader).
    public func untilRunning() async {
        for await _ in running {}
    }

    public func run() async throws {
        started.store(true, ordering: .releasing)
        run.finish()
        await client.run()
    }
}
