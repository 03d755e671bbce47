import Directory
import Hummingbird
import NIOCore
import Prometheus
import SCIMHTTP

extension Roster {
    /// `/healthz`, `/readyz` and `/metrics`, for load balancers, orchestrators and Prometheus: no SCIM token.
    static func registerOperations(
        on router: Router<SCIMRequestContext>, organizations: Organizations, configuration: Configuration,
        metrics: PrometheusCollectorRegistry
    ) {
        router.get("healthz") { _, _ in "ok\n" }
        router.get("readyz") { _, _ -> Response in
            let ready = await organizations.isReady()
            return Response(
                status: ready ? .ok : .serviceUnavailable,
                body: .init(
                    byteBuffer: ByteBuffer(string: ready ? "ready\n" : "database unavailable or not migrated\n")))
        }
        MetricsEndpoint(
            registry: metrics, token: configuration.metricsToken, addresses: configuration.clientAddresses
        ).register(on: router)
    }
}
