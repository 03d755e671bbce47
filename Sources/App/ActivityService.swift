import Directory
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Writes the activity log's pending events every second, deletes events past their retention every hour, and
/// writes what is left when the server shuts down.
struct ActivityService: Service {
    let log: ActivityLog
    let retention: TimeInterval
    let logger: Logger

    func run() async throws {
        var lastPurge = ContinuousClock.now - .seconds(3600)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            // Only the wait is cut short by a shutdown. A write cancelled halfway would count its events as
            // refused by the database and drop them.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
            await flush()
            if ContinuousClock.now - lastPurge >= .seconds(3600) {
                lastPurge = ContinuousClock.now
                do {
                    try await log.purge(retention: retention)
                } catch {
                    logger.warning("Could not delete old activity", metadata: ["error": "\(error)"])
                }
            }
        }
        // The last events, written unless the database takes longer than a few seconds to answer. The write is not
        // waited for past that: a database going away may leave it hanging, and shutdown must go on.
        let log = self.log
        let finished = await Self.finishes(within: .seconds(5)) { try? await log.flush() }
        let left = log.pendingCount
        if !finished || left > 0 {
            logger.error(
                "Shutting down without writing \(left) provisioning activity events: the database did not take them within 5 seconds"
            )
        }
    }

    /// Whether `work` finishes within `limit`; if not, it is cancelled and left behind.
    static func finishes(within limit: Duration, _ work: @escaping @Sendable () async -> Void) async -> Bool {
        let outcome = Mutex<Bool?>(nil)
        return await withCheckedContinuation { continuation in
            let settle = { @Sendable (finished: Bool) -> Bool in
                outcome.withLock { outcome in
                    guard outcome == nil else { return false }
                    outcome = finished
                    return true
                }
            }
            let task = Task {
                await work()
                if settle(true) { continuation.resume(returning: true) }
            }
            Task {
                try? await Task.sleep(for: limit)
                if settle(false) {
                    task.cancel()
                    continuation.resume(returning: false)
                }
            }
        }
    }

    private func flush() async {
        do {
            try await log.flush()
        } catch {
            logger.warning("Could not write provisioning activity", metadata: ["error": "\(error)"])
        }
    }
}
