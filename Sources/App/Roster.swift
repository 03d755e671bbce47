import Admin
import Directory
import Events
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Prometheus
import SCIMHTTP
import ServiceLifecycle

/// The composition root: opens the store, wires the directory's rules and the routes, and builds the server.
public enum Roster {
    /// The directory's rules over `stores`, configured as `configuration` says; with `metrics`, the operations of
    /// the request path are recorded there (`poolSize` is PostgreSQL's, reported with them).
    public static func services(
        _ configuration: Configuration, stores: Stores, metrics: PrometheusCollectorRegistry? = nil,
        poolSize: Int? = nil
    ) -> Services {
        let ceiling = configuration.benchmarkRoutes ? stores.ceiling : nil
        let stores = metrics.map { stores.measured(StoreMetrics(registry: $0, poolSize: poolSize)) } ?? stores
        return Services(
            organizations: Organizations(
                stores: stores, baseURL: configuration.scimEndpoint, limits: configuration.limits,
                tokenCacheLifetime: configuration.tokenCacheSeconds),
            accounts: Accounts(store: stores.accounts, hasher: BcryptHasher(cost: configuration.passwordCost)),
            ceiling: ceiling)
    }

    /// Seconds as a deadline, kept between a millisecond and a day (`inf` or a typo never traps).
    static func timeout(_ seconds: Double) -> TimeAmount {
        let bounded = seconds.isFinite ? min(max(seconds, 0.001), 86_400) : 86_400
        return .milliseconds(Int64(bounded * 1000))
    }

    /// The HTTP application over an opened store: its services run and its migrations are applied before the
    /// server starts. `services` must have been made from `opened.stores`, measured into `metrics`.
    public static func application(
        _ configuration: Configuration, services: Services, store opened: OpenedStore,
        logger: Logger = Logger(label: "roster"), metrics: PrometheusCollectorRegistry,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        var app = application(
            configuration, services: services, storeServices: opened.services, logger: logger, metrics: metrics,
            onServerRunning: onServerRunning)
        app.beforeServerStarts(perform: opened.migrate)
        return app
    }

    /// The HTTP application serving `/scim/v2`, `/admin`, `/healthz`, `/readyz` and `/metrics` over services that
    /// are ready to use; its metrics go to `metrics`, one registry per application, so that many applications can
    /// run in one process.
    public static func application(
        _ configuration: Configuration, services: Services, storeServices: [any Service] = [],
        logger: Logger = Logger(label: "roster"), metrics: PrometheusCollectorRegistry,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> Application<HeadResponder<RouterResponder<SCIMRequestContext>>> {
        let router = Router(context: SCIMRequestContext.self)
        let requestMetrics = RequestMetrics(registry: metrics)
        let organizations = services.organizations
        let throttles = Throttles(
            requestsPerSecond: configuration.effectiveRateLimit, addresses: configuration.clientAddresses,
            clock: configuration.throttleClock)
        // First: SCIM routes record their own metrics, and Hummingbird applies a router's middleware only to the
        // routes added after it (and to requests no route matches).
        SCIMRoutes(
            organizations: organizations, throttles: throttles, metrics: AuthenticationMetrics(registry: metrics),
            requestMetrics: requestMetrics
        )
        .register(on: router)
        router.add(middleware: RequestMetricsMiddleware(metrics: requestMetrics))
        registerOperations(on: router, organizations: organizations, configuration: configuration, metrics: metrics)
        if let ceiling = services.ceiling { registerCeiling(ceiling, on: router) }
        FeedRoutes(organizations: organizations).register(on: router)
        SignInRoutes(
            organizations: organizations, addresses: throttles.addresses, rate: configuration.signInRateLimit
        )
        .register(on: router)
        AdminConsole(
            organizations: organizations, accounts: services.accounts, settings: consoleSettings(configuration),
            throttleClock: configuration.throttleClock
        )
        .register(on: router)
        let limits = ConnectionLimits(
            headerTimeout: timeout(configuration.headerTimeout), bodyTimeout: timeout(configuration.bodyTimeout),
            maxBody: organizations.limits.maxPayloadSize, maxBulkBody: organizations.limits.maxBulkPayloadSize)
        var app = Application(
            responder: HeadResponder(router.buildResponder()),
            server: .http1(
                configuration: HTTP1Channel.Configuration(additionalChannelHandlers: [
                    RequestDeadlines(limits: limits)
                ])),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "Roster",
                availableConnectionsDelegate: MaximumAvailableConnections(configuration.maxConnections)),
            onServerRunning: onServerRunning,
            logger: logger)
        // Services stop in reverse order: the activity log writes its last events before the database closes.
        app.addServices(storeServices)
        let services: [any Service] = [
            ActivityService(
                log: organizations.activityLog, retention: configuration.activityRetentionDays * 86400, logger: logger),
            OrganizationPurgeService(organizations: organizations, logger: logger),
            EventRetentionService(
                applications: organizations.applications, retention: configuration.eventRetentionDays * 86400,
                logger: logger),
            SignInMaintenanceService(
                connections: organizations.connections,
                fetcher: HTTPMetadataFetcher(trust: WebhookTrust(extraRootsFile: configuration.webhookCAFile)),
                logger: logger),
            WebhookDeliveryService(
                applications: organizations.applications, logger: logger,
                interval: .milliseconds(Int(configuration.webhookInterval * 1000)),
                trust: WebhookTrust(extraRootsFile: configuration.webhookCAFile)),
        ]
        let isReady = organizations.isReady
        for service in services { app.addServices(AfterMigrations(service: service, isReady: isReady)) }
        return app
    }

    static func consoleSettings(_ configuration: Configuration) -> AdminConsole.Settings {
        AdminConsole.Settings(
            scimEndpoint: configuration.publicURL == nil ? nil : configuration.scimEndpoint,
            secureCookies: configuration.isHTTPS,
            activityRetention: configuration.activityRetentionDays * 86400, addresses: configuration.clientAddresses)
    }
}

/// A configuration Roster cannot run with, reported to the operator as is.
public struct ConfigurationError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
