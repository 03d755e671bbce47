import Directory
import Foundation
import HummingbirdBcrypt
import NIOPosix
import Synchronization

/// bcrypt at a given cost, run on NIO's thread pool so that the event loops never wait for it.
public struct BcryptHasher: PasswordHasher {
    let cost: UInt8

    /// `cost` is clamped to bcrypt's 4...31 (12 in production; tests use 4).
    public init(cost: UInt8 = 12) {
        self.cost = min(31, max(4, cost))
    }

    public func hash(_ password: String) async throws -> String {
        let cost = cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// Made once per cost, off the event loops, the first time a sign-in names an unknown administrator.
    public func decoy() async throws -> String {
        if let hash = Self.decoys.withLock({ $0[cost] }) { return hash }
        let hash = try await self.hash(UUID().uuidString)
        return Self.decoys.withLock { decoys in
            if let existing = decoys[cost] { return existing }
            decoys[cost] = hash
            return hash
        }
    }

    private static let decoys = Mutex<[UInt8: String]>([:])
}
