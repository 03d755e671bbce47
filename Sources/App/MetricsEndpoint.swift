import Hummingbird
import NIOCore
import Prometheus
import SCIMHTTP

/// `GET /metrics` in Prometheus' text format, outside `/scim/v2` and without a SCIM token.
///
/// Open: the metrics hold route templates, methods, statuses, identity-provider names and counts, never a resource
/// id, a userName, a query or a token.
struct MetricsEndpoint: Sendable {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    let registry: PrometheusCollectorRegistry

    func register(on router: Router<SCIMRequestContext>) {
        router.get("metrics") { _, _ in respond() }
    }

    func respond() -> Response {
        var text: [UInt8] = []
        registry.emit(into: &text)
        return Response(
            status: .ok, headers: [.contentType: Self.contentType], body: .init(byteBuffer: ByteBuffer(bytes: text)))
    }
}
