import Directory
import Events
import Foundation
import Logging
import ServiceLifecycle

/// Fetches again, every ten minutes, the identity provider metadata that is due (a day old, or an hour after a
/// failed fetch): new signing certificates reach the connection before the identity provider signs with them.
struct MetadataRefreshService: Service {
    let connections: Connections
    let fetcher: any MetadataFetcher
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
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
