import Directory
import Hummingbird

/// Requires a valid SCIM token on every route it guards (RFC 7644 §2).
struct TokenAuthMiddleware: RouterMiddleware {
    typealias Context = SCIMRequestContext
    let authenticator: TokenAuthenticator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var context = context
        context.token = try await authenticator.authenticate(authorization: request.headers[.authorization])
        return try await next(request, context)
    }
}
