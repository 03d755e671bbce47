import Foundation
import SCIMCore

/// Deleting an organization: its tokens stop at once; its data goes in short steps, so that a directory of any
/// size never holds the database's writer for long nor makes a console request wait.
extension Organizations {
    /// How long after a deletion began the organization's last rows are removed: requests its tokens started
    /// before (on any instance, whose token cache lives 2 s) and their activity (written each second) land first.
    public static let deletionGrace: TimeInterval = 5

    /// Starts deleting an organization and everything it holds; returns it. Its tokens are revoked, its name and
    /// domains freed and it is no longer listed, now; `purge` removes its data afterwards.
    @discardableResult
    public func delete(id: String) async throws -> Organization {
        let organization = try await organization(id: id)
        guard !organization.isDefault else {
            throw SCIMError.invalidValue("The default organization cannot be deleted; delete its people instead.")
        }
        let told = event(.organizationDeleted, organization)
        guard try await store.beginDeletion(of: organization.key, at: context.clock(), events: [told]) else {
            throw Self.notFound(id)
        }
        context.authenticator.invalidate()
        context.schemas.invalidate(organization.key)
        return organization
    }

    /// One short step of the deletions under way: rows removed, or nil when no deletion has anything to do now.
    /// An organization's own row goes last, once `deletionGrace` has passed and nothing of it is left.
    public func purgeStep(limit: Int = 500) async throws -> (organization: OrganizationKey, removed: Int)? {
        for (key, began) in try await store.deletions() {
            let finish = context.clock().timeIntervalSince(began) >= Self.deletionGrace
            let removed = try await store.purge(key, limit: limit, finish: finish)
            if removed > 0 { return (key, removed) }
        }
        return nil
    }

    /// Whether an organization's deletion is still under way.
    public func isBeingDeleted(_ organization: OrganizationKey) async throws -> Bool {
        try await store.deletions().contains { $0.organization == organization }
    }
}
