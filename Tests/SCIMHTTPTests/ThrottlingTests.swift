import Foundation
import HTTPTypes
import Hummingbird
import SCIMCore
import Testing

@testable import SCIMHTTP

/// Bursts are slowed with 429 and an integer Retry-After (Okta honours only integers), never with a 500.
@Suite struct ThrottlingTests {
    @Test func aTokenOverItsRateGets429WithIntegerRetryAfter() async throws {
        try await TestServer.run(rateLimit: 2) { _, client in
            var statuses: [Int] = []
            for _ in 0..<6 { statuses.append(try await client.get("Users").status) }
            #expect(statuses.prefix(4).allSatisfy { $0 == 200 }, "\(statuses)")
            let refused = try await client.get("Users")
            refused.expectError(429)
            let retryAfter = try #require(refused.headers[.retryAfter])
            #expect(Int(retryAfter).map { $0 >= 1 } == true, "\(retryAfter)")
            try await Task.sleep(for: .seconds(Double(Int(retryAfter) ?? 1)))
            #expect(try await client.get("Users").status == 200)
        }
    }

    @Test func repeatedFailedAuthenticationFromOneAddressIsThrottled() async throws {
        try await TestServer.run { _, client in
            var statuses: [Int] = []
            for index in 0..<35 { statuses.append(try await client.get("Users", authorization: "Bearer guess\(index)").status) }
            #expect(statuses.prefix(30).allSatisfy { $0 == 401 }, "\(statuses)")
            #expect(statuses.suffix(5).allSatisfy { $0 == 429 }, "\(statuses)")
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
        #expect(limiter.isExhausted("t") != nil)
    }
}

/// A value shared by concurrent code in a test.
final class Mutexed<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) { stored = value }

    var value: Value { lock.withLock { stored } }

    func update(_ change: (inout Value) -> Void) { lock.withLock { change(&stored) } }
}
