import HTTPTypes
import Hummingbird
import Logging

/// Gives every response an `X-Request-Id` and logs one line per request: method, path without its query (which
/// may hold a userName), status, duration and the identity provider, never tokens, bodies or personal data.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
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

    public init(userAgent: String?) {
        let agent = userAgent?.lowercased() ?? ""
        if agent.contains("okta") {
            self = .okta
        } else if agent.contains("azure") || agent.contains("microsoft") || agent.contains("entra") {
            self = .entra
        } else if agent.contains("onelogin") {
            self = .onelogin
        } else if agent.contains("jumpcloud") {
            self = .jumpcloud
        } else if agent.contains("ping") {
            self = .ping
        } else {
            self = .other
        }
    }
}

extension HTTPField.Name {
    static let requestID = Self("X-Request-Id")!
}
