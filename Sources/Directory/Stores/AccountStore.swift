import Foundation

/// The console's administrators and their sessions, which belong to Roster itself, not to an organization.
public protocol AccountStore: Sendable {
    func adminCount() async throws -> Int
    /// Throws `AdminNameTaken` when the name (compared case-insensitively) exists.
    func insertAdmin(_ admin: AdminAccount) async throws
    func admin(username: String) async throws -> AdminAccount?
    func admin(id: String) async throws -> AdminAccount?
    /// Every administrator, in the order they were created.
    func admins() async throws -> [AdminAccount]
    /// Inserts the first administrator if `setupHash` is the current setup secret's, which it consumes: of several
    /// attempts at once, on any number of instances, one at most succeeds. False when the secret was not current.
    func insertFirstAdmin(_ admin: AdminAccount, setupHash: String) async throws -> Bool
    /// Removes an administrator and their sessions, unless they are the last one.
    func deleteAdmin(id: String) async throws -> AdminRemoval

    func insertSession(_ session: AdminSession) async throws
    func session(withHash hash: String) async throws -> AdminSession?
    func deleteSession(withHash hash: String) async throws
    func deleteSessions(expiredBefore time: Date) async throws

    /// The hash of the one-time setup link's secret, while no administrator exists.
    func setupSecretHash() async throws -> String?
    /// Sets the setup secret's hash; nil removes it.
    func setSetupSecretHash(_ hash: String?) async throws

    /// A secret the instances of one Roster share (such as the key that seals paging cursors): the value stored
    /// under `name`, or `candidate` when none was, stored then. Of instances racing to store one, one wins and every
    /// instance gets its value.
    func sharedSecret(named name: String, candidate: String) async throws -> String

    func insertSetupLink(_ link: SetupLink) async throws
    /// An organization's setup links, newest first.
    func setupLinks(of organization: OrganizationKey) async throws -> [SetupLink]
    func setupLink(withHash hash: String) async throws -> SetupLink?
    func revokeSetupLink(id: String, of organization: OrganizationKey, at time: Date) async throws -> Bool
    func recordSetupLinkUse(id: String, at time: Date) async throws
}

/// What became of an administrator's removal.
public enum AdminRemoval: Sendable {
    case removed
    /// Nothing was removed: the console needs at least one administrator.
    case last
    case notFound
}
