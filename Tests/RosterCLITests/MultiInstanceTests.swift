import Foundation
import RosterTestSupport
import SCIMCore
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Two `roster serve` processes on one PostgreSQL database, as behind a load balancer: uniqueness, versions and
/// memberships are enforced by the database, so neither instance can make the other wrong.
@Suite(
    .serialized,
    .enabled(
        if: PostgresTestDatabase.isConfigured,
        "ROSTER_TEST_POSTGRES_URL is not set: multi-instance tests need PostgreSQL"))
struct MultiInstanceTests {
    struct Instances {
        let ports: [Int]
        let token: String
        let tokenID: String
        let database: String

        /// The SCIM URL of `path` on instance `index` (alternating when index exceeds the count).
        func url(_ path: String, on index: Int) -> URL {
            URL(string: "http://127.0.0.1:\(ports[index % ports.count])/scim/v2/\(path)")!
        }

        func send(_ method: String, _ path: String, on index: Int, body: String? = nil, ifMatch: String? = nil)
            async throws -> (status: Int, json: JSON?)
        {
            var request = URLRequest(url: url(path, on: index))
            request.httpMethod = method
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            if let body {
                request.httpBody = Data(body.utf8)
                request.setValue("application/scim+json", forHTTPHeaderField: "Content-Type")
            }
            if let ifMatch { request.setValue(ifMatch, forHTTPHeaderField: "If-Match") }
            let (data, response) = try await URLSession.shared.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            return (status, data.isEmpty ? nil : try? JSON.parse(Array(data)))
        }
    }

    static func withInstances(_ body: (Instances) async throws -> Void) async throws {
        let database = try await PostgresTestDatabase.create()
        let created = try await RosterCLITests.roster([
            "token", "create", "--description", "LB", "--json", "--database", database,
        ])
        let json = try JSON.parse(Array(created.utf8))
        let token = try #require(json["token"]?.stringValue)
        let tokenID = try #require(json["id"]?.stringValue)
        let servers = try (0..<2).map { _ in
            // Waiting for a connection is bounded (503 past it); here a loaded machine must not turn a slow burst
            // of 20 or 1,000 requests on a pool of 10 into 503s.
            try RunningServer(arguments: ["serve", "--port", "0", "--database", database, "--database-wait", "60"])
        }
        defer { servers.forEach { $0.stop() } }
        var ports: [Int] = []
        for server in servers { ports.append(try await server.waitForPort()) }
        try await body(Instances(ports: ports, token: token, tokenID: tokenID, database: database))
    }

    /// Runs `count` requests, `width` at a time, and returns their statuses.
    static func concurrently(_ count: Int, width: Int = 40, _ request: @escaping @Sendable (Int) async throws -> Int)
        async throws -> [Int]
    {
        var statuses: [Int] = []
        for start in stride(from: 0, to: count, by: width) {
            statuses += try await withThrowingTaskGroup(of: Int.self) { group in
                for index in start..<min(start + width, count) { group.addTask { try await request(index) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        return statuses
    }

    /// On a new database the migrations run as the server starts; the background services wait for them instead
    /// of failing their first pass on tables not made yet (three warnings at the first start of every database).
    @Test func aNewDatabaseStartsWithoutWarnings() async throws {
        let database = try await PostgresTestDatabase.create()
        let server = try RunningServer(arguments: ["serve", "--port", "0", "--database", database])
        defer { server.stop() }
        _ = try await server.waitForPort()
        // The services' first passes (event retention, organization purge, webhook claims) come right after.
        try await Task.sleep(for: .seconds(2))
        let warnings = server.output.split(separator: "\n").filter {
            $0.contains(" warning ") || $0.contains(" error ")
        }
        #expect(warnings.isEmpty, "\(warnings)")
    }

    /// A command opens the database, migrates it and leaves, with nothing on stderr: the migration waits for the
    /// PostgreSQL client's task to run it (asked for a connection before, the client warned).
    @Test func aCommandOnANewDatabaseWarnsOfNothing() async throws {
        let database = try await PostgresTestDatabase.create()
        let child = try ChildProcess(
            RosterCLITests.binary.path, ["token", "create", "--description", "LB", "--database", database],
            output: .pipe, errors: .pipe)
        let (_, errors, status) = await child.finish()
        #expect(status == 0)
        let text = String(decoding: errors, as: UTF8.self)
        #expect(!text.contains("warning"), "\(text)")
    }

    @Test func concurrentCreatesThroughBothInstancesMakeEachUserOnce() async throws {
        try await Self.withInstances { instances in
            let statuses = try await Self.concurrently(200) { index in
                try await instances.send(
                    "POST", "Users", on: index, body: #"{"userName":"user\#(index % 20)@example.com"}"#
                ).status
            }
            #expect(
                statuses.filter { $0 == 201 }.count == 20, "\(Dictionary(grouping: statuses) { $0 }.mapValues(\.count))"
            )
            #expect(statuses.filter { $0 == 409 }.count == 180)
            let total = try await instances.send("GET", "Users?count=0", on: 1).json?["totalResults"]
            #expect(total == 20)
        }
    }

    @Test func conditionalPatchesThroughBothInstancesLetOneWinPerVersion() async throws {
        try await Self.withInstances { instances in
            let id = try #require(
                try await instances.send("POST", "Users", on: 0, body: #"{"userName":"race@example.com"}"#).json?["id"]?
                    .stringValue)
            let statuses = try await Self.concurrently(20) { index in
                let body = #"{"Operations":[{"op":"replace","path":"title","value":"writer \#(index)"}]}"#
                return try await instances.send("PATCH", "Users/\(id)", on: index, body: body, ifMatch: #"W/"1""#)
                    .status
            }
            #expect(statuses.filter { $0 == 200 }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == 412 }.count == 19)
            let user = try await instances.send("GET", "Users/\(id)", on: 1).json
            #expect(user?["meta"]?["version"] == .string(#"W/"2""#))
        }
    }

    @Test func aThousandConcurrentMemberAddsThroughBothInstancesAreAllKept() async throws {
        try await Self.withInstances { instances in
            let created = try await Self.concurrentlyCreateUsers(1000, instances)
            try #require(created.count == 1000)
            let group = try #require(
                try await instances.send("POST", "Groups", on: 0, body: #"{"displayName":"Everyone"}"#).json?["id"]?
                    .stringValue)
            let statuses = try await Self.concurrently(1000) { index in
                let body = #"{"Operations":[{"op":"add","path":"members","value":[{"value":"\#(created[index])"}]}]}"#
                return try await instances.send("PATCH", "Groups/\(group)", on: index, body: body).status
            }
            #expect(statuses.allSatisfy { $0 == 204 }, "\(Dictionary(grouping: statuses) { $0 }.mapValues(\.count))")
            let members = try await instances.send("GET", "Groups/\(group)", on: 1).json?["members"]?.arrayValue ?? []
            let ids = members.compactMap { $0["value"]?.stringValue }
            #expect(ids.count == 1000)
            #expect(Set(ids) == Set(created))
        }
    }

    static func concurrentlyCreateUsers(_ count: Int, _ instances: Instances) async throws -> [String] {
        let ids = Mutexed<[Int: String]>([:])
        _ = try await concurrently(count) { index in
            let reply = try await instances.send(
                "POST", "Users", on: index, body: #"{"userName":"member\#(index)@example.com"}"#)
            if let id = reply.json?["id"]?.stringValue { ids.update { $0[index] = id } }
            return reply.status
        }
        return (0..<count).compactMap { index in ids.value[index] }
    }

    @Test func aTokenRevokedElsewhereStopsWorkingOnEveryInstanceWithinSeconds() async throws {
        try await Self.withInstances { instances in
            for index in 0..<2 { #expect(try await instances.send("GET", "Users", on: index).status == 200) }
            try await RosterCLITests.roster(["token", "revoke", instances.tokenID, "--database", instances.database])
            var statuses = [200, 200]
            for _ in 0..<30 where statuses.contains(200) {
                try await Task.sleep(for: .milliseconds(200))
                for index in 0..<2 { statuses[index] = try await instances.send("GET", "Users", on: index).status }
            }
            #expect(statuses == [401, 401])
        }
    }
}
