import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RosterTestSupport
import Testing

/// `/metrics` in Prometheus' text format: requests by route template, method, status and identity provider,
/// latency histograms, refused authentications and store operations, never a resource id or a userName.
@Suite struct MetricsTests {
    @Test func requestsAreCountedByRouteTemplateMethodStatusAndClient() async throws {
        try await TestServer.run { _, client in
            let id = try await client.createUser("metrics.person@example.com")
            let entra: HTTPFields = [.userAgent: "Microsoft Azure AD SCIM provisioning 1.0.0"]
            #expect(try await client.get("Users/\(id)", headers: entra).status == 200)
            try await client.get("Users/2819c223-7f76-453a-919d-413861904646").expectError(404)
            try await client.get("Users", authorization: "Bearer roster_wrong").expectError(401)

            let metrics = try await Scrape.metrics(client)
            #expect(
                metrics.value(
                    #"roster_http_requests_total{route="/scim/v2/Users",method="POST",status="201",client="okta"}"#)
                    == 1)
            #expect(
                metrics.value(
                    #"roster_http_requests_total{route="/scim/v2/Users/{id}",method="GET",status="200",client="entra"}"#
                ) == 1)
            #expect(
                metrics.value(
                    #"roster_http_requests_total{route="/scim/v2/Users/{id}",method="GET",status="404",client="okta"}"#)
                    == 1)
            #expect(
                metrics.value(
                    #"roster_http_requests_total{route="/scim/v2/Users",method="GET",status="401",client="okta"}"#) == 1
            )
            #expect(!metrics.text.contains(id), "\(metrics.text)")
            #expect(!metrics.text.contains("2819c223"))
            #expect(!metrics.text.localizedCaseInsensitiveContains("metrics.person"))
        }
    }

    @Test func latencyIsAHistogramInSecondsWithBucketsFromAMillisecondToTenSeconds() async throws {
        try await TestServer.run { _, client in
            _ = try await client.createUser("histogram@example.com")
            let metrics = try await Scrape.metrics(client)
            let series =
                #"roster_http_request_duration_seconds_bucket{route="/scim/v2/Users",method="POST",status="201""#
            #expect(metrics.text.contains("# TYPE roster_http_request_duration_seconds histogram"))
            // Which buckets the request falls in depends on how busy the machine is (a full test run has seen a
            // POST take over 10 s), so only the bounds and the total are asserted.
            #expect(metrics.value(series + #",le="0.001"}"#) != nil)
            #expect(metrics.value(series + #",le="10.0"}"#) != nil)
            #expect(metrics.value(series + #",le="+Inf"}"#) == 1)
            let count =
                #"roster_http_request_duration_seconds_count{route="/scim/v2/Users",method="POST",status="201"}"#
            #expect(metrics.value(count) == 1)
        }
    }

    /// A query holds a userName, and a path outside any route could hold anything: neither becomes a label.
    @Test func queriesAndUnknownPathsNeverBecomeLabels() async throws {
        try await TestServer.run { _, client in
            #expect(
                try await client.get(#"Users?filter=userName%20eq%20%22query.person%40example.com%22"#).status == 200)
            try await client.get("Nothing/here/jane.doe").expectError(404)
            let stray = try await client.client.execute(uri: "/jane.doe@example.com", method: .get)
            #expect(stray.status == .notFound)

            let metrics = try await Scrape.metrics(client)
            #expect(
                metrics.value(
                    #"roster_http_requests_total{route="/scim/v2/Users",method="GET",status="200",client="okta"}"#) == 1
            )
            #expect(
                metrics.value(
                    #"roster_http_requests_total{route="/scim/v2/**",method="GET",status="404",client="okta"}"#) == 1)
            #expect(
                metrics.value(
                    #"roster_http_requests_total{route="unmatched",method="GET",status="404",client="other"}"#) == 1)
            #expect(!metrics.text.contains("query.person"))
            #expect(!metrics.text.contains("jane.doe"))
        }
    }

    /// A group's members are streamed while the body is written; the request is recorded once it is.
    @Test func streamedGroupResponsesAreRecorded() async throws {
        try await TestServer.run { _, client in
            let member = try await client.createUser("member@example.com")
            let group = try await client.createGroup("Streamed", members: [member])
            #expect(try await client.get("Groups/\(group)").status == 200)
            let metrics = try await Scrape.metrics(client)
            #expect(
                metrics.value(
                    #"roster_http_requests_total{route="/scim/v2/Groups/{id}",method="GET",status="200",client="okta"}"#
                ) == 1)
            #expect(!metrics.text.contains(group))
        }
    }

    @Test func refusedAuthenticationsAreCountedByReason() async throws {
        try await TestServer.run { _, client in
            try await client.get("Users", authorization: "Bearer roster_wrong").expectError(401)
            try await client.get("Users", authorization: "Bearer roster_wrong_again").expectError(401)
            let bare = try await client.client.execute(uri: "/scim/v2/Users", method: .get)
            #expect(bare.status == .unauthorized)

            let metrics = try await Scrape.metrics(client)
            #expect(metrics.value(#"roster_auth_failures_total{reason="invalid"}"#) == 2)
            #expect(metrics.value(#"roster_auth_failures_total{reason="missing"}"#) == 1)
            #expect(metrics.value(#"roster_auth_throttled_total{reason="token_rate"}"#) == 0)
            #expect(metrics.value(#"roster_auth_throttled_total{reason="address_lockout"}"#) == 0)
        }
    }

    /// At 0.05 requests a second the second request is refused however slow the machine (see ThrottlingTests).
    @Test func throttledRequestsAreCountedByReason() async throws {
        try await TestServer.run(rateLimit: 0.05, configure: ThrottlingTests.stopped) { _, client in
            #expect(try await client.get("Users").status == 200)
            try await client.get("Users").expectError(429)
            var statuses: [Int] = []
            while statuses.count < 90, statuses.last != 429 {
                statuses.append(try await client.get("Users", authorization: "Bearer guess\(statuses.count)").status)
            }
            let metrics = try await Scrape.metrics(client)
            #expect(metrics.value(#"roster_auth_throttled_total{reason="token_rate"}"#) == 1)
            #expect(metrics.value(#"roster_auth_throttled_total{reason="address_lockout"}"#) == 1)
            let failures = Double(statuses.filter { $0 == 401 }.count)
            #expect(metrics.value(#"roster_auth_failures_total{reason="invalid"}"#) == failures)
        }
    }

    /// Pool use is read against the pool's size, which only PostgreSQL has (10 unless configured).
    @Test func storeOperationsAreTimedByOperation() async throws {
        try await TestServer.run { server, client in
            let id = try await client.createUser("stored@example.com")
            #expect(try await client.get("Users/\(id)").status == 200)
            let metrics = try await Scrape.metrics(client)
            #expect(metrics.value(#"roster_store_operation_duration_seconds_count{operation="insert"}"#) == 1)
            #expect(metrics.value(#"roster_store_operation_duration_seconds_count{operation="fetch"}"#) ?? 0 >= 1)
            #expect(metrics.value(#"roster_store_operation_duration_seconds_count{operation="delete"}"#) == 0)
            #expect(metrics.value("roster_store_operations_in_flight") == 0)
            let poolSize = metrics.value("roster_database_pool_max_connections")
            #expect(poolSize == (server.backend == .postgres ? 10 : nil))
        }
    }

    /// Only the metrics token opens `/metrics`: not the SCIM token, not a prefix of it, not without the scheme.
    @Test func aMetricsTokenIsRequiredWhenConfigured() async throws {
        try await TestServer.run(metricsToken: "metrics-secret") { server, client in
            for authorization in [
                nil, "Bearer wrong", "Bearer metrics-secre", "Bearer \(server.token)", "metrics-secret",
            ] {
                let refused = try await Scrape.response(client, authorization: authorization)
                #expect(refused.status == .unauthorized, "\(authorization ?? "none")")
                #expect(refused.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                #expect(!String(buffer: refused.body).contains("roster_"))
            }
            for authorization in ["Bearer metrics-secret", "bearer metrics-secret"] {
                let allowed = try await Scrape.response(client, authorization: authorization)
                #expect(allowed.status == .ok)
                #expect(String(buffer: allowed.body).contains("# TYPE roster_http_requests_total counter"))
            }
        }
    }

    /// Guessing the metrics token is throttled like guessing a SCIM token; the right token still works.
    @Test func wrongMetricsTokensAreThrottled() async throws {
        try await TestServer.run(metricsToken: "metrics-secret") { _, client in
            var statuses: [HTTPResponse.Status] = []
            while statuses.count < 120, statuses.last != .tooManyRequests {
                statuses.append(
                    try await Scrape.response(client, authorization: "Bearer guess\(statuses.count)").status)
            }
            #expect(statuses.last == .tooManyRequests && statuses.count > 30, "\(statuses.count)")
            #expect(try await Scrape.response(client, authorization: "Bearer metrics-secret").status == .ok)
        }
    }

    @Test func metricsAreOpenByDefaultInPrometheusTextFormat() async throws {
        try await TestServer.run { _, client in
            let response = try await Scrape.response(client, authorization: nil)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            #expect(String(buffer: response.body).contains("# HELP roster_auth_failures_total"))
        }
    }
}

/// A scrape of `/metrics`, with its samples looked up by series.
struct Scrape {
    let text: String

    static func response(_ client: SCIMClient, authorization: String?) async throws -> LiveClient.Response {
        var headers: HTTPFields = [:]
        if let authorization { headers[.authorization] = authorization }
        return try await client.client.execute(uri: "/metrics", method: .get, headers: headers)
    }

    static func metrics(_ client: SCIMClient, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Scrape
    {
        let response = try await response(client, authorization: nil)
        #expect(response.status == .ok, sourceLocation: sourceLocation)
        return Scrape(text: String(buffer: response.body))
    }

    /// The value of the sample whose name and labels are exactly `series`, or nil when there is none.
    func value(_ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }
}
