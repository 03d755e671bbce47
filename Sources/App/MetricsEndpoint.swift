import Directory
import Foundation
import Hummingbird
import NIOCore
import Prometheus
import SCIMHTTP

/// `GET /metrics` in Prometheus' text format, outside `/scim/v2` and without a SCIM token.
///
/// Open by default: the metrics hold route templates, methods, statuses, identity-provider names and counts, never
/// a resource id, a userName, a query or a token. With a metrics token, a scraper must send `Authorization: Bearer
/// <token>`, compared in constant time; anything else is a 401, and a client address that sends more than 30 wrong
/// tokens a minute gets 429 for a minute, as SCIM clients do (the right token always works).
struct MetricsEndpoint: Sendable {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    let registry: PrometheusCollectorRegistry
    /// The SHA-256 of the metrics token, or nil when the endpoint is open.
    let tokenHash: String?
    let addresses: ClientAddresses
    let failures = FailureLockout(limit: 30)

    init(registry: PrometheusCollectorRegistry, token: String?, addresses: ClientAddresses = ClientAddresses()) {
        self.registry = registry
        self.tokenHash = token.flatMap { $0.isEmpty ? nil : TokenSecret.hash($0) }
        self.addresses = addresses
    }

    func register(on router: Router<SCIMRequestContext>) {
        router.get("metrics") { request, context in
            respond(to: request, from: addresses.client(of: request.headers, peer: context.peerAddress))
        }
    }

    func respond(to request: Request, from client: String = "unknown") -> Response {
        guard isAuthorized(request.headers[.authorization]) else {
            if let wait = failures.remaining(client) {
                return Response(
                    status: .tooManyRequests,
                    headers: [.retryAfter: String(wait), .contentType: "text/plain; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: "Too many wrong metrics tokens from this address.\n")))
            }
            failures.recordFailure(client)
            return Response(
                status: .unauthorized,
                headers: [
                    .wwwAuthenticate: "Bearer realm=\"roster-metrics\"", .contentType: "text/plain; charset=utf-8",
                ],
                body: .init(byteBuffer: ByteBuffer(string: "A metrics token is required.\n")))
        }
        var text: [UInt8] = []
        registry.emit(into: &text)
        return Response(
            status: .ok, headers: [.contentType: Self.contentType], body: .init(byteBuffer: ByteBuffer(bytes: text)))
    }

    /// Compares digests rather than secrets, so neither the token's length nor its content shows in the timing.
    func isAuthorized(_ authorization: String?) -> Bool {
        guard let tokenHash else { return true }
        guard let authorization else { return false }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return false }
        let presented = TokenSecret.hash(parts[1].trimmingCharacters(in: .whitespaces))
        return Self.constantTimeEquals(Array(presented.utf8), Array(tokenHash.utf8))
    }

    static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
