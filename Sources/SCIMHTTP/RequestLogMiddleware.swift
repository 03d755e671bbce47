import HTTPTypes
import Hummingbird
import Logging

/// Gives every response an `X-Request-Id` and logs one line per request: method, path without its query (which
/// may hold a userName), status, duration and the identity provider, never tokens, bodies or personal data.
struct RequestLogMiddleware<Context: RequestContext>: Sendable {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        var response = try await next(request, context)
        response.headers[.requestID] = context.id
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        context.logger.info(
            "request",
            metadata: [
                "method": "\(request.method)", "path": "\(request.uri.path)", "status": "\(response.status.code)",
                "ms": "\((milliseconds * 10).rounded() / 10)",
                "client": "\(IdentityProvider(userAgent: request.headers[.userAgent]).rawValue)",
            ])
        return response
    }
}

/// The identity provider a request comes from, recognised by its User-Agent.
public enum IdentityProvider: String, Sendable, CaseIterable {
    case okta, entra, onelogin, jumpcloud, ping, other

    /// Matched on the User-Agent's bytes, ASCII case folded: this runs for every request, and Foundation's
    /// `lowercased()`/`contains` cost more than the rest of a `/healthz` answer.
    public init(userAgent: String?) {
        guard let userAgent, !userAgent.isEmpty else {
            self = .other
            return
        }
        let agent = userAgent.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        self =
            Self.signatures.first { signature in signature.words.contains { agent.contains(bytes: $0) } }?
            .provider ?? .other
    }

    /// Lower-case words in a User-Agent that name each provider, in the order they are tried.
    private static let signatures: [(provider: IdentityProvider, words: [[UInt8]])] = [
        (IdentityProvider.okta, ["okta"]), (.entra, ["azure", "microsoft", "entra"]), (.onelogin, ["onelogin"]),
        (.jumpcloud, ["jumpcloud"]), (.ping, ["ping"]),
    ].map { (provider: IdentityProvider, words: [String]) in (provider, words.map { Array($0.utf8) }) }
}

extension [UInt8] {
    /// Whether `bytes` occur in this array, contiguously.
    fileprivate func contains(bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty, bytes.count <= count else { return bytes.isEmpty }
        return (0...(count - bytes.count)).contains { start in
            bytes.indices.allSatisfy { self[start + $0] == bytes[$0] }
        }
    }
}

extension HTTPField.Name {
    static let requestID = Self("X-Request-Id")!
}
