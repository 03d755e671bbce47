import Foundation
import SCIMCore

/// An administrator of the console: a name and a bcrypt hash, never the password.
public struct AdminAccount: Sendable, Hashable {
    public var id: String
    public var username: String
    public var passwordHash: String
    public var created: Date

    public init(id: String, username: String, passwordHash: String, created: Date) {
        self.id = id
        self.username = username
        self.passwordHash = passwordHash
        self.created = created
    }
}

/// A signed-in console session: the store keeps the SHA-256 of the cookie's secret, never the secret.
public struct AdminSession: Sendable, Hashable {
    public var hash: String
    public var adminID: String
    /// The synchronizer token every form of this session must carry.
    public var csrfToken: String
    public var created: Date
    public var expires: Date

    public init(hash: String, adminID: String, csrfToken: String, created: Date, expires: Date) {
        self.hash = hash
        self.adminID = adminID
        self.csrfToken = csrfToken
        self.created = created
        self.expires = expires
    }
}

/// An administrator name that is already in use.
public struct AdminNameTaken: Error, CustomStringConvertible {
    public var description: String { "An administrator with this name already exists." }
    public init() {}
}
