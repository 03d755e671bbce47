import Directory
import Hummingbird
import SCIMCore

/// Requires a valid SCIM token on every route it guards (RFC 7644 §2).
struct TokenAuthMiddleware: Sendable {
    typealias Context = SCIMRequestContext
    let organizations: Organizations
    let throttles: Throttles
    let metrics: AuthenticationMetrics

    /// Every request's token is checked, so a valid token is never refused for what others sent from its address
    /// (behind a proxy, every identity provider shares one). A client address that fails more than 30 times a
    /// minute gets 429 instead of 401 on its failures for a minute; an authenticated token is held to its rate.
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let address = context.clientAddress ?? "unknown"
        var context = context
        do {
            (context.token, context.directory) = try await organizations.authenticate(
                authorization: request.headers[.authorization])
        } catch let error as SCIMError where error.status == 401 {
            if let wait = throttles.failedAuthentication.remaining(address) {
                metrics.countLockoutRefusal()
                throw Throttles.tooMany("Too many failed authentications from this address.", retryAfter: wait)
            }
            metrics.countFailure(authorization: request.headers[.authorization])
            throttles.failedAuthentication.recordFailure(address)
            throw error
        }
        if let token = context.token { context.trace.authenticated(token) }
        if let token = context.token, let wait = throttles.requests?.acquire(token.id) {
            metrics.countTokenRateRefusal()
            throw Throttles.tooMany("Too many requests with this token; slow down.", retryAfter: wait)
        }
        guard let token = context.token else { return try await next(request, context) }
        // Every change this request makes is told as made by this token, in this request.
        return try await ChangeOrigin.$current.withValue(
            ChangeOrigin(requestID: context.id, actor: .token(id: token.id, name: token.description))
        ) { try await next(request, context) }
    }
}
