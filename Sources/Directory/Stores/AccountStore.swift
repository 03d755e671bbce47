import Foundation

/// The console's administrators and their sessions, which belong to Roster itself, not to an organization.
public protocol AccountStore: Sendable {
    func adminCount() async throws -> Int
    /// Throws `AdminNameTaken` when the name (compared case-insensitively) exists.
    func insertAdmin(_ admin: AdminAccount) async throws
    func admin(username: String) async throws -> AdminAccount?
    func admin(id: String) async throws -> AdminAccount?

    func insertSession(_ session: AdminSession) async throws
    func session(withHash hash: String) async throws -> AdminSession?
    func deleteSession(withHash hash: String) async throws
    func deleteSessions(expiredBefore time: Date) async throws

    /// The hash of the one-time setup link's secret, while no administrator exists.
    func setupSecretHash() async throws -> String?
    /// Sets the setup secret's hash; nil removes it.
    func setSetupSecretHash(_ hash: String?) async throws
}
