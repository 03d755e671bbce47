import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// How long a connection may take over its parts, and how big a body it may announce.
public struct ConnectionLimits: Sendable {
    /// From the connection's start, or the end of its last response, to the whole head of the next request: a
    /// client that sends its headers a byte at a time, or keeps an idle connection, is closed after it.
    public var headerTimeout: TimeAmount
    /// From a request's head to the end of its body.
    public var bodyTimeout: TimeAmount
    /// The largest body a request may announce (`Content-Length`); a larger one is refused with 413 before it is
    /// read, and with `Expect: 100-continue` before it is even sent.
    public var maxBody: Int
    /// The same for a request to a path ending in `/Bulk`, which may be larger (`bulk.maxPayloadSize`).
    public var maxBulkBody: Int

    public init(
        headerTimeout: TimeAmount = .seconds(30), bodyTimeout: TimeAmount = .seconds(60), maxBody: Int,
        maxBulkBody: Int? = nil
    ) {
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.maxBody = maxBody
        self.maxBulkBody = max(maxBody, maxBulkBody ?? maxBody)
    }

    /// The largest body a request to `path` may announce.
    func maxBody(path: String?) -> Int {
        guard let path else { return maxBody }
        // Every request's head comes here: the path is looked at in place, not split into new strings.
        let route = path[..<(path.firstIndex(of: "?") ?? path.endIndex)]
        return route.hasSuffix("/Bulk") ? maxBulkBody : maxBody
    }
}

/// Keeps each connection to its deadlines, and answers `Expect: 100-continue`: `100 Continue` for a body that may
/// come, `413` at once for one that may not. Sits between HTTP decoding and the application, one per connection.
///
/// It answers only while no earlier request on the connection awaits its response, so that responses keep the
/// order of their requests; a pipelined request is left to the application, which refuses a large body itself.
public final class RequestDeadlines: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = HTTPRequestPart
    public typealias InboundOut = HTTPRequestPart
    public typealias OutboundIn = HTTPResponsePart
    public typealias OutboundOut = HTTPResponsePart

    let limits: ConnectionLimits
    private var deadline: Scheduled<Void>?
    /// Requests passed on whose responses have not ended.
    private var unanswered = 0
    /// Whether a request's head has come and its end not yet.
    private var reading = false
    /// The body of a refused request, still arriving, which goes nowhere.
    private var discarding = false
    /// Whether the connection closes once the refused request's body has come (or its deadline has passed).
    private var closingAfterDiscard = false

    public init(limits: ConnectionLimits) {
        self.limits = limits
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { wait(limits.headerTimeout, context: context) }
    }

    public func channelActive(context: ChannelHandlerContext) {
        wait(limits.headerTimeout, context: context)
        context.fireChannelActive()
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            reading = true
            wait(limits.bodyTimeout, context: context)
            let continues = head.headerFields[.expect]?.lowercased() == "100-continue"
            let limit = limits.maxBody(path: head.path)
            if unanswered == 0, let length = head.headerFields[.contentLength].flatMap(Int.init), length > limit {
                refuse(context: context, closing: continues, limit: limit)
                return
            }
            unanswered += 1
            if continues && unanswered == 1 {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
            }
        case .body:
            if discarding { return }
        case .end:
            reading = false
            if discarding {
                discarding = false
                if closingAfterDiscard {
                    deadline?.cancel()
                    context.close(promise: nil)
                } else {
                    wait(limits.headerTimeout, context: context)
                }
                return
            }
            // A response may have ended before its request did (a 401 that never read the body): the connection
            // is idle from now, and waits for the next head. Otherwise the application is answering.
            if unanswered == 0 {
                wait(limits.headerTimeout, context: context)
            } else {
                deadline?.cancel()
                deadline = nil
            }
        }
        context.fireChannelRead(data)
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            unanswered = max(0, unanswered - 1)
            // While a body is still coming, its own deadline holds.
            if unanswered == 0 && !reading { wait(limits.headerTimeout, context: context) }
        }
        context.write(data, promise: promise)
    }

    /// Closes the connection unless the awaited part comes within `timeout`.
    private func wait(_ timeout: TimeAmount, context: ChannelHandlerContext) {
        deadline?.cancel()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    /// A body over the limit is answered with a SCIM error at once, and whatever of it still comes is read and
    /// dropped, within the body's deadline: a client that writes its whole body before reading would see a reset
    /// instead of the answer if the connection closed under it. After a refused `Expect: 100-continue` the
    /// connection is half-closed at once (a client may send the body anyway) and closed when the body ends;
    /// otherwise it goes on to the next request.
    private func refuse(context: ChannelHandlerContext, closing: Bool, limit: Int) {
        discarding = true
        closingAfterDiscard = closing
        let body =
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"The request body is larger than \#(limit) bytes.","status":"413"}"#
        var head = HTTPResponse(status: .contentTooLarge)
        head.headerFields[.contentType] = "application/scim+json"
        head.headerFields[.contentLength] = String(body.utf8.count)
        if closing { head.headerFields[.connection] = "close" }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(ByteBuffer(string: body))), promise: nil)
        let sent = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        guard closing else { return }
        let channel = context.channel
        sent.whenComplete { _ in
            let halfClosed = channel.eventLoop.makePromise(of: Void.self)
            halfClosed.futureResult.whenFailure { _ in channel.close(promise: nil) }
            channel.close(mode: .output, promise: halfClosed)
        }
    }
}
