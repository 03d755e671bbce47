import Prometheus

/// Refused SCIM requests: 401s for a missing or rejected token, 429s for a token over its rate or an address locked
/// out after failed authentications. Every series exists from the start, at zero.
public struct AuthenticationMetrics: Sendable {
    static var failures: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "roster", subsystem: "auth", metricName: "failures", unitName: "total",
            helpText: "SCIM requests refused with 401: reason=missing (no Authorization header) or invalid.")
    }
    static var throttled: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "roster", subsystem: "auth", metricName: "throttled", unitName: "total",
            helpText: "SCIM requests refused with 429: reason=token_rate or address_lockout.")
    }

    let missingToken: Counter
    let invalidToken: Counter
    let tokenRate: Counter
    let addressLockout: Counter

    public init(registry: PrometheusCollectorRegistry) {
        missingToken = registry.makeCounter(descriptor: Self.failures, labels: [("reason", "missing")])
        invalidToken = registry.makeCounter(descriptor: Self.failures, labels: [("reason", "invalid")])
        tokenRate = registry.makeCounter(descriptor: Self.throttled, labels: [("reason", "token_rate")])
        addressLockout = registry.makeCounter(descriptor: Self.throttled, labels: [("reason", "address_lockout")])
    }

    /// Counts a 401: `missing` when no credentials came at all, `invalid` for anything else.
    func countFailure(authorization: String?) {
        let missing = authorization?.allSatisfy(\.isWhitespace) ?? true
        (missing ? missingToken : invalidToken).increment()
    }

    func countTokenRateRefusal() { tokenRate.increment() }

    func countLockoutRefusal() { addressLockout.increment() }
}
