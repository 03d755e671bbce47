import Crypto
import Foundation
import SCIMCore
import Synchronization
import _CryptoExtras

/// A key Roster signs with, as stored: the private key (PEM), its public half as a JWK, and when it was made and
/// retired. The newest key not retired signs; every key not retired long ago is published at `jwks_uri`.
public struct SigningKeyRecord: Sendable, Hashable {
    /// The key's RFC 7638 thumbprint: the same key has the same id on every instance.
    public var id: String
    public var privateKeyPEM: String
    /// The public key as a JWK object's text.
    public var publicJWK: String
    public var created: Date
    public var retired: Date?

    public init(id: String, privateKeyPEM: String, publicJWK: String, created: Date, retired: Date?) {
        self.id = id
        self.privateKeyPEM = privateKeyPEM
        self.publicJWK = publicJWK
        self.created = created
        self.retired = retired
    }
}

/// A signing key ready to sign: RSA with SHA-256 (`RS256`), which every JWT library verifies.
struct SigningKey: Sendable {
    let id: String
    let privateKey: _RSA.Signing.PrivateKey

    /// A new 2048-bit key with its record.
    static func generate(at time: Date) throws -> SigningKeyRecord {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let jwk = try publicJWK(of: key.publicKey)
        return SigningKeyRecord(
            id: try thumbprint(jwk), privateKeyPEM: key.pemRepresentation, publicJWK: JSON.object(jwk).serialized(),
            created: time, retired: nil)
    }

    init(_ record: SigningKeyRecord) throws {
        id = record.id
        privateKey = try _RSA.Signing.PrivateKey(pemRepresentation: record.privateKeyPEM)
    }

    /// `{"kty":"RSA","kid":…,"use":"sig","alg":"RS256","n":…,"e":…}` without its `kid` until the thumbprint is known.
    static func publicJWK(of key: _RSA.Signing.PublicKey) throws -> JSONObject {
        let primitives = try key.getKeyPrimitives()
        return [
            "kty": "RSA", "use": "sig", "alg": "RS256", "n": .string(Base64URL.encode(primitives.modulus)),
            "e": .string(Base64URL.encode(primitives.publicExponent)),
        ]
    }

    /// RFC 7638: SHA-256 over the required members in lexicographic order, without white space.
    static func thumbprint(_ jwk: JSONObject) throws -> String {
        guard let e = jwk["e"]?.stringValue, let n = jwk["n"]?.stringValue else {
            throw StoreCorruption(detail: "a signing key's JWK has no modulus or exponent")
        }
        let canonical = #"{"e":"\#(e)","kty":"RSA","n":"\#(n)"}"#
        return Base64URL.encode(Data(SHA256.hash(data: Data(canonical.utf8))))
    }

    /// A JWS in compact serialization: the header (with this key's `alg` and `kid`) and the claims, signed.
    func sign(claims: JSON, type: String) throws -> String {
        let header: JSONObject = ["alg": "RS256", "kid": .string(id), "typ": .string(type)]
        let input =
            Base64URL.encode(Data(JSON.object(header).serializedBytes())) + "."
            + Base64URL.encode(Data(claims.serializedBytes()))
        let signature = try privateKey.signature(for: Data(input.utf8), padding: .insecurePKCS1v1_5)
        return input + "." + Base64URL.encode(signature.rawRepresentation)
    }
}

/// Roster's signing keys: made on first use, shared by every instance through the database, read again each
/// minute so a rotation on one instance reaches the others.
final class SigningKeys: Sendable {
    private let store: any ApplicationStore
    private let clock: @Sendable () -> Date
    private let cached = Mutex<(keys: [SigningKeyRecord], signer: SigningKey, read: Date)?>(nil)

    /// How long a retired key stays published, so a token or event it signed can still be verified.
    static let publishedAfterRetirement: TimeInterval = 7 * 86400
    static let lifetime: TimeInterval = 60

    init(store: any ApplicationStore, clock: @escaping @Sendable () -> Date) {
        self.store = store
        self.clock = clock
    }

    /// The key that signs now.
    func signer() async throws -> SigningKey {
        try await current().signer
    }

    /// Every key a verifier may meet: the signing one, and those retired within `publishedAfterRetirement`.
    func published() async throws -> [SigningKeyRecord] {
        let now = clock()
        return try await current().keys.filter {
            $0.retired.map { now.timeIntervalSince($0) < Self.publishedAfterRetirement } ?? true
        }
    }

    func invalidate() {
        cached.withLock { $0 = nil }
    }

    private func current() async throws -> (keys: [SigningKeyRecord], signer: SigningKey) {
        let now = clock()
        if let cached = cached.withLock({ $0 }), now.timeIntervalSince(cached.read) < Self.lifetime {
            return (cached.keys, cached.signer)
        }
        var keys = try await store.signingKeys()
        if !keys.contains(where: { $0.retired == nil }) {
            // Two instances starting at once may each add one: both are published, the newest signs.
            try await store.insertSigningKey(try SigningKey.generate(at: now))
            keys = try await store.signingKeys()
        }
        guard let newest = keys.filter({ $0.retired == nil }).max(by: { $0.created < $1.created }) else {
            throw StoreCorruption(detail: "no signing key after adding one")
        }
        let signer = try SigningKey(newest)
        cached.withLock { $0 = (keys, signer, now) }
        return (keys, signer)
    }
}

/// Base64url without padding (RFC 7515 §2).
public enum Base64URL {
    public static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func decode(_ text: some StringProtocol) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}

extension Organizations {
    /// The keys that sign Roster's tokens and security events, as a JWK Set (`/.well-known/jwks.json`).
    public func jsonWebKeySet() async throws -> JSON {
        var keys: [JSON] = []
        for record in try await context.signingKeys.published() {
            guard var jwk = try JSON.parse(Array(record.publicJWK.utf8)).objectValue else {
                throw StoreCorruption(detail: "a signing key's JWK is not an object")
            }
            jwk["kid"] = .string(record.id)
            keys.append(.object(jwk))
        }
        return .object(["keys": .array(keys)])
    }

    /// Makes a new signing key the one that signs; the one before stays published for a week. Returns the new
    /// key's id.
    @discardableResult
    public func rotateSigningKey() async throws -> String {
        let record = try SigningKey.generate(at: context.clock())
        try await context.stores.applications.retireSigningKeys(at: context.clock())
        try await context.stores.applications.insertSigningKey(record)
        context.signingKeys.invalidate()
        return record.id
    }

    /// Every signing key, newest first, with when it was made and retired.
    public func signingKeys() async throws -> [SigningKeyRecord] {
        try await context.stores.applications.signingKeys().sorted { $0.created > $1.created }
    }
}
