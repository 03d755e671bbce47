import Foundation

/// The SAML connections organizations sign in through.
public protocol ConnectionStore: Sendable {
    func insertConnection(_ connection: SAMLConnection) async throws
    /// Every connection, or one organization's, in the order they were made.
    func connections(of organization: OrganizationKey?) async throws -> [SAMLConnection]
    func connection(id: String) async throws -> SAMLConnection?
    /// False when there is no such connection.
    func deleteConnection(id: String) async throws -> Bool
}
