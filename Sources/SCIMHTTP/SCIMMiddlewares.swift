import Hummingbird

/// The middlewares of `/scim/v2` (request log, activity, errors, authentication), run as one Hummingbird middleware.
///
/// Hummingbird wraps each middleware in a responder and closures compiled to hop to the generic executor on entry
/// and on return: seven task switches per middleware per request (counted with uprobes on `swift_task_switch`),
/// each a trip through the event loop's task queue. These call each other directly, on the caller's executor.
struct SCIMMiddlewares: RouterMiddleware {
    typealias Context = SCIMRequestContext
    let log = RequestLogMiddleware<Context>()
    /// Nil records nothing.
    let activity: ActivityMiddleware?
    let errors = SCIMErrorMiddleware()
    let authentication: TokenAuthMiddleware

    @concurrent func handle(
        _ request: Request, context: Context, next: @concurrent (Request, Context) async throws -> Response
    ) async throws -> Response {
        try await log.handle(request, context: context) { request, context in
            try await recorded(request, context) { request, context in
                try await errors.handle(request, context: context) { request, context in
                    try await authentication.handle(request, context: context, next: next)
                }
            }
        }
    }

    private func recorded(
        _ request: Request, _ context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let activity else { return try await next(request, context) }
        return try await activity.handle(request, context: context, next: next)
    }
}
