import Foundation
import SCIMCore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One load scenario: a name and the wrk Lua script that makes its requests.
struct Scenario {
    var name: String
    var lua: String
    /// Whether the scenario flips `active` on the sampled users, from all of them active.
    var flipsActive = false

    /// The scenarios of the published benchmark, `/healthz` (the ceiling) first; `prefix` is where the SCIM
    /// endpoints are (`/scim/v2` on Roster). `database` adds the database's own ceiling (PostgreSQL): the same
    /// pool and driver, no SCIM.
    static func all(_ seeded: Seeded, prefix: String = "/scim/v2", database: Bool = false) -> [Scenario] {
        let ids = luaList("ids", seeded.sampleIDs) + luaList("plain", seeded.sampleNames)
        let names = luaList(
            "names", seeded.sampleNames.map { $0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0 })
        let lastPage = max(1, seeded.users - 99)
        let ceilings = [
            Scenario(
                name: "database: point SELECT",
                lua: ids
                    + #"request = function() return wrk.format("GET", "/benchmark/select/" .. ids[math.random(#ids)]) end"#
            ),
            Scenario(
                name: "database: INSERT and commit",
                lua: #"request = function() return wrk.format("POST", "/benchmark/insert") end"#),
        ]
        let member =
            Self.patch + #""Operations":[{"op":"add","path":"members","value":[{"value":"\#(seeded.outsiderID)"}]}]}"#
        let unmember =
            Self.patch + #""Operations":[{"op":"remove","path":"members[value eq \"\#(seeded.outsiderID)\"]"}]}"#
        let scenarios = [
            Scenario(name: "healthz (ceiling)", lua: #"request = function() return wrk.format("GET", "/healthz") end"#),
            Scenario(
                name: "GET user by id",
                lua: ids
                    + #"request = function() return wrk.format("GET", "\#(prefix)/Users/" .. ids[math.random(#ids)]) end"#
            ),
            Scenario(
                name: "filter userName eq",
                lua: names
                    + #"request = function() return wrk.format("GET", "\#(prefix)/Users?filter=userName%20eq%20%22" .. names[math.random(#names)] .. "%22") end"#
            ),
            Scenario(
                name: "list count=100, first page",
                lua: #"request = function() return wrk.format("GET", "\#(prefix)/Users?startIndex=1&count=100") end"#),
            Scenario(
                name: "list count=100, last page",
                lua:
                    #"request = function() return wrk.format("GET", "\#(prefix)/Users?startIndex=\#(lastPage)&count=100") end"#
            ),
            Scenario(
                name: "POST create",
                lua: uniqueCounter
                    + #"request = function() n = n + 1 return wrk.format("POST", "\#(prefix)/Users", nil, '\#(Self.user)"userName":"new-' .. run .. '-' .. tid .. '-' .. n .. '@example.com","active":true}') end"#
            ),
            Scenario(
                name: "PUT replace",
                lua: ids
                    + #"request = function() local i = math.random(#ids) return wrk.format("PUT", "\#(prefix)/Users/" .. ids[i], nil, '\#(Self.user)"userName":"' .. plain[i] .. '","title":"t' .. math.random(1000) .. '","active":true}') end"#
            ),
            // Each thread flips `active` on users of its own, all active at the start, so every PATCH changes its user:
            // with the same value each time, all but the first PATCH of each user changed nothing and wrote nothing.
            Scenario(
                name: "PATCH deactivate / reactivate",
                lua: ids + "active = {}\n"
                    + #"request = function() local i = math.min(#ids, tid + threads * (math.random(math.max(1, math.floor(#ids / threads))) - 1)) local on = active[i] == false active[i] = on return wrk.format("PATCH", "\#(prefix)/Users/" .. ids[i], nil, '\#(Self.patch)"Operations":[{"op":"replace","value":{"active":' .. tostring(on) .. '}}]}') end"#,
                flipsActive: true
            ),
            Scenario(
                name: "PATCH member of \(seeded.bigGroupSize)-member group",
                lua:
                    #"flip = false request = function() flip = not flip return wrk.format("PATCH", "\#(prefix)/Groups/\#(seeded.bigGroupID)", nil, flip and \#(luaString(member)) or \#(luaString(unmember))) end"#
            ),
            Scenario(
                name: "mixed Okta-like",
                lua: ids + names + uniqueCounter
                    + #"request = function() local r = math.random(10) if r <= 5 then return wrk.format("GET", "\#(prefix)/Users/" .. ids[math.random(#ids)]) elseif r <= 8 then return wrk.format("GET", "\#(prefix)/Users?filter=userName%20eq%20%22" .. names[math.random(#names)] .. "%22&startIndex=1&count=100") else n = n + 1 return wrk.format("PUT", "\#(prefix)/Users/" .. ids[math.random(#ids)], nil, '\#(Self.user)"userName":"x-' .. run .. '-' .. tid .. '-' .. n .. '@example.com","active":true}') end end"#
            ),
        ]
        guard database else { return scenarios }
        // Each database ceiling right before the scenario it is compared with, so both meet the database alike
        // (the writes of the scenarios between would otherwise have grown its tables and woken its vacuum).
        return scenarios.flatMap { scenario in
            switch scenario.name {
            case "GET user by id": [ceilings[0], scenario]
            case "POST create": [ceilings[1], scenario]
            default: [scenario]
            }
        }
    }

    /// The start of a PATCH body and of a user, with the `schemas` every client sends (some servers require it).
    static let patch = #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"#
    static let user = #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"#

    /// A Lua string literal holding `text` exactly.
    private static func luaString(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    private static func luaList(_ name: String, _ values: [String]) -> String {
        "\(name) = {" + values.map { "\"\($0)\"" }.joined(separator: ",") + "}\n"
    }

    /// A new id each time it is read, so the scripts of another round never repeat a userName (with `tid`, which
    /// `Load` gives every script).
    private static var uniqueCounter: String {
        """
        n = 0
        run = "\(UUID().uuidString.prefix(8).lowercased())"

        """
    }
}

/// One scenario's measurements.
struct ScenarioResult {
    var name: String
    var requestsPerSecond: Double
    var p50: Double
    var p99: Double
    var errors: Int
    /// Requests wrk gave up on after its 2 s timeout (a server far behind its load).
    var timeouts = 0

    /// `/healthz` requests a second on the same server, quiet, right before this scenario (as long as the
    /// scenario), so a machine whose speed drifts during a run still gives fair ratios. Nil for another server,
    /// which has no `/healthz`.
    var ceiling: Double?

    var ratio: Double? { ceiling.map { $0 > 0 ? requestsPerSecond / $0 : 0 } }

    /// Of one scenario's rounds, the one whose ratio to the ceiling is the median (the lower middle one of an
    /// even number); a whole round, so its numbers stay those of one measurement.
    static func median(_ rounds: [ScenarioResult]) -> ScenarioResult {
        rounds.sorted { ($0.ratio ?? 0) < ($1.ratio ?? 0) }[(rounds.count - 1) / 2]
    }

    /// A table row; without a ceiling the ratio is a dash.
    func row() -> String {
        let share = ratio.map { String(format: "%.0f%%", $0 * 100) } ?? "—"
        let ceiling = ceiling.map { String(format: "%.0f", $0) } ?? "—"
        return String(
            format: "| %@ | %.0f | %.2f | %.2f | %@ | %@ | %d |", name, requestsPerSecond, p50, p99, ceiling, share,
            errors)
    }
}

/// Runs wrk against the server.
struct Load {
    /// `http://host:port`.
    var origin: String
    var token: String?
    var folder: String
    var seconds: Int
    var connections: Int
    var threads: Int

    func run(_ scenario: Scenario, seconds: Int? = nil) throws -> ScenarioResult {
        let script = "\(folder)/\(UUID().uuidString).lua"
        let headers =
            (token.map { #"wrk.headers["Authorization"] = "Bearer \#($0)""# + "\n" } ?? "")
            + #"wrk.headers["Content-Type"] = "application/scim+json""# + "\n"
        try (headers + Self.threading(threads) + scenario.lua + "\n").write(
            toFile: script, atomically: true, encoding: .utf8)
        let output = try Command.run(
            "wrk",
            ["-t\(threads)", "-c\(connections)", "-d\(seconds ?? self.seconds)s", "--latency", "-s", script, origin])
        let result = WrkOutput.parse(output, name: scenario.name)
        if result.requestsPerSecond == 0 {
            FileHandle.standardError.write(Data("wrk completed no request in \(scenario.name):\n\(output)\n".utf8))
        }
        return result
    }

    /// What every script starts with: `threads`, and in each thread its number `tid` (from 1) and a random sequence
    /// of its own. wrk's threads otherwise draw the same numbers: the second thread's PUT repeated the first's,
    /// found nothing to change and wrote nothing, and half the PUTs measured were such.
    static func threading(_ threads: Int) -> String {
        """
        threads = \(threads)
        local started = 0
        function setup(thread) started = started + 1 thread:set("tid", started) end
        function init(args) math.randomseed(tid) end

        """
    }
}

/// Reads wrk's report: requests a second, the 50th and 99th percentile latencies, and non-2xx answers.
enum WrkOutput {
    static func parse(_ text: String, name: String) -> ScenarioResult {
        var result = ScenarioResult(name: name, requestsPerSecond: 0, p50: 0, p99: 0, errors: 0)
        for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            if line.hasPrefix("Requests/sec:"), let value = fields.last.flatMap(Double.init) {
                result.requestsPerSecond = value
            }
            if fields.first == "50%", let value = fields.last.flatMap(milliseconds) { result.p50 = value }
            if fields.first == "99%", let value = fields.last.flatMap(milliseconds) { result.p99 = value }
            if line.hasPrefix("Non-2xx or 3xx responses:"), let value = fields.last.flatMap(Int.init) {
                result.errors = value
            }
            if line.hasPrefix("Socket errors:"), let value = fields.last.flatMap(Int.init) { result.timeouts = value }
        }
        return result
    }

    static func milliseconds(_ text: String) -> Double? {
        for (suffix, scale) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0)] where text.hasSuffix(suffix) {
            return Double(text.dropLast(suffix.count)).map { $0 * scale }
        }
        return nil
    }
}

/// Runs a program to completion and returns what it printed.
enum Command {
    static func run(_ program: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
