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

    /// `roster serve --benchmark-routes`: the database's own ceiling through the same stack (router, pool,
    /// driver), for `roster-bench http`. Never on a server others can reach: the routes need no token.
    static func registerCeiling(_ ceiling: any DatabaseCeiling, on router: Router<SCIMRequestContext>) {
        router.get("benchmark/select/:id") { _, context -> Response in
            let found = try await ceiling.pointSelect(id: try context.parameters.require("id"))
            return Response(status: found ? .ok : .notFound)
        }
        router.post("benchmark/insert") { _, _ -> Response in
            try await ceiling.insertRow()
            return Response(status: .created)
        }
    }
}
