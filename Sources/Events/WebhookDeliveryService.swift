import AsyncHTTPClient
import Directory
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Delivers events to webhook endpoints in the background, on every instance; the database's leases decide which
/// instance delivers to which endpoint. Never inside an identity provider's request.
public struct WebhookDeliveryService: Service {
    let applications: Applications
    let logger: Logger
    /// This instance, for the leases.
    let owner: String
    /// How often an instance looks for new events while it holds endpoints.
    let interval: Duration

    public init(applications: Applications, logger: Logger, interval: Duration = .milliseconds(100)) {
        self.applications = applications
        self.logger = logger
        self.owner = "\(ProcessInfo.processInfo.hostName)/\(getpid())/\(UUID().uuidString.prefix(8))"
        self.interval = interval
    }

    public func run() async throws {
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: HTTPClient.Configuration(
                redirectConfiguration: .disallow,
                timeout: .init(connect: .seconds(5), read: .seconds(10)),
                connectionPool: .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 16)))
        let sender = SignedSender(client: client)
        let send: WebhookSender = { endpoint, event, body in await sender.send(endpoint, event, body) }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var held = 0
            do {
                held = try await applications.deliverRound(owner: owner, send: send)
            } catch {
                logger.warning("Webhook delivery round failed", metadata: ["error": "\(error)"])
            }
            // Idle (no endpoint anywhere) it looks once a second; delivering, ten times.
            let pause = held > 0 ? interval : .seconds(1)
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
        }
        try? await applications.releaseDeliveries(owner: owner)
        try? await client.shutdown()
    }
}

/// Signs and sends one event: `POST` of its envelope with the Standard Webhooks headers, 10 s at most.
struct SignedSender: Sendable {
    let client: HTTPClient
    let addresses = AddressCheck()

    func send(_ endpoint: WebhookEndpoint, _ event: StoredEvent, _ body: [UInt8]) async -> DeliveryResponse {
        let started = ContinuousClock.now
        func elapsed() -> Double {
            let duration = ContinuousClock.now - started
            return Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        }
        if !endpoint.allowInsecure, let refusal = await addresses.refusal(for: endpoint.url) {
            return DeliveryResponse(status: nil, milliseconds: elapsed(), excerpt: refusal)
        }
        let timestamp = Int64(Date().timeIntervalSince1970)
        var request = HTTPClientRequest(url: endpoint.url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "user-agent", value: "Roster-Webhooks/1")
        request.headers.add(name: "webhook-id", value: event.id)
        request.headers.add(name: "webhook-timestamp", value: String(timestamp))
        request.headers.add(
            name: "webhook-signature",
            value: WebhookSignature.header(id: event.id, timestamp: timestamp, body: body, secrets: endpoint.secrets))
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: .seconds(10))
            var excerpt = ByteBuffer()
            for try await chunk in response.body {
                var chunk = chunk
                if excerpt.readableBytes < 500, let bytes = chunk.readBytes(length: min(chunk.readableBytes, 500)) {
                    excerpt.writeBytes(bytes)
                }
            }
            return DeliveryResponse(
                status: Int(response.status.code), milliseconds: elapsed(),
                excerpt: String(decoding: excerpt.readableBytesView.prefix(500), as: UTF8.self))
        } catch {
            return DeliveryResponse(status: nil, milliseconds: elapsed(), excerpt: "\(error)")
        }
    }
}

/// Refuses endpoints whose host resolves to a loopback, private or link-local address (unless the operator
/// allowed it for the endpoint). Answers are kept a minute.
final class AddressCheck: Sendable {
    private let cache = Mutex<[String: (refusal: String?, until: Date)]>([:])

    func refusal(for url: String) async -> String? {
        guard let host = URL(string: url)?.host else { return "The URL has no host." }
        if WebhookAddress.isPrivate(host: host) { return "Refused: \(host) is a private address." }
        if let cached = cache.withLock({ $0[host] }), cached.until > Date() { return cached.refusal }
        let refusal = await Task.detached { Self.resolve(host) }.value
        cache.withLock { $0[host] = (refusal, Date() + 60) }
        return refusal
    }

    private static func resolve(_ host: String) -> String? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else {
            return "Could not resolve \(host)."
        }
        defer { freeaddrinfo(result) }
        var pointer: UnsafeMutablePointer<addrinfo>? = first
        while let info = pointer {
            if let address = info.pointee.ai_addr {
                if info.pointee.ai_family == AF_INET {
                    let v4 = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
                    let bytes = withUnsafeBytes(of: v4) { Array($0) }
                    if WebhookAddress.isPrivate(v4: bytes) { return "Refused: \(host) resolves to a private address." }
                } else if info.pointee.ai_family == AF_INET6 {
                    var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { socket in
                        var address = socket.pointee.sin6_addr
                        _ = inet_ntop(AF_INET6, &address, &text, socklen_t(text.count))
                    }
                    let literal = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    if WebhookAddress.isPrivate(v6: literal) {
                        return "Refused: \(host) resolves to a private address."
                    }
                }
            }
            pointer = info.pointee.ai_next
        }
        return nil
    }
}
