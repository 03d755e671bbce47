import Directory
import Hummingbird
import SCIMCore

/// Requires a valid SCIM token on every route it guards (RFC 7644 §2).
struct TokenAuthMiddleware: Sendable {
    typealias Context = SCIMRequestContext
    let organizations: Organizations
    let throttles: Throttles
    let metrics: AuthenticationMetrics

    /// A client address that fails authentication more than 30 times a minute is refused for a minute before its
    /// tokens are even checked; an authenticated token is held to its request rate.
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let address = context.clientAddress ?? "unknown"
        if let wait = throttles.failedAuthentication.remaining(address) {
            metrics.countLockoutRefusal()
            throw Throttles.tooMany("Too many failed authentications from this address.", retryAfter: wait)
        }
        var context = context
        do {
            (context.token, context.directory) = try await organizations.authenticate(
                authorization: request.headers[.authorization])
        } catch let error as SCIMError where error.status == 401 {
            throttles.failedAuthentication.recordFailure(address)
            metrics.countFailure(authorization: request.headers[.authorization])
            throw error
        }
        if let token = context.token { context.trace.authenticated(token) }
        if let token = context.token, let wait = throttles.requests?.acquire(token.id) {
            metrics.countTokenRateRefusal()
            throw Throttles.tooMany("Too many requests with this token; slow down.", retryAfter: wait)
        }
        return try await next(request, context)
    }
}
