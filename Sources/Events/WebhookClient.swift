import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// The HTTP client of one webhook endpoint: HTTP/1.1 connections kept alive on the worker's event loop, each
/// request's head, body and end written in one flush, and a deadline for the whole attempt. It connects to the
/// address the endpoint's name was checked at (TLS still verifies the name); it follows no redirect.
///
/// Written for this one job: a general client spent most of a delivery's time on a loopback receiver in its pool,
/// tracing and state machines (4,000 deliveries a second against 5,000 wanted).
final class WebhookClient: Sendable {
    let target: WebhookTarget
    let loop: any EventLoop
    private let tls: NIOSSLContext?
    private let idle = Mutex<[WebhookConnection]>([])

    init(target: WebhookTarget, loop: any EventLoop, trust: WebhookTrust) throws {
        self.target = target
        self.loop = loop
        tls = target.secure ? try trust.context() : nil
    }

    /// Sends `body` and gives the status and the first 500 bytes of the answer, or throws (no connection, TLS
    /// refused, the deadline passed, the connection closed early).
    func post(headers: [(String, String)], body: [UInt8], deadline: NIODeadline) async throws -> (Int, [UInt8]) {
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: target.path)
        head.headers.add(name: "host", value: target.hostHeader)
        head.headers.add(name: "content-length", value: String(body.count))
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        var connection: WebhookConnection
        var answer: CollectedResponse
        if let kept = takeIdle() {
            do {
                connection = kept
                answer = try await kept.send(head, body: body, deadline: deadline)
            } catch is WebhookConnectionClosed {
                // The receiver closed a kept connection as the request went out: once more on a new one.
                connection = try await connect(deadline: deadline)
                answer = try await connection.send(head, body: body, deadline: deadline)
            }
        } else {
            connection = try await connect(deadline: deadline)
            answer = try await connection.send(head, body: body, deadline: deadline)
        }
        if answer.keepAlive, connection.isOpen {
            idle.withLock { $0.append(connection) }
        } else {
            connection.close()
        }
        return (answer.status, answer.excerpt)
    }

    /// A GET on a new connection, its whole body read up to `maxBody` bytes (more is an error): the status and body.
    func get(deadline: NIODeadline, maxBody: Int) async throws -> (Int, [UInt8]) {
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: target.path)
        head.headers.add(name: "host", value: target.hostHeader)
        head.headers.add(name: "connection", value: "close")
        let connection = try await connect(deadline: deadline)
        defer { connection.close() }
        let answer = try await connection.send(head, body: [], deadline: deadline, limit: maxBody)
        return (answer.status, answer.excerpt)
    }

    /// A kept connection still open, if there is one.
    private func takeIdle() -> WebhookConnection? {
        idle.withLock { idle in
            while let connection = idle.popLast() {
                if connection.isOpen { return connection }
            }
            return nil
        }
    }

    func shutdown() {
        for connection in idle.withLock({ idle in
            defer { idle = [] }; return idle
        }) { connection.close() }
    }

    private func connect(deadline: NIODeadline) async throws -> WebhookConnection {
        let collector = ResponseCollector()
        let (tls, target) = (self.tls, self.target)
        let timeout = min(TimeAmount.seconds(5), max(deadline - .now(), .milliseconds(1)))
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let tls {
                        try sync.addHandler(NIOSSLClientHandler(context: tls, serverHostname: target.tlsName))
                    }
                    try sync.addHTTPClientHandlers()
                    try sync.addHandler(collector)
                }
            }
        let channel = try await bootstrap.connect(host: target.connectHost, port: target.port).get()
        return WebhookConnection(channel: channel, collector: collector)
    }
}

/// Where a webhook URL points, parsed once: the connection's host (the checked address when pinned), the name TLS
/// verifies and `Host` carries, the port and the request's path.
struct WebhookTarget: Sendable, Hashable {
    var secure: Bool
    var host: String
    var connectHost: String
    var port: Int
    var path: String

    init(url: String, address: String?) throws {
        guard let parsed = URLComponents(string: url), let scheme = parsed.scheme?.lowercased(),
            scheme == "https" || scheme == "http", let host = parsed.host, !host.isEmpty
        else { throw AddressRefusal(reason: "\(url) is not an http(s) URL.") }
        secure = scheme == "https"
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        connectHost = address ?? self.host
        port = parsed.port ?? (secure ? 443 : 80)
        let path = parsed.percentEncodedPath.isEmpty ? "/" : parsed.percentEncodedPath
        self.path = path + (parsed.percentEncodedQuery.map { "?" + $0 } ?? "")
    }

    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (secure ? 443 : 80) ? name : "\(name):\(port)"
    }

    /// The name TLS sends and verifies: none for an address literal (SNI carries names only).
    var tlsName: String? {
        (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
    }
}

/// The certificates webhook TLS trusts: the system's, and those of a file the operator names (a private CA).
public struct WebhookTrust: Sendable {
    public var extraRootsFile: String?

    public init(extraRootsFile: String? = nil) {
        self.extraRootsFile = extraRootsFile
    }

    func context() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        if let extraRootsFile {
            configuration.additionalTrustRoots = [.file(extraRootsFile)]
        }
        return try NIOSSLContext(configuration: configuration)
    }
}

/// One connection: a request at a time, its answer collected on the event loop.
final class WebhookConnection: Sendable {
    let channel: any Channel
    let collector: ResponseCollector

    init(channel: any Channel, collector: ResponseCollector) {
        self.channel = channel
        self.collector = collector
    }

    var isOpen: Bool { channel.isActive }

    /// `limit`: the whole body is wanted, and more than that many bytes is an error (nil: the first 500 bytes).
    func send(_ head: HTTPRequestHead, body: [UInt8], deadline: NIODeadline, limit: Int? = nil) async throws
        -> CollectedResponse
    {
        let promise = channel.eventLoop.makePromise(of: CollectedResponse.self)
        let (channel, collector) = (self.channel, self.collector)
        channel.eventLoop.execute {
            collector.expect(promise, limit: limit)
            channel.write(HTTPClientRequestPart.head(head), promise: nil)
            if !body.isEmpty {
                channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil)
            }
            channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        }
        // Past the deadline the connection goes: an answer trickling in or never coming stops there.
        let timer = channel.eventLoop.scheduleTask(deadline: deadline) {
            collector.fail(WebhookTimeout())
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        do {
            return try await promise.futureResult.get()
        } catch {
            channel.close(promise: nil)
            throw error
        }
    }

    func close() {
        channel.close(promise: nil)
    }
}

struct CollectedResponse: Sendable {
    var status: Int
    var excerpt: [UInt8]
    var keepAlive: Bool
}

struct WebhookTimeout: Error, CustomStringConvertible {
    var description: String { "No whole answer within 10 s." }
}

struct BodyTooLarge: Error, CustomStringConvertible {
    var limit: Int
    var description: String { "The answer is larger than \(limit / 1024) KiB." }
}

struct WebhookConnectionClosed: Error, CustomStringConvertible {
    var description: String { "The receiver closed the connection before answering." }
}

/// Collects an answer: its status, the first 500 bytes of its body (the rest is read and dropped), whether the
/// connection stays open. Touched on its channel's event loop only.
final class ResponseCollector: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart

    private var promise: EventLoopPromise<CollectedResponse>?
    private var response = CollectedResponse(status: 0, excerpt: [], keepAlive: true)
    private var limit: Int?

    func expect(_ promise: EventLoopPromise<CollectedResponse>, limit: Int? = nil) {
        self.promise = promise
        self.limit = limit
        response = CollectedResponse(status: 0, excerpt: [], keepAlive: true)
    }

    func fail(_ error: any Error) {
        let pending = promise
        promise = nil
        pending?.fail(error)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            response.status = Int(head.status.code)
            response.keepAlive = head.isKeepAlive
        case .body(let buffer):
            if let limit {
                guard response.excerpt.count + buffer.readableBytes <= limit else {
                    fail(BodyTooLarge(limit: limit))
                    return context.close(promise: nil)
                }
                response.excerpt += buffer.readableBytesView
            } else {
                response.excerpt += buffer.readableBytesView.prefix(max(0, 500 - response.excerpt.count))
            }
        case .end:
            // An answer nobody asked for (none pending) leaves the connection unusable.
            guard let pending = promise else { return context.close(promise: nil) }
            promise = nil
            pending.succeed(response)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(WebhookConnectionClosed())
        context.fireChannelInactive()
    }
}
