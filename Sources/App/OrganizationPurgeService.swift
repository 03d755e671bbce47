import Directory
import Foundation
import Logging
import ServiceLifecycle

/// Removes the data of deleted organizations a short step at a time, so a deletion of any size never holds the
/// database for long; it picks up deletions begun anywhere (the console, the command line, another instance).
struct OrganizationPurgeService: Service {
    let organizations: Organizations
    let logger: Logger
    /// How often to look for deletions when none is under way.
    var idle: Duration = .seconds(2)

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let step: (organization: OrganizationKey, removed: Int)?
            do {
                step = try await organizations.purgeStep()
            } catch {
                logger.warning("Could not remove a deleted organization's data", metadata: ["error": "\(error)"])
                step = nil
            }
            // Between steps other writes go first; with nothing to do, wait (a shutdown cuts the wait short).
            let pause: Duration = step == nil ? idle : .milliseconds(5)
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
        }
    }
}
