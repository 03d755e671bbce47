import Directory
import Foundation
import Logging
import ServiceLifecycle

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
        // The last events, written unless the database takes longer than a few seconds to answer.
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await flush() }
            group.addTask { try? await Task.sleep(for: .seconds(5)) }
            await group.next()
            group.cancelAll()
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
