import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SCIMCore
import Testing

@testable import SCIMHTTP

/// What an operator sees: request ids on every SCIM response, and readiness that reflects the database.
@Suite struct ObservabilityTests {
    @Test func everySCIMResponseCarriesARequestId() async throws {
        try await TestServer.run { _, client in
            let ok = try await client.get("Users")
            let failed = try await client.get("Users/nope")
            let unauthorized = try await client.get("Users", authorization: "Bearer wrong")
            let ids = [ok, failed, unauthorized].compactMap { $0.headers[HTTPField.Name("X-Request-Id")!] }
            #expect(ids.count == 3)
            #expect(Set(ids).count == 3)
            #expect(ids.allSatisfy { !$0.isEmpty })
        }
    }

    /// The benchmark's database routes exist only when asked for, and then run their statements.
    @Test func benchmarkRoutesOnlyWhenAskedFor() async throws {
        try await TestServer.run { _, scim in
            let select = try await scim.get("/benchmark/select/x")
            let insert = try await scim.send(.post, "/benchmark/insert", body: "")
            #expect(select.status == 404 && insert.status == 404)
        }
        try await TestServer.run(configure: { $0.benchmarkRoutes = true }) { _, scim in
            let id = try await scim.createUser("ceiling@example.com")
            #expect(try await scim.get("/benchmark/select/\(id)").status == 200)
            #expect(try await scim.get("/benchmark/select/nobody").status == 404)
            for _ in 0..<2 {
                let insert = try await scim.send(.post, "/benchmark/insert", body: "")
                #expect(insert.status == 201)
            }
        }
    }

    @Test func readyzAnswersWhenTheDatabaseIsMigrated() async throws {
        try await TestServer.run { _, client in
            let ready = try await client.client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .ok)
            #expect(String(buffer: ready.body) == "ready\n")
        }
    }

    @Test(arguments: [
        ("Okta SCIM Client 1.0.0", "okta"), ("OKTA SCIM Integration", "okta"),
        ("Microsoft Azure AD SCIM provisioning 1.0.0", "entra"), ("OneLogin SCIM", "onelogin"), (nil, "other"),
    ])
    func identityProvidersAreRecognisedByUserAgent(agent: String?, expected: String) {
        #expect(IdentityProvider(userAgent: agent).rawValue == expected)
    }
}
