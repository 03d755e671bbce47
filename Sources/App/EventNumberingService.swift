import Logging
import PostgresStore
import ServiceLifecycle

/// Numbers PostgreSQL's settled events five times a second (see `PostgresStore+EventNumbering`). Every read by
/// number numbers them first; this keeps a backlog from building up while nothing reads, so no reader ever meets
/// a long numbering. A failure is logged when it starts and when it ends, not five times a second.
struct EventNumberingService: Service {
    let store: PostgresStore
    let logger: Logger

    func run() async throws {
        var failing = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await store.numberEvents()
                if failing { logger.notice("Numbering events again") }
                failing = false
            } catch {
                if Task.isCancelled || error is CancellationError { return }
                if !failing { logger.warning("Could not number events", metadata: ["error": "\(error)"]) }
                failing = true
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(200)) }
        }
    }
}
