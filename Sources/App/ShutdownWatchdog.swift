import Dispatch
import Foundation
import Logging

/// A bound on shutdown: from the first SIGTERM or SIGINT, the process has `seconds` to finish in order (answer the
/// requests under way, write the last activity, close the database); past that it says so and exits. A database
/// that stops answering mid-shutdown would otherwise keep it running for as long as its connections take to fail.
public enum ShutdownWatchdog {
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    /// `unwritten` says how many provisioning activity events are still to be written, for the last log line.
    public static func arm(after seconds: Double, logger: Logger, unwritten: @escaping @Sendable () -> Int) {
        let queue = DispatchQueue(label: "roster.shutdown-watchdog")
        queue.sync {
            for signal in [SIGTERM, SIGINT] {
                let source = DispatchSource.makeSignalSource(signal: signal, queue: queue)
                source.setEventHandler {
                    sources.forEach { $0.cancel() }
                    queue.asyncAfter(deadline: .now() + seconds) {
                        logger.error(
                            "Shutdown did not finish within \(seconds) seconds; exiting now without writing \(unwritten()) provisioning activity events",
                            metadata: ["cause": "the database or a request did not answer"])
                        fflush(nil)
                        _exit(1)
                    }
                }
                source.resume()
                sources.append(source)
            }
        }
    }
}
