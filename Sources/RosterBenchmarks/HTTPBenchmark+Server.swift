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

    init(database: String, arguments: [String] = []) throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("roster")
        process.executableURL = binary
        process.arguments = ["serve", "--port", "0", "--database", database, "--rate-limit", "0"] + arguments
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
    func peakMemoryMB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
        else { return 0 }
        return kilobytes / 1024
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
        pipe.fileHandleForReading.readabilityHandler = nil
    }
}

struct ValidationFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// An Okta import of the whole directory: pages of 100 from startIndex 1 until every user is read.
struct OktaImport {
    var port: Int
    var token: String

    /// Seconds taken, and users read.
    func run() async throws -> (Double, Int) {
        var start = 1
        var total = Int.max
        var read = 0
        let elapsed = try await Stopwatch.time {
            while start <= total {
                var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/scim/v2/Users?startIndex=\(start)&count=100")!)
                request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
                request.setValue("Okta SCIM Client 1.0.0", forHTTPHeaderField: "User-Agent")
                let (data, _) = try await URLSession.shared.data(for: request)
                let page = try JSON.parse(Array(data))
                total = page["totalResults"]?.intValue ?? 0
                read += page["Resources"]?.arrayValue?.count ?? 0
                start += 100
            }
        }
        return (elapsed.milliseconds / 1000, read)
    }
}

/// The run's table and JSON.
struct Report {
    var results: [ScenarioResult]
    var importSeconds: Double
    var users: Int
    var peakMemoryMB: Double
    var seedSeconds: Double

    var markdown: String {
        var lines = [
            "", "| scenario | requests/s | p50 (ms) | p99 (ms) | of ceiling | non-2xx |", "|---|---:|---:|---:|---:|---:|",
        ]
        lines += results.map { $0.row(ceiling: results.first) }
        lines.append("")
        lines.append(String(format: "Okta import of %d users (pages of 100): %.1f s. Peak server memory: %.0f MiB. Seeding: %.1f s.",
            users, importSeconds, peakMemoryMB, seedSeconds))
        return lines.joined(separator: "\n")
    }

    var json: JSON {
        .object([
            "users": .int(users), "importSeconds": .double(importSeconds), "peakMemoryMB": .double(peakMemoryMB),
            "seedSeconds": .double(seedSeconds),
            "scenarios": .array(results.map { result in
                .object([
                    "name": .string(result.name), "requestsPerSecond": .double(result.requestsPerSecond),
                    "p50ms": .double(result.p50), "p99ms": .double(result.p99),
                    "ratioToCeiling": .double(result.ratio(to: results.first)), "non2xx": .int(result.errors),
                ])
            }),
        ])
    }
}
