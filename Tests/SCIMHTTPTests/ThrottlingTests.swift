import Foundation
import HTTPTypes
import Hummingbird
import RosterTestSupport
import SCIMCore
import Testing

@testable import SCIMHTTP

/// Bursts are slowed with 429 and an integer Retry-After (Okta honours only integers), never with a 500.
@Suite struct ThrottlingTests {
    /// Timing-proof: at 0.05 requests a second the bucket holds one request and refills in 20 s, so the second
    /// request is refused however slow the machine; refilling is checked on the limiter with its own clock.
    @Test func aTokenOverItsRateGets429WithIntegerRetryAfter() async throws {
        try await TestServer.run(rateLimit: 0.05) { _, client in
            #expect(try await client.get("Users").status == 200)
            let refused = try await client.get("Users")
            refused.expectError(429)
            let retryAfter = try #require(refused.headers[.retryAfter])
            #expect(Int(retryAfter).map { $0 >= 1 && $0 <= 20 } == true, "\(retryAfter)")
        }
    }

    @Test func repeatedFailedAuthenticationFromOneAddressIsThrottled() async throws {
        try await TestServer.run { _, client in
            var statuses: [Int] = []
            while statuses.count < 90, statuses.last != 429 {
                statuses.append(try await client.get("Users", authorization: "Bearer guess\(statuses.count)").status)
            }
            #expect(statuses.last == 429, "\(statuses)")
            #expect(statuses.filter { $0 == 401 }.count >= 30, "\(statuses)")
            // Even the right token waits until the address has cooled down.
            let refused = try await client.get("Users")
            refused.expectError(429)
            #expect(refused.headers[.retryAfter] != nil)
        }
    }

    @Test func bucketsRefillAtTheirRate() {
        let now = Mutexed(Date(timeIntervalSince1970: 0))
        let limiter = RateLimiter(rate: 1, burst: 2, clock: { now.value })
        #expect(limiter.acquire("t") == nil)
        #expect(limiter.acquire("t") == nil)
        #expect(limiter.acquire("t") == 1)
        #expect(limiter.acquire("other") == nil)
        now.update { $0 = $0.addingTimeInterval(1.5) }
        #expect(limiter.acquire("t") == nil)
        #expect(limiter.acquire("t") != nil)
    }

    @Test func failuresOverTheLimitLockTheKeyOutForTheLockout() {
        let now = Mutexed(Date(timeIntervalSince1970: 0))
        let lockout = FailureLockout(limit: 3, lockout: 60, clock: { now.value })
        for _ in 0..<3 { lockout.recordFailure("10.0.0.1") }
        #expect(lockout.remaining("10.0.0.1") == nil)
        lockout.recordFailure("10.0.0.1")
        #expect(lockout.remaining("10.0.0.1") == 60)
        #expect(lockout.remaining("10.0.0.2") == nil)
        now.update { $0 = $0.addingTimeInterval(59.5) }
        #expect(lockout.remaining("10.0.0.1") == 1)
        now.update { $0 = $0.addingTimeInterval(1) }
        #expect(lockout.remaining("10.0.0.1") == nil)
    }
}
