import Directory
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
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
    let trust: WebhookTrust

    public init(
        applications: Applications, logger: Logger, interval: Duration = .milliseconds(100),
        trust: WebhookTrust = WebhookTrust()
    ) {
        self.applications = applications
        self.logger = logger
        self.owner = "\(ProcessInfo.processInfo.hostName)/\(getpid())/\(UUID().uuidString.prefix(8))"
        self.interval = interval
        self.trust = trust
    }

    public func run() async throws {
        let held = HeldEndpoints()
        await withTaskGroup(of: Void.self) { group in
            var workers: Set<String> = []
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                // Claims renew this instance's leases; an endpoint no longer claimed (removed, disabled, or taken
                // over after a stall) stops its worker before its next event.
                do {
                    let claimed = try await applications.claimDeliveries(owner: owner)
                    held.state.withLock { held in held = Dictionary(claimed.map { ($0.id, $0) }) { $1 } }
                } catch {
                    logger.warning("Could not claim webhook endpoints", metadata: ["error": "\(error)"])
                    held.state.withLock { $0 = [:] }
                }
                // One worker per endpoint: a slow receiver delays only its own events.
                for id in held.state.withLock({ Array($0.keys) }) where !workers.contains(id) {
                    workers.insert(id)
                    group.addTask { await work(on: id, held: held) }
                }
                workers = workers.filter { id in held.state.withLock { $0[id] != nil } }
                // Holding none, it looks less often: an instance with no webhooks costs its database next to nothing.
                let pause: Duration = workers.isEmpty ? .seconds(3) : .seconds(1)
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
            }
            held.state.withLock { $0 = [:] }
            group.cancelAll()
        }
        try? await applications.releaseDeliveries(owner: owner)
    }

    /// Delivers to one endpoint for as long as this instance holds it, through a client of its own whose
    /// connections go to the address the endpoint's name was checked at (no second lookup to rebind). The worker
    /// runs on its client's event loop: an answer resumes it without a hop to another thread (a quarter of a
    /// delivery's time on a loopback receiver).
    private func work(on id: String, held: HeldEndpoints) async {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        await withTaskExecutorPreference(EventLoopTaskExecutor(loop)) {
            await work(on: id, held: held, loop: loop)
        }
    }

    private func work(on id: String, held: HeldEndpoints, loop: any EventLoop) async {
        var client: PinnedClient?
        defer { client?.shutdown() }
        // The test request last answered: the claim that shows it answered comes up to a second later.
        var tested: Date?
        while !Task.isCancelled, let endpoint = held.state.withLock({ $0[id] }) {
            let sender: SignedSender
            do {
                let pinned = try await PinnedClient.for(endpoint, on: loop, trust: trust, reusing: client)
                if pinned !== client { client?.shutdown() }
                client = pinned
                sender = SignedSender(client: pinned.client)
            } catch let refusal as AddressRefusal {
                sender = SignedSender(client: nil, refusal: refusal.reason)
            } catch {
                sender = SignedSender(client: nil, refusal: "\(error)")
            }
            var worked = false
            do {
                let send: WebhookSender = { endpoint, event, body in await sender.send(endpoint, event, body) }
                if let answered = try await applications.deliverRequests(
                    to: endpoint, owner: owner, tested: tested, send: send)
                {
                    tested = answered
                }
                worked = try await applications.deliverWaiting(
                    to: endpoint, owner: owner, isHeld: { held.state.withLock { $0[id] != nil } }, send: send)
            } catch is CancellationError {
                return
            } catch {
                logger.warning("Webhook delivery failed", metadata: ["endpoint": "\(id)", "error": "\(error)"])
            }
            if !worked { try? await Task.sleep(for: interval) }
        }
    }
}

/// The endpoints this instance holds, as its last claim gave them.
final class HeldEndpoints: Sendable {
    let state = Mutex<[String: WebhookEndpoint]>([:])
}

/// An HTTP client for one endpoint. Unless the endpoint may reach private addresses, its name is resolved here,
/// every address it has is checked, and the client connects to the first (TLS still checks the name), so a name
/// that answers differently the next time cannot take a delivery inside. Resolved again after a minute.
final class PinnedClient: Sendable {
    let client: WebhookClient
    let url: String
    let address: String?
    let resolved: ContinuousClock.Instant

    private init(url: String, address: String?, loop: any EventLoop, trust: WebhookTrust) throws {
        self.url = url
        self.address = address
        self.resolved = .now
        client = try WebhookClient(target: WebhookTarget(url: url, address: address), loop: loop, trust: trust)
    }

    static func `for`(
        _ endpoint: WebhookEndpoint, on loop: any EventLoop, trust: WebhookTrust, reusing current: PinnedClient?
    ) async throws -> PinnedClient {
        guard let host = URL(string: endpoint.url)?.host else { throw AddressRefusal(reason: "The URL has no host.") }
        if let current, current.url == endpoint.url, ContinuousClock.now - current.resolved < .seconds(60),
            endpoint.allowInsecure == (current.address == nil)
        {
            return current
        }
        guard !endpoint.allowInsecure else {
            return try PinnedClient(url: endpoint.url, address: nil, loop: loop, trust: trust)
        }
        if WebhookAddress.isPrivate(host: host) {
            throw AddressRefusal(reason: "Refused: \(host) is a private address.")
        }
        let address = try await Task.detached { try AddressCheck.resolve(host) }.value
        if let current, current.url == endpoint.url, current.address == address { return current }
        return try PinnedClient(url: endpoint.url, address: address, loop: loop, trust: trust)
    }

    func shutdown() {
        client.shutdown()
    }
}

/// Runs a task's jobs on one event loop, so awaiting that loop's channels needs no hop between threads.
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    let loop: any EventLoop

    init(_ loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

struct AddressRefusal: Error {
    var reason: String
}

/// Signs and sends one event: `POST` of its envelope with the Standard Webhooks headers. The whole attempt, body
/// included, takes 10 s at most, and only the first 500 bytes of the answer are kept.
struct SignedSender: Sendable {
    let client: WebhookClient?
    var refusal: String? = nil

    func send(_ endpoint: WebhookEndpoint, _ event: StoredEvent, _ body: [UInt8]) async -> DeliveryResponse {
        let started = ContinuousClock.now
        func elapsed() -> Double {
            let duration = ContinuousClock.now - started
            return Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        }
        guard let client else {
            return DeliveryResponse(status: nil, milliseconds: elapsed(), excerpt: refusal ?? "Refused.")
        }
        let timestamp = Int64(Date().timeIntervalSince1970)
        let headers = [
            ("content-type", "application/json"), ("user-agent", "Roster-Webhooks/1"), ("webhook-id", event.id),
            ("webhook-timestamp", String(timestamp)),
            (
                "webhook-signature",
                WebhookSignature.header(id: event.id, timestamp: timestamp, body: body, secrets: endpoint.secrets)
            ),
        ]
        do {
            let (status, excerpt) = try await client.post(
                headers: headers, body: body, deadline: .now() + .seconds(10))
            return DeliveryResponse(
                status: status, milliseconds: elapsed(), excerpt: String(decoding: excerpt, as: UTF8.self))
        } catch {
            return DeliveryResponse(status: nil, milliseconds: elapsed(), excerpt: "\(error)")
        }
    }
}

/// Resolves a webhook's host and refuses it when any address it has is loopback, private, link-local or otherwise
/// not public; otherwise gives the first address, for the client to connect to.
enum AddressCheck {
    static func resolve(_ host: String) throws -> String {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else {
            throw AddressRefusal(reason: "Could not resolve \(host).")
        }
        defer { freeaddrinfo(result) }
        var chosen: String?
        var pointer: UnsafeMutablePointer<addrinfo>? = first
        while let info = pointer {
            pointer = info.pointee.ai_next
            guard let address = info.pointee.ai_addr else { continue }
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            let bytes: [UInt8]
            if info.pointee.ai_family == AF_INET {
                var v4 = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                bytes = withUnsafeBytes(of: v4) { Array($0) }
                _ = inet_ntop(AF_INET, &v4, &text, socklen_t(text.count))
            } else if info.pointee.ai_family == AF_INET6 {
                var v6 = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                bytes = withUnsafeBytes(of: v6) { Array($0) }
                _ = inet_ntop(AF_INET6, &v6, &text, socklen_t(text.count))
            } else {
                continue
            }
            if WebhookAddress.isPrivate(address: bytes) {
                throw AddressRefusal(reason: "Refused: \(host) resolves to a private address.")
            }
            chosen = chosen ?? String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        guard let chosen else { throw AddressRefusal(reason: "Could not resolve \(host).") }
        return chosen
    }
}
