import HTTPTypes
import Hummingbird

/// Records every request in `RequestMetrics`. Hummingbird applies a router's middleware to the routes added after
/// it and to requests no route matches; `/scim/v2` routes are added before it and measure themselves
/// (`SCIMMiddlewares`).
///
/// A response whose length is known is recorded when the handler returns it. A streamed body (a group's members,
/// read page by page while writing) is recorded once written, since the work happens while it is written.
public struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: RequestMetrics

    public init(metrics: RequestMetrics) {
        self.metrics = metrics
    }

    @concurrent public func handle(
        _ request: Request, context: Context, next: @concurrent (Request, Context) async throws -> Response
    ) async throws -> Response {
        try await measure(request, context: context, next: next)
    }

    /// What `handle` does, on the caller's executor, for routes that compose their middlewares themselves.
    func measure(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        let method = request.method
        let client = IdentityProvider(userAgent: request.headers[.userAgent])
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.record(route: context.endpointPath, method: method, status: status, client: client, since: started)
            throw error
        }
        let (route, status) = (context.endpointPath, response.status.code)
        guard response.body.contentLength == nil else {
            metrics.record(route: route, method: method, status: status, client: client, since: started)
            return response
        }
        let body = response.body
        response.body = ResponseBody { [metrics] writer in
            defer { metrics.record(route: route, method: method, status: status, client: client, since: started) }
            try await body.write(writer)
        }
        return response
    }
}
