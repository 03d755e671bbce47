import Directory
import Events
import Foundation
import Logging
import ServiceLifecycle

/// Every ten minutes: deletes the sign-ins, codes and replay records past their time, and fetches again the identity
/// provider metadata that is due (a day old, or an hour after a failed fetch), so that new signing certificates
/// reach the connection before the identity provider signs with them.
struct SignInMaintenanceService: Service {
    let connections: Connections
    let fetcher: any MetadataFetcher
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await connections.prune()
            } catch {
                logger.warning("Could not delete expired sign-ins", metadata: ["error": "\(error)"])
            }
            do {
                let updated = try await connections.refreshMetadata(using: fetcher)
                if updated > 0 {
                    logger.info("Identity provider metadata refreshed", metadata: ["connections": "\(updated)"])
                }
            } catch {
                logger.warning("Could not refresh identity provider metadata", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(600)) }
        }
    }
}
