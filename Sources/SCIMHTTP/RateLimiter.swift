import Foundation
import SCIMCore
import Synchronization

/// A token bucket per key: `rate` requests a second on average, bursts up to `burst`.
public final class RateLimiter: Sendable {
    let rate: Double
    let burst: Double
    let clock: @Sendable () -> Date
    private let buckets = Mutex<[String: Bucket]>([:])

    private struct Bucket {
        var tokens: Double
        var updated: Date
    }

    public init(rate: Double, burst: Double, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.rate = rate
        self.burst = max(1, burst)
        self.clock = clock
    }

    /// Takes one request from `key`'s bucket; when it is empty, the whole seconds until it refills (at least 1).
    public func acquire(_ key: String) -> Int? {
        let now = clock()
        return buckets.withLock { buckets in
            if buckets.count > 100_000 { buckets.removeAll() }
            var bucket = buckets[key] ?? Bucket(tokens: burst, updated: now)
            bucket.tokens = min(burst, bucket.tokens + now.timeIntervalSince(bucket.updated) * rate)
            bucket.updated = now
            defer { buckets[key] = bucket }
            guard bucket.tokens >= 1 else { return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up))) }
            bucket.tokens -= 1
            return nil
        }
    }
}

extension RateLimiter {
    /// Takes `cost` more from `key`'s bucket without refusing, into debt if need be: a Bulk request, admitted as one
    /// request, pays for its other operations, and the token's next requests wait until the debt is paid.
    public func charge(_ key: String, cost: Double) {
        guard cost > 0 else { return }
        let now = clock()
        buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: burst, updated: now)
            bucket.tokens = min(burst, bucket.tokens + now.timeIntervalSince(bucket.updated) * rate) - cost
            bucket.updated = now
            buckets[key] = bucket
        }
    }
}

/// Locks out a key for a while once it has failed too often: `limit` failures a minute, then `lockout` seconds.
public final class FailureLockout: Sendable {
    let failures: RateLimiter
    let lockout: TimeInterval
    let clock: @Sendable () -> Date
    private let lockedUntil = Mutex<[String: Date]>([:])

    public init(limit: Double, lockout: TimeInterval = 60, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.failures = RateLimiter(rate: limit / 60, burst: limit, clock: clock)
        self.lockout = lockout
        self.clock = clock
    }

    /// Seconds until `key` may try again, or nil when it is not locked out.
    public func remaining(_ key: String) -> Int? {
        let now = clock()
        guard let until = lockedUntil.withLock({ $0[key] }), until > now else { return nil }
        return max(1, Int(until.timeIntervalSince(now).rounded(.up)))
    }

    /// Counts a failure; the one over the limit starts the lockout.
    public func recordFailure(_ key: String) {
        guard failures.acquire(key) != nil else { return }
        let until = clock().addingTimeInterval(lockout)
        lockedUntil.withLock { locked in
            if locked.count > 100_000 { locked.removeAll() }
            locked[key] = until
        }
    }
}

/// The throttles of the SCIM API: requests per token, and failed authentications per client address.
public struct Throttles: Sendable {
    /// Nil when requests are not limited.
    public var requests: RateLimiter?
    public var failedAuthentication: FailureLockout
    /// How a request's client address is told from its peer's.
    public var addresses: ClientAddresses

    /// `clock`: the time buckets refill and lockouts end by.
    public init(
        requestsPerSecond: Double?, failedAuthenticationsPerMinute: Double = 30,
        addresses: ClientAddresses = ClientAddresses(), clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        requests = requestsPerSecond.flatMap { $0 > 0 ? RateLimiter(rate: $0, burst: $0 * 2, clock: clock) : nil }
        failedAuthentication = FailureLockout(limit: failedAuthenticationsPerMinute, clock: clock)
        self.addresses = addresses
    }

    static func tooMany(_ detail: String, retryAfter: Int) -> SCIMError {
        var error = SCIMError(status: 429, detail: detail)
        error.retryAfter = retryAfter
        return error
    }
}
