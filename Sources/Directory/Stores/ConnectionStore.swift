import Foundation

/// The SAML connections organizations sign in through.
public protocol ConnectionStore: ReplayStore {
    func insertConnection(_ connection: SAMLConnection) async throws
    /// Every connection, or one organization's, in the order they were made.
    func connections(of organization: OrganizationKey?) async throws -> [SAMLConnection]
    func connection(id: String) async throws -> SAMLConnection?
    /// False when there is no such connection.
    func deleteConnection(id: String) async throws -> Bool
}

/// Assertions already accepted, shared by every instance: each Assertion ID signs in once.
public protocol ReplayStore: Sendable {
    /// Records an assertion as used until `until`; false when it was used already (a replay).
    func recordAssertion(id: String, connection: String, until: Date, now: Date) async throws -> Bool
}
