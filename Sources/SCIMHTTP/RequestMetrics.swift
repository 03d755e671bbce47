import HTTPTypes
import Prometheus
import Synchronization

/// Requests counted by route template, method, status and identity provider, and their latency, in one registry.
///
/// Labels never hold a raw path, a query or a header value: the route is the matched template (`/scim/v2/Users/{id}`)
/// or `unmatched`, the method one of the standard verbs or `other`, the client an `IdentityProvider`. The handles of
/// each label set are made once and kept, so a request costs one dictionary lookup, no string building.
public final class RequestMetrics: Sendable {
    static let unmatched = "unmatched"
    /// What Hummingbird sets as the endpoint path of a request no route matched.
    static let hummingbirdNotFound = "NotFound"
    static let methods: Set<HTTPRequest.Method> = [.get, .head, .post, .put, .patch, .delete, .options]
    /// 1 ms to 10 s: a cached GET is a few milliseconds, a large import page or a slow database is seconds.
    static let buckets: [Duration] = [
        .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2500), .seconds(5), .seconds(10),
    ]
    static var requests: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "roster", subsystem: "http", metricName: "requests", unitName: "total",
            helpText: "HTTP requests by route template, method, status and identity provider.")
    }
    static var duration: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "roster", subsystem: "http", metricName: "request_duration", unitName: "seconds",
            helpText:
                "Time from routing a request to its response (a streamed body: until written), by route, method, status."
        )
    }

    let registry: PrometheusCollectorRegistry
    private let handles = Mutex<[Key: Handles]>([:])

    struct Key: Hashable {
        var route: String
        var method: String
        var status: Int
        var client: IdentityProvider
    }

    struct Handles: Sendable {
        let requests: Counter
        let duration: DurationHistogram
    }

    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// Counts one request and records how long it took since `started`.
    func record(
        route: String?, method: HTTPRequest.Method, status: Int, client: IdentityProvider,
        since started: ContinuousClock.Instant
    ) {
        let key = Key(
            route: route.map { $0 == Self.hummingbirdNotFound ? Self.unmatched : $0 } ?? Self.unmatched,
            method: Self.methods.contains(method) ? method.rawValue : "other", status: status, client: client)
        let handles = handles.withLock { cache in
            if let found = cache[key] { return found }
            let made = make(key)
            cache[key] = made
            return made
        }
        handles.requests.increment()
        handles.duration.record(ContinuousClock.now - started)
    }

    private func make(_ key: Key) -> Handles {
        let status = String(key.status)
        return Handles(
            requests: registry.makeCounter(
                descriptor: Self.requests,
                labels: [
                    ("route", key.route), ("method", key.method), ("status", status), ("client", key.client.rawValue),
                ]),
            duration: registry.makeDurationHistogram(
                descriptor: Self.duration, labels: [("route", key.route), ("method", key.method), ("status", status)],
                buckets: Self.buckets))
    }
}
