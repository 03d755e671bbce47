import HTTPTypes
import Hummingbird

/// `HEAD` wherever `GET` is (RFC 9110 §9.3.2): the same status and headers as a `GET` would have, and no body.
public struct HeadResponder<Base: HTTPResponder>: HTTPResponder where Base.Context: Sendable {
    public typealias Context = Base.Context
    let base: Base

    public init(_ base: Base) {
        self.base = base
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        guard request.method == .head else { return try await base.respond(to: request, context: context) }
        var head = request.head
        head.method = .get
        var response = try await base.respond(to: Request(head: head, body: request.body), context: context)
        // The length a GET would send (none when it would stream), and no bytes.
        let length = response.body.contentLength
        response.body = ResponseBody { writer in try await writer.finish(nil) }
        if let length { response.body = ResponseBody(contentLength: length) { writer in try await writer.finish(nil) } }
        return response
    }
}
