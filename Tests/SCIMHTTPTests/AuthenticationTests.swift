import Directory
import Foundation
import HTTPTypes
import Hummingbird
import SCIMCore
import Testing

/// Bearer tokens on every SCIM route (RFC 7644 §2); `/healthz` needs none.
@Suite struct AuthenticationTests {
    @Test(arguments: [nil, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer roster_not-a-real-token"])
    func missingOrUnknownTokensAre401WithAChallenge(authorization: String?) async throws {
        try await TestServer.run { _, client in
            var headers: HTTPFields = [:]
            if let authorization { headers[.authorization] = authorization }
            let response = try await client.client.execute(uri: "/scim/v2/Users", method: .get, headers: headers)
            let reply = SCIMReply(
                status: Int(response.status.code), headers: response.headers, text: String(buffer: response.body),
                json: try? JSON.parse(Array(String(buffer: response.body).utf8)))
            reply.expectError(401)
            #expect(reply.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
        }
    }

    @Test func schemeIsCaseInsensitiveAndABareTokenIsAccepted() async throws {
        try await TestServer.run { server, client in
            for authorization in ["bearer \(server.token)", "BEARER \(server.token)", server.token] {
                let reply = try await client.get("Users", authorization: authorization)
                #expect(reply.status == 200)
            }
        }
    }

    @Test func discoveryNeedsATokenButHealthzDoesNot() async throws {
        try await TestServer.run { _, client in
            try await client.get("ServiceProviderConfig", authorization: "nope").expectError(401)
            let health = try await client.client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
        }
    }

    @Test func inactiveTokensAreRefused() async throws {
        try await TestServer.run { server, client in
            let inactive = try await server.directory.createToken(description: "Later", status: .inactive)
            try await client.get("Users", authorization: "Bearer \(inactive.secret)").expectError(401)
        }
    }

    /// A token revoked outside the server (another process, another instance) stops working within the cache
    /// lifetime, here 0.2 s.
    @Test func revokedTokenStopsWorkingWithinTheCacheLifetime() async throws {
        try await TestServer.run(tokenCacheSeconds: 0.2) { server, client in
            #expect(try await client.get("Users").status == 200)
            let record = try #require(try await server.store.tokens().first)
            #expect(try await server.store.deleteToken(id: record.id))
            try await Task.sleep(for: .milliseconds(400))
            try await client.get("Users").expectError(401)
        }
    }

    @Test func deactivatedTokenStopsWorkingWithinTheCacheLifetime() async throws {
        try await TestServer.run(tokenCacheSeconds: 0.2) { server, client in
            #expect(try await client.get("Users").status == 200)
            let record = try #require(try await server.store.tokens().first)
            #expect(try await server.store.setTokenStatus(id: record.id, status: .inactive))
            try await Task.sleep(for: .milliseconds(400))
            try await client.get("Users").expectError(401)
        }
    }

    @Test func lastUseIsRecorded() async throws {
        try await TestServer.run { server, client in
            let before = try await server.store.tokens().first
            #expect(before?.lastUsed == nil)
            #expect(try await client.get("Users").status == 200)
            #expect(try await server.store.tokens().first?.lastUsed != nil)
        }
    }
}
