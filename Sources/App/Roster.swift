import Directory
import Foundation
import Hummingbird
import Logging
import NIOCore
import Prometheus
import SCIMHTTP
import SQLiteStore

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
            configuration, store: opened.store, logger: logger, metrics: metrics, onServerRunning: onServerRunning)
        app.addServices(opened.services)
        app.beforeServerStarts(perform: opened.migrate)
        return app
    }

    /// The HTTP application over a store that is ready to use; its metrics go to `metrics`, one registry per
    /// application, so that many applications can run in one process.
    public static func application(
        _ configuration: Configuration, store: any Store, logger: Logger = Logger(label: "roster"),
        metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> Application<RouterResponder<SCIMRequestContext>> {
        let router = Router(context: SCIMRequestContext.self)
        router.add(middleware: RequestMetricsMiddleware(metrics: RequestMetrics(registry: metrics)))
        let store = measured(store, configuration, metrics: metrics)
        registerOperations(on: router, store: store, configuration: configuration, metrics: metrics)
        let authenticator = TokenAuthenticator(store: store, cacheLifetime: configuration.tokenCacheSeconds)
        let throttles = Throttles(requestsPerSecond: configuration.effectiveRateLimit)
        SCIMRoutes(
            directory: directory(configuration, store: store), authenticator: authenticator, throttles: throttles,
            metrics: AuthenticationMetrics(registry: metrics)
        )
        .register(on: router)
        return Application(
            router: router,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "Roster"),
            onServerRunning: onServerRunning,
            logger: logger)
    }
}

/// A configuration Roster cannot run with, reported to the operator as is.
public struct ConfigurationError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
