import Foundation
import SCIMCore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Another SCIM server, given by its base URL (where its `/Users` and `/Groups` are), loaded with the same
/// scenarios as Roster for a side-by-side table.
struct OtherServer {
    var name: String
    /// `http://host:port`.
    var origin: String
    /// The base URL's path: `/scim/v2`, `/v2`, or empty.
    var prefix: String
    var token: String?

    init(name: String, baseURL: String, token: String?) throws {
        guard let url = URL(string: baseURL), let scheme = url.scheme, let host = url.host else {
            throw ValidationFailure("--compare needs a base URL such as http://127.0.0.1:8080/scim/v2.")
        }
        self.name = name
        origin = "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
        prefix = url.path.hasSuffix("/") ? String(url.path.dropLast()) : url.path
        self.token = token
    }

    /// Seeds it through its SCIM API, as an identity provider would: `users` users (16 requests at a time) and a
    /// group holding `groupSize` of them; one more user stays outside the group for the membership scenario.
    func seed(users: Int, groupSize: Int) async throws -> Seeded {
        let clock = ContinuousClock()
        let started = clock.now
        let token = token
        var ids = [String](repeating: "", count: users + 1)
        try await withThrowingTaskGroup(of: (Int, String).self) { group in
            var next = 0
            func post(_ index: Int) {
                group.addTask { (index, try await self.create("Users", Self.user(index))) }
            }
            while next < min(16, ids.count) {
                post(next)
                next += 1
            }
            while let (index, id) = try await group.next() {
                ids[index] = id
                if next < ids.count {
                    post(next)
                    next += 1
                }
            }
        }
        let members = JSON.array(ids.prefix(groupSize).map { .object(["value": .string($0)]) })
        let groupID = try await create(
            "Groups",
            [
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Everyone",
                "members": members,
            ])
        let step = max(1, users / Seeded.sampleSize)
        let sample = Array(stride(from: 0, to: users, by: step).prefix(Seeded.sampleSize))
        return Seeded(
            users: users + 1, sampleIDs: sample.map { ids[$0] }, sampleNames: sample.map { "user\($0)@example.com" },
            bigGroupID: groupID, bigGroupSize: groupSize, outsiderID: ids[users], token: token ?? "",
            seconds: (clock.now - started).milliseconds / 1000)
    }

    /// Returns once `/ServiceProviderConfig` answers within 100 ms, or after a minute.
    func waitUntilIdle() async throws {
        var request = request("ServiceProviderConfig")
        request.timeoutInterval = 60
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        while clock.now < deadline {
            let started = clock.now
            _ = try? await URLSession.shared.data(for: request)
            if clock.now - started < .milliseconds(100) { return }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// The user the Roster seeder stores at `index`, as a SCIM body.
    static func user(_ index: Int) -> JSONObject {
        [
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": .string("user\(index)@example.com"),
            "name": .object(["givenName": .string("Given\(index)"), "familyName": .string("Family\(index % 997)")]),
            "emails": [.object(["value": .string("user\(index)@example.com"), "type": "work", "primary": true])],
            "active": true,
        ]
    }

    /// A request for `path` under the base URL, with the token when there is one.
    private func request(_ path: String) -> URLRequest {
        var request = URLRequest(url: URL(string: "\(origin)\(prefix)/\(path)")!)
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        return request
    }

    /// POSTs `body` to `endpoint` and returns the new resource's id.
    private func create(_ endpoint: String, _ body: JSONObject) async throws -> String {
        var request = request(endpoint)
        request.httpMethod = "POST"
        request.setValue("application/scim+json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(JSON.object(body).serializedBytes())
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 201, let id = try JSON.parse(Array(data))["id"]?.stringValue else {
            throw ValidationFailure(
                "\(name): POST \(prefix)/\(endpoint) answered \(status): \(String(decoding: data.prefix(300), as: UTF8.self))"
            )
        }
        return id
    }
}

/// Roster's results beside another server's, scenario by scenario (the other has no `/healthz`, so no ceiling).
struct Comparison {
    var other: String
    var roster: [ScenarioResult]
    var theirs: [ScenarioResult]
    var rosterImport: (seconds: Double, users: Int)
    var theirImport: (seconds: Double, users: Int)
    var theirSeedSeconds: Double

    var markdown: String {
        var lines = [
            "",
            "| scenario | Roster req/s | Roster p99 (ms) | \(other) req/s | \(other) p99 (ms) | Roster ÷ \(other) |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for mine in roster.dropFirst() {
            guard let result = theirs.first(where: { $0.name == mine.name }) else { continue }
            let times = result.requestsPerSecond > 0 ? mine.requestsPerSecond / result.requestsPerSecond : 0
            lines.append(
                String(
                    format: "| %@ | %.0f | %.2f | %.0f%@ | %.2f | %@ |", mine.name, mine.requestsPerSecond, mine.p99,
                    result.requestsPerSecond, Self.trouble(result), result.p99,
                    times > 0 ? String(format: "%.1f×", times) : "—"))
        }
        lines.append("")
        lines.append(
            String(
                format: "Okta import: Roster %d users in %.1f s; %@ %d users in %.1f s (seeded over SCIM in %.1f s).",
                rosterImport.users, rosterImport.seconds, other, theirImport.users, theirImport.seconds,
                theirSeedSeconds))
        return lines.joined(separator: "\n")
    }

    /// Non-2xx answers and timeouts, when there were any.
    private static func trouble(_ result: ScenarioResult) -> String {
        let parts = [
            result.requestsPerSecond == 0 ? "none answered" : nil, result.errors > 0 ? "\(result.errors) non-2xx" : nil,
            result.timeouts > 0 ? "\(result.timeouts) timed out" : nil,
        ].compactMap { $0 }
        return parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")"
    }

    var json: JSON {
        .object([
            "server": .string(other), "seedSeconds": .double(theirSeedSeconds),
            "importSeconds": .double(theirImport.seconds), "importedUsers": .int(theirImport.users),
            "scenarios": .array(
                theirs.map { result in
                    .object([
                        "name": .string(result.name), "requestsPerSecond": .double(result.requestsPerSecond),
                        "p50ms": .double(result.p50), "p99ms": .double(result.p99), "non2xx": .int(result.errors),
                        "timeouts": .int(result.timeouts),
                    ])
                }),
        ])
    }
}
