import Directory
import Foundation
import Hummingbird
import Prometheus
import SCIMCore

/// The `/scim/v2` API: resources, discovery, and the errors RFC 7644 asks for.
public struct SCIMRoutes: Sendable {
    /// The way to each organization's directory: a request's token decides which.
    let organizations: Organizations
    let throttles: Throttles
    let metrics: AuthenticationMetrics
    let requestMetrics: RequestMetrics

    public init(
        organizations: Organizations, throttles: Throttles = Throttles(requestsPerSecond: nil),
        metrics: AuthenticationMetrics = AuthenticationMetrics(registry: PrometheusCollectorRegistry()),
        requestMetrics: RequestMetrics = RequestMetrics(registry: PrometheusCollectorRegistry())
    ) {
        self.organizations = organizations
        self.throttles = throttles
        self.metrics = metrics
        self.requestMetrics = requestMetrics
    }

    /// The bounds of every organization's directory.
    var limits: Directory.Limits { organizations.limits }

    /// Adds the SCIM API under `path` (normally `scim/v2`). Its routes record their own request metrics: add them
    /// before the router's `RequestMetricsMiddleware`, which would otherwise count them twice.
    public func register(on router: Router<SCIMRequestContext>, path: RouterPath = "scim/v2") {
        let middlewares = SCIMMiddlewares(
            metrics: RequestMetricsMiddleware(metrics: requestMetrics),
            activity: ActivityMiddleware(log: organizations.activityLog),
            authentication: TokenAuthMiddleware(organizations: organizations, throttles: throttles, metrics: metrics),
            addresses: throttles.addresses)
        let group = SCIMRouteGroup(group: router.group(path), middlewares: middlewares)
        for kind in ResourceKind.allCases {
            registerResource(kind, on: group)
        }
        group.post(".search") { request, context in try await searchAll(request, context) }
        group.post("Bulk") { request, context in try await bulk(request, context) }
        registerDiscovery(on: group)
        registerUnsupported(on: group)
        group.on("**", method: .get) { request, _ in try Self.noEndpoint(request) }
        for method in [HTTPRequest.Method.post, .put, .patch, .delete] {
            group.on("**", method: method) { request, _ in try Self.noEndpoint(request) }
        }
    }

    private func registerResource(_ kind: ResourceKind, on group: SCIMRouteGroup) {
        let endpoint = RouterPath(stringLiteral: String(kind.endpoint.dropFirst()))
        let item = RouterPath(stringLiteral: "\(kind.endpoint.dropFirst())/:id")
        group.get(endpoint) { request, context in try await list(kind, request, context) }
        group.post(endpoint) { request, context in try await create(kind, request, context) }
        group.post(RouterPath(stringLiteral: "\(kind.endpoint.dropFirst())/.search")) { request, context in
            try await search(kind, request, context)
        }
        group.get(item) { request, context in try await get(kind, request, context) }
        group.put(item) { request, context in try await replace(kind, request, context) }
        group.patch(item) { request, context in try await patch(kind, request, context) }
        group.delete(item) { request, context in try await delete(kind, request, context) }
    }

    /// RFC 7644 §3.11 /Me is not offered (there is no user behind a token): 501, not 404. A verb an endpoint does
    /// not take is a 405.
    private func registerUnsupported(on group: SCIMRouteGroup) {
        for method in [HTTPRequest.Method.get, .put, .patch, .delete] {
            group.on("Bulk", method: method) { request, _ -> Response in
                throw SCIMError.methodNotAllowed("\(request.method) is not allowed on \(request.uri.path): send POST.")
            }
        }
        for path in ["Me", "Me/**"] {
            for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
                group.on(RouterPath(stringLiteral: path), method: method) { _, _ -> Response in
                    throw SCIMError.notImplemented(
                        "\(path.replacingOccurrences(of: "/**", with: "")) is not supported by Roster.")
                }
            }
        }
        for kind in ResourceKind.allCases {
            let endpoint = String(kind.endpoint.dropFirst())
            let wrong: [(String, [HTTPRequest.Method])] = [
                (endpoint, [.put, .patch, .delete]), ("\(endpoint)/:id", [.post]),
            ]
            for (path, methods) in wrong {
                for method in methods {
                    group.on(RouterPath(stringLiteral: path), method: method) { request, _ -> Response in
                        throw SCIMError.methodNotAllowed("\(request.method) is not allowed on \(request.uri.path).")
                    }
                }
            }
        }
    }

    static func noEndpoint(_ request: Request) throws -> Response {
        throw SCIMError.notFound("No SCIM endpoint at \(request.uri.path).")
    }
}
