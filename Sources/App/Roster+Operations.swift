import Directory
import Hummingbird
import NIOCore
import PostgresStore
import Prometheus
import SCIMHTTP

extension Roster {
    /// `/healthz`, `/readyz` and `/metrics`, for load balancers, orchestrators and Prometheus: no SCIM token.
    static func registerOperations(
        on router: Router<SCIMRequestContext>, store: any Store, configuration: Configuration,
        metrics: PrometheusCollectorRegistry
    ) {
        router.get("healthz") { _, _ in "ok\n" }
        router.get("readyz") { _, _ -> Response in
            let ready = await store.isReady()
            return Response(
                status: ready ? .ok : .serviceUnavailable,
                body: .init(
                    byteBuffer: ByteBuffer(string: ready ? "ready\n" : "database unavailable or not migrated\n")))
        }
        MetricsEndpoint(registry: metrics, token: configuration.metricsToken).register(on: router)
    }

    /// The store with its operations recorded in `metrics`; only PostgreSQL has a pool size to report.
    static func measured(_ store: any Store, _ configuration: Configuration, metrics: PrometheusCollectorRegistry)
        -> any Store
    {
        let poolSize = store is PostgresStore ? configuration.databasePoolSize : nil
        return MeasuredStore(base: store, metrics: StoreMetrics(registry: metrics, poolSize: poolSize))
    }
}
