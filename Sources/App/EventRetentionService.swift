import Directory
import Foundation
import Logging
import ServiceLifecycle

/// Deletes events past their retention, and old webhook delivery attempts, every ten minutes.
struct EventRetentionService: Service {
    let applications: Applications
    let retention: TimeInterval
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await applications.prune(retention: retention)
            } catch {
                logger.warning("Could not delete old events", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(600)) }
        }
    }
}
