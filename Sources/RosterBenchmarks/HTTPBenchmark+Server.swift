import Foundation
import SCIMCore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `roster serve` from the same build folder as this benchmark, on a free loopback port.
final class ServerProcess: @unchecked Sendable {
    private let process = Process()
    private let pipe = Pipe()
    private let lock = NSLock()
    private var output = ""

    /// `rateLimit` nil leaves roster serve's own default (none on loopback).
    init(database: String, arguments: [String] = [], rateLimit: Int? = 0) throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "roster")
        process.executableURL = binary
        process.arguments =
            ["serve", "--port", "0", "--database", database] + (rateLimit.map { ["--rate-limit", String($0)] } ?? [])
            + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["LOG_LEVEL": "warning"]) { $1 }
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            self?.lock.withLock { self?.output += text }
        }
        try process.run()
    }

    func waitForPort() async throws -> Int {
        for _ in 0..<200 {
            let text = lock.withLock { output }
            if let line = text.split(separator: "\n").first(where: { $0.contains("listening on") }),
                let port = line.split(separator: ":").last.flatMap({ Int($0) })
            {
                return port
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ValidationFailure("roster serve did not start; build it first: swift build -c release")
    }

    /// The server's peak resident memory (VmHWM), in MiB.
    func peakMemoryMB() -> Double { memoryMB("VmHWM") }

    /// The server's resident memory now (VmRSS), in MiB.
    func residentMemoryMB() -> Double { memoryMB("VmRSS") }

    /// A line of the server's `/proc/PID/status` given in kB, in MiB; 0 when unreadable.
    private func memoryMB(_ field: String) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
        else { return 0 }
        return kilobytes / 1024
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
        pipe.fileHandleForReading.readabilityHandler = nil
    }
}

struct ValidationFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// An Okta import of the whole directory: pages of 100 from startIndex 1 until every user is read, one request
/// at a time over one connection, as Okta's import does. wrk sends them (a Lua script walks the pages and reads
/// `totalResults` from each), so the time is the server's, not a slow client's; it is taken from start until the
/// script reports the last page.
struct OktaImport {
    /// `http://host:port`.
    var origin: String
    /// Where the SCIM endpoints are.
    var prefix = "/scim/v2"
    var token: String?
    var folder: String

    /// Seconds taken, and users read.
    func run() async throws -> (Double, Int) {
        let script = "\(folder)/okta-import.lua"
        // The script reports the end in a file: wrk's standard output reaches a pipe only when wrk exits.
        let done = "\(folder)/okta-import.done"
        try? FileManager.default.removeItem(atPath: done)
        let authorization = token.map { #"wrk.headers["Authorization"] = "Bearer \#($0)""# } ?? ""
        try """
        \(authorization)
        wrk.headers["User-Agent"] = "Okta SCIM Client 1.0.0"
        local start = 1
        local read = 0
        request = function() return wrk.format("GET", "\(prefix)/Users?startIndex=" .. start .. "&count=100") end
        response = function(status, headers, body)
          local total = tonumber(string.match(body, '"totalResults"%s*:%s*(%d+)'))
          local _, users = string.gsub(body, '"meta"%s*:%s*{', '')
          read = read + users
          start = start + 100
          if status ~= 200 or total == nil or start > total then
            local report = io.open("\(done)", "w")
            report:write("IMPORTED " .. read .. " status " .. status .. "\\n")
            report:close()
            wrk.thread:stop()
          end
        end

        """.write(toFile: script, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["wrk", "-t1", "-c1", "-d3600s", "-s", script, origin]
        process.standardOutput = FileHandle.nullDevice
        let clock = ContinuousClock()
        let started = clock.now
        try process.run()
        var report: String?
        // The report is complete once its line ends: the file exists, empty, from the moment Lua opens it.
        while report?.hasSuffix("\n") != true && process.isRunning {
            try await Task.sleep(for: .milliseconds(1))
            report = try? String(contentsOfFile: done, encoding: .utf8)
        }
        let elapsed = clock.now - started
        // wrk sleeps out its duration whatever its threads do, and takes no notice of SIGTERM.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let line = report?.split(separator: "\n").first ?? ""
        let fields = line.split(separator: " ")
        guard fields.count >= 4, fields[3] == "200", let read = Int(fields[1]) else {
            throw ValidationFailure("The import stopped: \(line)")
        }
        return (elapsed.milliseconds / 1000, read)
    }
}

/// The run's table and JSON.
struct Report {
    var results: [ScenarioResult]
    /// Every round's results, for the ratios to the database's own ceiling, which are taken within a round.
    var everyRound: [[ScenarioResult]]
    var rounds: Int
    var importSeconds: Double
    var users: Int
    var peakMemoryMB: Double
    var seedSeconds: Double

    var markdown: String {
        var lines = [
            "", "| scenario | requests/s | p50 (ms) | p99 (ms) | ceiling (req/s) | of ceiling | non-2xx |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        lines += results.map { $0.row() }
        lines.append("")
        lines.append(
            "Ceiling: /healthz on the same server, as long as the scenario, right before it; each starts once /healthz "
                + "answers at its idle latency again.")
        for (scenario, database) in [
            ("GET user by id", "database: point SELECT"), ("POST create", "database: INSERT and commit"),
        ] {
            // Within each round: the medians of the two come from different rounds.
            let ratios = everyRound.compactMap { round -> Double? in
                let byName = Dictionary(round.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
                guard let roster = byName[scenario], let ceiling = byName[database], ceiling.requestsPerSecond > 0
                else { return nil }
                return roster.requestsPerSecond / ceiling.requestsPerSecond * 100
            }.sorted()
            guard let median = ratios.isEmpty ? nil : ratios[(ratios.count - 1) / 2] else { continue }
            let spread =
                ratios.count > 1
                ? String(format: "; each round %.0f–%.0f%%", ratios[0], ratios[ratios.count - 1]) : ""
            lines.append(String(format: "%@: %.0f%% of the database's own (%@%@).", scenario, median, database, spread))
        }
        if rounds > 1 { lines.append("Each scenario: its round (of \(rounds)) with the median ratio to the ceiling.") }
        lines.append("")
        lines.append(
            String(
                format:
                    "Okta import of %d users (pages of 100): %.1f s. Peak server memory: %.0f MiB. Seeding: %.1f s.",
                users, importSeconds, peakMemoryMB, seedSeconds))
        return lines.joined(separator: "\n")
    }

    var json: JSON {
        .object([
            "users": .int(users), "importSeconds": .double(importSeconds), "peakMemoryMB": .double(peakMemoryMB),
            "seedSeconds": .double(seedSeconds), "rounds": .int(rounds),
            "scenarios": .array(
                results.map { result in
                    .object([
                        "name": .string(result.name), "requestsPerSecond": .double(result.requestsPerSecond),
                        "p50ms": .double(result.p50), "p99ms": .double(result.p99),
                        "ceiling": .double(result.ceiling ?? 0), "ratioToCeiling": .double(result.ratio ?? 0),
                        "non2xx": .int(result.errors),
                    ])
                }),
        ])
    }
}
