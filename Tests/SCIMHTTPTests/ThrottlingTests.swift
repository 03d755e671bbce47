import App
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

    /// The throttles' clock stands still: however slowly a loaded machine sends the 90 guesses, none refills the
    /// bucket, and the lockout lasts.
    static func stopped(_ configuration: inout App.Configuration) {
        configuration.throttleClock = { Date(timeIntervalSince1970: 1_800_000_000) }
    }

    @Test func repeatedFailedAuthenticationFromOneAddressIsThrottled() async throws {
        try await TestServer.run(configure: Self.stopped) { _, client in
            var statuses: [Int] = []
            while statuses.count < 90, statuses.last != 429 {
                statuses.append(try await client.get("Users", authorization: "Bearer guess\(statuses.count)").status)
            }
            #expect(statuses.last == 429, "\(statuses)")
            #expect(statuses.filter { $0 == 401 }.count >= 30, "\(statuses)")
            let refused = try await client.get("Users", authorization: "Bearer another-guess")
            refused.expectError(429)
            #expect(refused.headers[.retryAfter] != nil)
            // Behind a proxy every identity provider shares the address: the right token is never refused.
            #expect(try await client.get("Users").status == 200)
        }
    }

    /// The probe that stopped provisioning behind a proxy: a flood of made-up tokens from the proxy's address
    /// while an identity provider keeps working through the same address.
    @Test func aFloodOfBadTokensNeverStopsAGoodOne() async throws {
        try await TestServer.run(configure: Self.stopped) { _, client in
            var statuses: [(Bool, Int)] = []
            // Waves of 20 at once: the flood, with the identity provider's requests among it.
            for wave in 0..<8 {
                statuses += try await withThrowingTaskGroup(of: (Bool, Int).self) { group in
                    for index in wave * 20..<(wave + 1) * 20 {
                        group.addTask {
                            let good = index % 10 == 0
                            let reply = try await client.get(
                                "Users?count=1", authorization: good ? nil : "Bearer roster_made-up-\(index)")
                            return (good, reply.status)
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
            #expect(statuses.filter { $0.0 }.allSatisfy { $0.1 == 200 }, "\(statuses.filter { $0.0 })")
            #expect(Set(statuses.filter { !$0.0 }.map(\.1)).isSubset(of: [401, 429]))
            #expect(statuses.contains { $0 == (false, 429) }, "the flood itself is slowed")
        }
    }

    /// Behind a trusted proxy, lockouts are per client, as the proxy names it; another client is not touched.
    @Test func lockoutsFollowTheClientATrustedProxyNames() async throws {
        try await TestServer.run(trustedProxies: [AddressRange("127.0.0.0/8")!], configure: Self.stopped) { _, client in
            let attacker: HTTPFields = [HTTPField.Name("X-Forwarded-For")!: "203.0.113.7"]
            var last = 0
            for index in 0..<90 where last != 429 {
                last = try await client.send(
                    .get, "Users", authorization: "Bearer guess\(index)", headers: attacker
                ).status
            }
            #expect(last == 429)
            let neighbour: HTTPFields = [HTTPField.Name("X-Forwarded-For")!: "198.51.100.1, 203.0.113.99"]
            #expect(
                try await client.send(.get, "Users", authorization: "Bearer typo", headers: neighbour).status == 401)
            #expect(try await client.send(.get, "Users", headers: attacker).status == 200)
        }
    }

    @Test func forwardedForCountsOnlyFromTrustedProxies() throws {
        let addresses = ClientAddresses(
            trustedProxies: [try #require(AddressRange("10.0.0.0/8")), try #require(AddressRange("::1"))])
        #expect(addresses.client(peer: "203.0.113.5", forwardedFor: ["1.2.3.4"]) == "203.0.113.5", "not a proxy")
        #expect(addresses.client(peer: "10.1.2.3", forwardedFor: ["1.2.3.4"]) == "1.2.3.4")
        #expect(addresses.client(peer: "10.1.2.3", forwardedFor: ["9.9.9.9, 1.2.3.4, 10.0.0.9"]) == "1.2.3.4")
        #expect(addresses.client(peer: "10.1.2.3", forwardedFor: ["9.9.9.9", "1.2.3.4"]) == "1.2.3.4")
        #expect(addresses.client(peer: "10.1.2.3", forwardedFor: []) == "10.1.2.3")
        #expect(addresses.client(peer: "10.1.2.3", forwardedFor: ["not-an-address"]) == "10.1.2.3")
        #expect(addresses.client(peer: "::1", forwardedFor: ["2001:db8::1"]) == "2001:db8::1")
        #expect(addresses.client(peer: "::ffff:10.0.0.1", forwardedFor: ["1.2.3.4"]) == "1.2.3.4", "mapped IPv4")
        #expect(AddressRange("10.0.0.0/33") == nil && AddressRange("10.0.0.0/x") == nil && AddressRange("host") == nil)
        #expect(AddressRange("192.168.0.0/16")?.contains("192.168.255.1") == true)
        #expect(AddressRange("192.168.0.0/16")?.contains("192.169.0.1") == false)
        #expect(AddressRange("2001:db8::/32")?.contains("2001:db8:ffff::1") == true)
        #expect(AddressRange("2001:db8::/32")?.contains("10.0.0.1") == false)
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
