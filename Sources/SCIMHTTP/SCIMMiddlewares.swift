import Hummingbird

/// The middlewares of `/scim/v2` (metrics, request log, activity, errors, authentication), called by each route's
/// handler directly instead of through Hummingbird's middleware chain.
///
/// Hummingbird wraps each middleware in a responder and closures compiled to hop to the generic executor on entry
/// and on return: five to seven task switches per middleware per request (counted with uprobes on
/// `swift_task_switch`), each a trip through the event loop's task queue. These call each other on the caller's
/// executor. Hummingbird's group middleware is baked into each route the same way, so the two are equivalent:
/// a request no route matches meets neither. A class: every route's handler holds it, and copies it per request.
final class SCIMMiddlewares: Sendable {
    typealias Context = SCIMRequestContext
    let metrics: RequestMetricsMiddleware<Context>
    let log = RequestLogMiddleware<Context>()
    /// Nil records nothing.
    let activity: ActivityMiddleware?
    let errors = SCIMErrorMiddleware()
    let authentication: TokenAuthMiddleware
    let addresses: ClientAddresses

    init(
        metrics: RequestMetricsMiddleware<Context>, activity: ActivityMiddleware?, authentication: TokenAuthMiddleware,
        addresses: ClientAddresses
    ) {
        self.metrics = metrics
        self.activity = activity
        self.authentication = authentication
        self.addresses = addresses
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.clientAddress = addresses.client(of: request.headers, peer: context.peerAddress)
        return try await metrics.measure(request, context: context) { request, context in
            try await log.handle(request, context: context) { request, context in
                try await recorded(request, context) { request, context in
                    try await errors.handle(request, context: context) { request, context in
                        try await authentication.handle(request, context: context, next: next)
                    }
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

/// The routes under `/scim/v2`, each handler wrapped in `SCIMMiddlewares`.
struct SCIMRouteGroup {
    typealias Handler = @Sendable (Request, SCIMRequestContext) async throws -> Response
    let group: RouterGroup<SCIMRequestContext>
    let middlewares: SCIMMiddlewares

    func on(_ path: RouterPath, method: HTTPRequest.Method, use handler: @escaping Handler) {
        group.on(path, method: method) { [middlewares] request, context in
            try await middlewares.handle(request, context: context, next: handler)
        }
    }

    func get(_ path: RouterPath, use handler: @escaping Handler) { on(path, method: .get, use: handler) }
    func post(_ path: RouterPath, use handler: @escaping Handler) { on(path, method: .post, use: handler) }
    func put(_ path: RouterPath, use handler: @escaping Handler) { on(path, method: .put, use: handler) }
    func patch(_ path: RouterPath, use handler: @escaping Handler) { on(path, method: .patch, use: handler) }
    func delete(_ path: RouterPath, use handler: @escaping Handler) { on(path, method: .delete, use: handler) }
}
