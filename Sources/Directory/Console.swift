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

/// Who created a resource and who changed it last, as the activity log saw it.
public struct Provenance: Sendable, Hashable {
    public var resourceID: String
    public var created: Date?
    public var createdBy: String?
    public var modified: Date?
    public var modifiedBy: String?

    public init(resourceID: String, created: Date?, createdBy: String?, modified: Date?, modifiedBy: String?) {
        self.resourceID = resourceID
        self.created = created
        self.createdBy = createdBy
        self.modified = modified
        self.modifiedBy = modifiedBy
    }
}

/// What the admin console keeps besides the directory: accounts, sessions, settings, provisioning activity.
public protocol ConsoleStore: Sendable {
    func adminCount() async throws -> Int
    /// Throws `AdminNameTaken` when the name (compared case-insensitively) exists.
    func insertAdmin(_ admin: AdminAccount) async throws
    func admin(username: String) async throws -> AdminAccount?
    func admin(id: String) async throws -> AdminAccount?

    func insertSession(_ session: AdminSession) async throws
    func session(withHash hash: String) async throws -> AdminSession?
    func deleteSession(withHash hash: String) async throws
    func deleteSessions(expiredBefore time: Date) async throws

    func setting(_ key: String) async throws -> String?
    /// Sets a setting; nil removes it.
    func setSetting(_ key: String, to value: String?) async throws

    /// Appends events and updates the provenance of the resources they created or changed, in one transaction.
    func record(_ events: [ActivityEvent]) async throws
    /// The newest events first, matching the query.
    func activity(_ query: ActivityQuery) async throws -> [ActivityEvent]
    /// Deletes events older than `time`; returns how many went.
    func deleteActivity(before time: Date) async throws -> Int
    func provenance(of resourceID: String) async throws -> Provenance?

    func token(id: String) async throws -> TokenRecord?
    /// Gives a token a new secret (its hash and prefix); false when there is no such token.
    func replaceTokenSecret(id: String, hash: String, prefix: String) async throws -> Bool
}

/// An administrator name that is already in use.
public struct AdminNameTaken: Error, CustomStringConvertible {
    public var description: String { "An administrator with this name already exists." }
    public init() {}
}

/// The custom user fields an admin defines; their values live in the users' bodies.
public protocol FieldStore: Sendable {
    /// Every field, in the order they were created.
    func customFields() async throws -> [CustomField]
    func insertCustomField(_ field: CustomField) async throws
    /// Saves a field's label, options and enabled flag; false when there is no such field.
    func updateCustomField(_ field: CustomField) async throws -> Bool
    func deleteCustomField(id: String) async throws -> Bool
}
