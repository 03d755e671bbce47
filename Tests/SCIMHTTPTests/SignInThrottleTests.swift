import App
import Directory
import Foundation
import HTTPTypes
import SCIMHTTP
import Testing

/// Sign-ins started per client address are limited; behind a proxy the client is the address it forwards (with or
/// without a port), and an IPv6 client is its /64, which one client may hold whole.
@Suite(.serialized) struct SignInThrottleTests {
    @Test func forwardedAddressesAreReadWithTheirPortsAndIPv6CountsByItsPrefix() throws {
        let addresses = ClientAddresses(trustedProxies: try App.Configuration.trustedProxies(["127.0.0.1"]))
        #expect(addresses.client(peer: "127.0.0.1", forwardedFor: ["198.51.100.7:51234"]) == "198.51.100.7")
        #expect(addresses.client(peer: "127.0.0.1", forwardedFor: ["[2001:db8::1]:443"]) == "2001:db8::1")
        #expect(addresses.client(peer: "127.0.0.1", forwardedFor: ["198.51.100.7"]) == "198.51.100.7")
        #expect(addresses.client(peer: "203.0.113.9", forwardedFor: ["198.51.100.7"]) == "203.0.113.9")

        let key = ClientAddresses.throttleKey
        #expect(key("2001:db8:1:2::1") == key("2001:db8:1:2:ffff::96"))
        #expect(key("2001:db8:1:2::1") != key("2001:db8:1:3::1"))
        #expect(key("198.51.100.7") == "198.51.100.7")
        // A dual-stack listener's IPv4 peers are each their own, not one shared ::ffff:0:0/64.
        #expect(key("::ffff:198.51.100.7") != key("::ffff:198.51.100.8"))
    }

    @Test func signInsStartedBeyondTheLimitAreRefused() async throws {
        // One sign-in per hundred seconds, in bursts of one: the second in a row is refused however slow the machine.
        try await TestServer.run(configure: { $0.signInRateLimit = 0.01 }) { server, scim in
            #expect(try await scim.get("/oauth/authorize?client_id=nobody").status == 400)
            let refused = try await scim.get("/oauth/authorize?client_id=nobody")
            #expect(refused.status == 429)
            #expect(refused.headers[.retryAfter] != nil)
            #expect(try await scim.post("/sso/saml/none/acs", "").status != 429, "responses are counted apart")
        }
    }

    /// Expired sign-ins, codes and replay records go in the maintenance service's prune, not in the writes of
    /// sign-ins; what has not expired stays.
    @Test func expiredSignInsGoWhenPruned() async throws {
        try await TestServer.run { server, _ in
            let store = server.store.connections
            let now = Date()
            let past = now - 3 * 3600
            for (id, expires) in [("_old", past), ("_new", now + 600)] {
                try await store.insertSignInRequest(
                    SignInRequest(
                        id: id, connection: "c", application: "a", redirectURI: "https://app.example.com/cb",
                        scope: "openid", state: nil, nonce: nil, codeChallenge: "x", browserHash: "h", expires: expires),
                    now: now)
                let finished = try await store.finishSignIn(
                    AuthorizationGrant(
                        codeHash: id, application: "a", redirectURI: "https://app.example.com/cb", scope: "openid",
                        organization: .default, userID: "u", connection: "c", nonce: nil, codeChallenge: nil,
                        authTime: expires, expires: expires),
                    request: nil, assertion: id, assertionUntil: expires, now: now)
                #expect(finished == .finished)
            }
            try await server.services.organizations.connections.prune()
            #expect(try await store.signInRequest(id: "_old") == nil)
            #expect(try await store.signInRequest(id: "_new") != nil)
            #expect(try await store.grant(codeHash: "_old") == nil)
            #expect(try await store.grant(codeHash: "_new") != nil)
            // The old assertion's record is gone (its slot is free); the new one's is kept.
            #expect(try await store.recordAssertion(id: "_old", connection: "c", until: now + 60, now: now))
            #expect(try await !store.recordAssertion(id: "_new", connection: "c", until: now + 60, now: now))
        }
    }
}
