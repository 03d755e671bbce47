import Foundation

/// How passwords are hashed and checked (bcrypt, in the console's module): slow on purpose, so implementations
/// run the work off the event loops.
public protocol PasswordHasher: Sendable {
    func hash(_ password: String) async throws -> String
    func verify(_ password: String, hash: String) async throws -> Bool
    /// The hash of a random password at the cost real ones have, checked when a name is unknown.
    func decoy() async throws -> String
}

/// Roster's administrators, their passwords and sessions, and the one-time setup link.
public struct Accounts: Sendable {
    let store: any AccountStore
    let hasher: any PasswordHasher
    let clock: @Sendable () -> Date

    public init(
        store: any AccountStore, hasher: any PasswordHasher, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.hasher = hasher
        self.clock = clock
    }

    public static let minimumPasswordLength = 10

    /// Creates an administrator; the password is hashed off the event loops.
    @discardableResult
    public func create(username: String, password: String) async throws -> AdminAccount {
        let admin = try await account(username: username, password: password)
        do {
            try await store.insertAdmin(admin)
        } catch is AdminNameTaken {
            throw AccountProblem("An administrator named \(admin.username) already exists.")
        }
        return admin
    }

    /// Creates the first administrator with the one-time setup secret, which it uses up; nil when the secret is
    /// not the current one (used already, replaced by a newer link, or an administrator exists).
    public func createFirst(username: String, password: String, setupSecret: String) async throws -> AdminAccount? {
        let admin = try await account(username: username, password: password)
        return try await store.insertFirstAdmin(admin, setupHash: Secrets.hash(setupSecret)) ? admin : nil
    }

    /// Every administrator, oldest first.
    public func all() async throws -> [AdminAccount] {
        try await store.admins()
    }

    /// The administrator with a name (compared as sign-in compares it), or nil.
    public func named(_ username: String) async throws -> AdminAccount? {
        try await store.admin(username: username.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Removes an administrator and ends their sessions; the last one cannot be removed.
    public func remove(id: String) async throws -> AdminRemoval {
        try await store.deleteAdmin(id: id)
    }

    /// A new administrator's record, or the problem with the name or password.
    private func account(username: String, password: String) async throws -> AdminAccount {
        let name = username.trimmingCharacters(in: .whitespacesAndNewlines)
        if let problem = Self.problem(username: name, password: password) { throw AccountProblem(problem) }
        return AdminAccount(
            id: UUID().uuidString.lowercased(), username: name, passwordHash: try await hasher.hash(password),
            created: clock())
    }

    /// Whether any administrator exists.
    public func any() async throws -> Bool {
        try await store.adminCount() > 0
    }

    /// Why a new account cannot be made, or nil.
    static func problem(username: String, password: String) -> String? {
        if username.isEmpty || username.count > 100 { return "Choose a name of 1 to 100 characters." }
        if username.contains(where: {
            $0.isNewline || $0.unicodeScalars.contains { $0.properties.generalCategory == .control }
        }) {
            return "The name must not contain control characters."
        }
        if password.count < minimumPasswordLength {
            return "Choose a password of at least \(minimumPasswordLength) characters."
        }
        if password.utf8.count > 72 { return "bcrypt uses at most 72 bytes of a password; choose a shorter one." }
        return nil
    }

    /// The administrator a name and password identify, or nil; an unknown name costs as much time as a wrong
    /// password, so the answer does not reveal which names exist.
    public func verify(username: String, password: String) async throws -> AdminAccount? {
        let admin = try await store.admin(username: username.trimmingCharacters(in: .whitespacesAndNewlines))
        let hash = if let admin { admin.passwordHash } else { try await hasher.decoy() }
        let matches = try await hasher.verify(password, hash: hash)
        return matches && password.utf8.count <= 72 ? admin : nil
    }

    /// Starts a session: a new secret for the cookie (the store keeps its hash) and a new CSRF token.
    public func startSession(for admin: AdminAccount, lifetime: TimeInterval) async throws -> (
        secret: String, SignedIn
    ) {
        let secret = Secrets.random()
        let now = clock()
        let session = AdminSession(
            hash: Secrets.hash(secret), adminID: admin.id, csrfToken: Secrets.random(), created: now,
            expires: now.addingTimeInterval(lifetime))
        try await store.insertSession(session)
        try? await store.deleteSessions(expiredBefore: now)
        return (secret, SignedIn(session: session, admin: admin))
    }

    public func session(secret: String, now: Date) async throws -> SignedIn? {
        guard let session = try await store.session(withHash: Secrets.hash(secret)), session.expires > now,
            let admin = try await store.admin(id: session.adminID)
        else { return nil }
        return SignedIn(session: session, admin: admin)
    }

    public func endSession(secret: String) async throws {
        try await store.deleteSession(withHash: Secrets.hash(secret))
    }

    /// A new one-time setup secret when no administrator exists yet (its hash replaces any earlier one), else nil.
    public func prepareSetup() async throws -> String? {
        guard try await store.adminCount() == 0 else { return nil }
        let secret = Secrets.random()
        try await store.setSetupSecretHash(Secrets.hash(secret))
        return secret
    }

    /// Whether a setup secret is the current one and no administrator exists yet.
    public func setupIsValid(_ secret: String?) async throws -> Bool {
        guard let secret, try await store.adminCount() == 0, let expected = try await store.setupSecretHash()
        else { return false }
        return Secrets.matches(Secrets.hash(secret), expected)
    }
}

/// A reason an account cannot be created, worded for the person creating it.
public struct AccountProblem: Error, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}

/// A session with its administrator.
public struct SignedIn: Sendable {
    public var session: AdminSession
    public var admin: AdminAccount
}
