import Crypto
import Directory
import Foundation
import HummingbirdBcrypt
import NIOPosix
import Synchronization

/// Administrators, their passwords and sessions, and the one-time setup link.
public struct Accounts: Sendable {
    let store: any Store
    let passwordCost: UInt8
    let clock: @Sendable () -> Date

    public init(store: any Store, passwordCost: UInt8 = 12, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.passwordCost = min(31, max(4, passwordCost))
        self.clock = clock
    }

    public static let minimumPasswordLength = 10
    static let setupSetting = "setup_token_hash"

    /// Creates an administrator; the password is hashed with bcrypt off the event loop.
    @discardableResult
    public func create(username: String, password: String) async throws -> AdminAccount {
        let name = username.trimmingCharacters(in: .whitespacesAndNewlines)
        if let problem = Self.problem(username: name, password: password) { throw AccountProblem(problem) }
        let cost = passwordCost
        let hash = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
        let admin = AdminAccount(
            id: UUID().uuidString.lowercased(), username: name, passwordHash: hash, created: clock())
        do {
            try await store.insertAdmin(admin)
        } catch is AdminNameTaken {
            throw AccountProblem("An administrator named \(name) already exists.")
        }
        return admin
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
    func verify(username: String, password: String) async throws -> AdminAccount? {
        let admin = try await store.admin(username: username.trimmingCharacters(in: .whitespacesAndNewlines))
        let cost = passwordCost
        let matches = try await NIOThreadPool.singleton.runIfActive {
            let hash = admin?.passwordHash ?? Self.decoyHash(cost: cost)
            return password.utf8.count <= 72 && Bcrypt.verify(password, hash: hash)
        }
        return matches ? admin : nil
    }

    /// Starts a session: a new secret for the cookie (the store keeps its hash) and a new CSRF token.
    func startSession(for admin: AdminAccount, lifetime: TimeInterval) async throws -> (secret: String, SignedIn) {
        let secret = Secrets.random()
        let now = clock()
        let session = AdminSession(
            hash: Secrets.hash(secret), adminID: admin.id, csrfToken: Secrets.random(), created: now,
            expires: now.addingTimeInterval(lifetime))
        try await store.insertSession(session)
        try? await store.deleteSessions(expiredBefore: now)
        return (secret, SignedIn(session: session, admin: admin))
    }

    func session(secret: String, now: Date) async throws -> SignedIn? {
        guard let session = try await store.session(withHash: Secrets.hash(secret)), session.expires > now,
            let admin = try await store.admin(id: session.adminID)
        else { return nil }
        return SignedIn(session: session, admin: admin)
    }

    func endSession(secret: String) async throws {
        try await store.deleteSession(withHash: Secrets.hash(secret))
    }

    /// A hash of a random password at the cost real ones have, checked when the name is unknown; made once per
    /// cost, off the event loop, the first time it is needed.
    static func decoyHash(cost: UInt8) -> String {
        decoys.withLock { decoys in
            if let hash = decoys[cost] { return hash }
            let hash = Bcrypt.hash(UUID().uuidString, cost: cost)
            decoys[cost] = hash
            return hash
        }
    }

    private static let decoys = Mutex<[UInt8: String]>([:])

    /// A new one-time setup secret when no administrator exists yet (its hash replaces any earlier one), else nil.
    public func prepareSetup() async throws -> String? {
        guard try await store.adminCount() == 0 else { return nil }
        let secret = Secrets.random()
        try await store.setSetting(Self.setupSetting, to: Secrets.hash(secret))
        return secret
    }

    /// Whether a setup secret is the current one and no administrator exists yet.
    func setupIsValid(_ secret: String?) async throws -> Bool {
        guard let secret, try await store.adminCount() == 0,
            let expected = try await store.setting(Self.setupSetting)
        else { return false }
        return CSRF.matches(Secrets.hash(secret), expected)
    }

    func finishSetup() async throws {
        try await store.setSetting(Self.setupSetting, to: nil)
    }
}

/// A reason an account cannot be created, worded for the person creating it.
public struct AccountProblem: Error, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Random secrets for cookies and forms, and the hash the store keeps of them.
enum Secrets {
    static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
