import Admin
import Directory
import Foundation
import Hummingbird
import Logging
import NIOCore
import Prometheus
import SCIMHTTP
import SQLiteStore
import ServiceLifecycle

/// The composition root: opens the store, wires the directory and the routes, and builds the server.
public enum Roster {
    public static func directory(_ configuration: Configuration, store: any Store) -> Directory {
        Directory(store: store, baseURL: configuration.scimEndpoint)
    }

    /// The HTTP application serving `/scim/v2`, `/healthz`, `/readyz` and `/metrics`, with the store's services and
    /// migrations.
    public static func application(
        _ configuration: Configuration, store opened: OpenedStore, logger: Logger = Logger(label: "roster"),
        metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        var app = application(
            configuration, store: opened.store, services: opened.services, logger: logger, metrics: metrics,
            onServerRunning: onServerRunning)
        app.beforeServerStarts(perform: opened.migrate)
        return app
    }

    /// The HTTP application over a store that is ready to use; its metrics go to `metrics`, one registry per
    /// application, so that many applications can run in one process.
    public static func application(
        _ configuration: Configuration, store: any Store, services: [any Service] = [],
        logger: Logger = Logger(label: "roster"), metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> Application<RouterResponder<SCIMRequestContext>> {
        let router = Router(context: SCIMRequestContext.self)
        let requestMetrics = RequestMetrics(registry: metrics)
        let store = measured(store, configuration, metrics: metrics)
        let authenticator = TokenAuthenticator(store: store, cacheLifetime: configuration.tokenCacheSeconds)
        let throttles = Throttles(requestsPerSecond: configuration.effectiveRateLimit)
        let directory = directory(configuration, store: store)
        let activity = ActivityLog(store: store)
        // First: SCIM routes record their own metrics, and Hummingbird applies a router's middleware only to the
        // routes added after it (and to requests no route matches).
        SCIMRoutes(
            directory: directory, authenticator: authenticator, throttles: throttles, activity: activity,
            metrics: AuthenticationMetrics(registry: metrics), requestMetrics: requestMetrics
        )
        .register(on: router)
        router.add(middleware: RequestMetricsMiddleware(metrics: requestMetrics))
        registerOperations(on: router, store: store, configuration: configuration, metrics: metrics)
        AdminConsole(
            directory: directory, authenticator: authenticator, activity: activity,
            settings: consoleSettings(configuration)
        ).register(on: router)
        var app = Application(
            router: router,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "Roster"),
            onServerRunning: onServerRunning,
            logger: logger)
        // Services stop in reverse order: the activity log writes its last events before the database closes.
        app.addServices(services)
        app.addServices(
            ActivityService(log: activity, retention: configuration.activityRetentionDays * 86400, logger: logger))
        return app
    }

    static func consoleSettings(_ configuration: Configuration) -> AdminConsole.Settings {
        AdminConsole.Settings(
            scimEndpoint: configuration.publicURL == nil ? nil : configuration.scimEndpoint,
            secureCookies: configuration.isHTTPS,
            passwordCost: configuration.passwordCost, activityRetention: configuration.activityRetentionDays * 86400)
    }

    /// The accounts of the admin console over a store.
    public static func accounts(_ configuration: Configuration, store: any Store) -> Accounts {
        Accounts(store: store, passwordCost: configuration.passwordCost)
    }
}

/// A configuration Roster cannot run with, reported to the operator as is.
public struct ConfigurationError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
