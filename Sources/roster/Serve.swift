import Admin
import App
import ArgumentParser
import CoreMetrics
import Directory
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import Prometheus

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the SCIM server.")

    @Option(help: "Address to listen on. Environment: ROSTER_HOST.")
    var host: String = env("ROSTER_HOST") ?? "127.0.0.1"

    @Option(help: "Port to listen on. Environment: ROSTER_PORT.")
    var port: Int = env("ROSTER_PORT").flatMap(Int.init) ?? 8080

    @Option(
        name: .customLong("rate-limit"),
        help:
            "Requests a second per SCIM token, 0 for none (default: none on loopback, else 50). Environment: ROSTER_RATE_LIMIT."
    )
    var rateLimit: Double? = env("ROSTER_RATE_LIMIT").flatMap(Double.init)

    @Option(
        name: .customLong("sign-in-rate-limit"),
        help:
            "Sign-ins a client address may start a second, in bursts of ten times that; 0 for none. Environment: ROSTER_SIGN_IN_RATE_LIMIT."
    )
    var signInRateLimit: Double = env("ROSTER_SIGN_IN_RATE_LIMIT").flatMap(Double.init) ?? 10

    @Option(
        name: .customLong("activity-retention-days"),
        help: "Days provisioning activity is kept. Environment: ROSTER_ACTIVITY_RETENTION_DAYS.")
    var activityRetentionDays: Double = env("ROSTER_ACTIVITY_RETENTION_DAYS").flatMap(Double.init) ?? 30

    @Option(
        name: .customLong("event-retention-days"),
        help: "Days events stay in the feed and wait for webhook delivery. Environment: ROSTER_EVENT_RETENTION_DAYS.")
    var eventRetentionDays: Double = env("ROSTER_EVENT_RETENTION_DAYS").flatMap(Double.init) ?? 30

    @Option(
        name: .customLong("webhook-ca-file"),
        help: """
            PEM certificates webhook TLS trusts besides the system's (a private CA). \
            Environment: ROSTER_WEBHOOK_CA_FILE.
            """)
    var webhookCAFile: String? = env("ROSTER_WEBHOOK_CA_FILE")

    @Option(
        name: .customLong("trusted-proxy"),
        help: """
            A proxy (address or CIDR range, repeatable) whose X-Forwarded-For names the client, for throttles and \
            the activity log; others' X-Forwarded-For is ignored. Environment: ROSTER_TRUSTED_PROXIES (comma-separated).
            """)
    var trustedProxies: [String] = env("ROSTER_TRUSTED_PROXIES").map { [$0] } ?? []

    @Option(
        name: .customLong("max-connections"),
        help: "Open connections at most; more wait to be accepted. Environment: ROSTER_MAX_CONNECTIONS.")
    var maxConnections: Int = env("ROSTER_MAX_CONNECTIONS").flatMap(Int.init) ?? 4096

    @Option(
        name: .customLong("header-timeout"),
        help: """
            Seconds a connection may take to send a request's headers, from its start or its last response \
            (idle keep-alive connections close after it too). Environment: ROSTER_HEADER_TIMEOUT.
            """)
    var headerTimeout: Double = env("ROSTER_HEADER_TIMEOUT").flatMap(Double.init) ?? 30

    @Option(
        name: .customLong("body-timeout"),
        help: "Seconds a request may take to send its body. Environment: ROSTER_BODY_TIMEOUT.")
    var bodyTimeout: Double = env("ROSTER_BODY_TIMEOUT").flatMap(Double.init) ?? 60

    @Option(
        name: .customLong("database-wait"),
        help: """
            Seconds a request waits for a database connection before it is answered 503 with Retry-After \
            (PostgreSQL). Environment: ROSTER_DATABASE_WAIT.
            """)
    var databaseWait: Double = env("ROSTER_DATABASE_WAIT").flatMap(Double.init) ?? 5

    @Option(
        name: .customLong("database-statement-timeout"),
        help: """
            Seconds a statement or transaction may run on its PostgreSQL connection before the connection is \
            closed and the request answered 503. Environment: ROSTER_DATABASE_STATEMENT_TIMEOUT.
            """)
    var databaseStatementTimeout: Double = env("ROSTER_DATABASE_STATEMENT_TIMEOUT").flatMap(Double.init) ?? 60

    @Option(
        name: .customLong("sqlite-max-size-mib"),
        help: """
            MiB the SQLite file may grow to; past it, writes are answered 507 and reads go on (default 0: \
            no limit but the disk's). Environment: ROSTER_SQLITE_MAX_SIZE_MIB.
            """)
    var sqliteMaxSizeMiB: Int = env("ROSTER_SQLITE_MAX_SIZE_MIB").flatMap(Int.init) ?? 0

    @Option(
        name: .customLong("shutdown-timeout"),
        help: """
            Seconds from SIGTERM or SIGINT until the process exits, whatever the database does. \
            Environment: ROSTER_SHUTDOWN_TIMEOUT.
            """)
    var shutdownTimeout: Double = env("ROSTER_SHUTDOWN_TIMEOUT").flatMap(Double.init) ?? 15

    /// Its environment variable is read in `run()`, so that `--help` never prints the secret as the default.
    @Option(
        name: .customLong("metrics-token"),
        help: "Bearer token /metrics requires (default: none, open). Prefer the environment: ROSTER_METRICS_TOKEN.")
    var metricsToken: String?

    @Flag(
        inversion: .prefixedNo,
        help:
            "Run Swift concurrency's tasks on the HTTP event loops (faster); --no-event-loop-executor keeps Swift's own thread pool. Environment: ROSTER_EVENT_LOOP_EXECUTOR=0."
    )
    var eventLoopExecutor: Bool = env("ROSTER_EVENT_LOOP_EXECUTOR").map { $0 != "0" && $0 != "false" } ?? true

    @Flag(
        help: """
            Add /benchmark/select/{id} and /benchmark/insert, which run one point SELECT and one single-row INSERT \
            on the database with no token: roster-bench's measure of the database itself. Never on a server others \
            can reach.
            """)
    var benchmarkRoutes = false

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        LoggingSystem.bootstrap(LineLogHandler.standardOutput)
        var logger = Logger(label: "roster")
        logger.logLevel = env("LOG_LEVEL").flatMap(Logger.Level.init(rawValue:)) ?? .info
        // Request handlers then run on the event loop that read the request, instead of hopping to Swift's own
        // thread pool and back for every request (GET by id: +38% in interleaved runs, 2 → 0.7 context switches).
        // Roster never blocks a task for long: bcrypt runs on NIO's thread pool, SQLite writes on GRDB's queues;
        // point reads run in place, which with a cold disk cache means a disk read on the event loop.
        if eventLoopExecutor && !NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        {
            logger.warning("Could not run tasks on the event loops; Swift's own thread pool serves requests.")
        }
        var settings = App.Configuration(
            host: host, port: port, database: database.database, publicURL: database.publicURL,
            databasePoolSize: database.poolSize, sqliteMapMiB: database.sqliteMapMiB, rateLimit: rateLimit,
            activityRetentionDays: max(1, activityRetentionDays), passwordCost: passwordCost(),
            metricsToken: metricsToken ?? env("ROSTER_METRICS_TOKEN"),
            trustedProxies: try App.Configuration.trustedProxies(trustedProxies))
        settings.maxConnections = max(1, maxConnections)
        settings.headerTimeout = max(1, headerTimeout)
        settings.bodyTimeout = max(1, bodyTimeout)
        settings.databaseWait = min(max(0.1, databaseWait), 600)
        settings.databaseStatementTimeout = min(max(1, databaseStatementTimeout), 86_400)
        settings.sqliteMaxSizeMiB = max(0, min(sqliteMaxSizeMiB, 1 << 24))
        settings.shutdownTimeout = min(max(1, shutdownTimeout), 3600)
        settings.benchmarkRoutes = benchmarkRoutes
        settings.eventRetentionDays = max(1, eventRetentionDays)
        settings.webhookCAFile = webhookCAFile
        settings.signInRateLimit = max(0, signInRateLimit)
        let configuration = settings
        let store = try Roster.openStore(configuration, logger: logger)
        let setupLogger = logger
        // One server per process here, so libraries' swift-metrics land in the application's registry too.
        let metrics = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics))
        let services = Roster.services(
            configuration, stores: store.stores, metrics: metrics,
            poolSize: store.isPostgres ? configuration.databasePoolSize : nil)
        let app = Roster.application(
            configuration, services: services, store: store, logger: logger, metrics: metrics
        ) { channel in
            var actual = configuration
            if let port = channel.localAddress?.port { actual.port = port }
            var lines = [
                "Roster is listening on \(actual.host):\(actual.port)",
                "Database: \(Roster.redacted(actual.database))",
                "SCIM endpoint: \(actual.scimEndpoint)",
                "Admin console: \(actual.consoleURL)",
            ]
            // With no administrator yet, a one-time link creates the first; each start replaces the last link.
            do {
                if let secret = try await services.accounts.prepareSetup() {
                    lines.append(
                        "No administrator yet. Create the first one at: \(actual.consoleURL)/setup?token=\(secret)")
                }
            } catch {
                setupLogger.error("Could not prepare the setup link", metadata: ["error": "\(error)"])
            }
            // Written unbuffered, so whoever started the server sees it at once, even through a pipe.
            FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        }
        let activity = services.organizations.activityLog
        ShutdownWatchdog.arm(after: configuration.shutdownTimeout, logger: logger) { activity.pendingCount }
        try await app.runService()
    }
}
