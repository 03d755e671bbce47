import ArgumentParser
import Foundation

@main
struct RosterBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster-bench",
        abstract: "Roster's benchmarks; run them in release: swift run -c release roster-bench <scenario>.",
        subcommands: [
            MembershipBenchmark.self, HTTPBenchmark.self, OrganizationsBenchmark.self, HostileBenchmark.self,
            BulkBenchmark.self, PagingBenchmark.self, EventsBenchmark.self, SignInBenchmark.self,
        ])
}

/// Wall-clock timing with a monotonic clock.
enum Stopwatch {
    static func time(_ body: () async throws -> Void) async rethrows -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        try await body()
        return clock.now - start
    }
}

extension Duration {
    var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}

/// The median of some durations, in milliseconds.
func median(_ values: [Duration]) -> Double {
    let sorted = values.map(\.milliseconds).sorted()
    guard !sorted.isEmpty else { return 0 }
    return sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}
