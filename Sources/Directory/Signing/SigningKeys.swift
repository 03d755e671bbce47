import Crypto
import Foundation
import SCIMCore
import Synchronization
import _CryptoExtras

/// A key Roster signs with, as stored: the private key (PEM), its public half as a JWK, and when it was made. A
/// key is published as soon as it is made and signs once verifiers have had time to fetch it (see `SigningKeys`).
public struct SigningKeyRecord: Sendable, Hashable {
    /// The key's RFC 7638 thumbprint: the same key has the same id on every instance.
    public var id: String
    public var privateKeyPEM: String
    /// The public key as a JWK object's text.
    public var publicJWK: String
    public var created: Date

    public init(id: String, privateKeyPEM: String, publicJWK: String, created: Date) {
        self.id = id
        self.privateKeyPEM = privateKeyPEM
        self.publicJWK = publicJWK
        self.created = created
    }
}

/// Where a key stands at a time: published ahead of signing, signing, or superseded (still published a while).
public struct SigningKeyState: Sendable, Hashable {
    public var key: SigningKeyRecord
    /// When it signs from (nil: it signs now, or did).
    public var signsFrom: Date?
    /// When a newer key took over (nil: none has).
    public var superseded: Date?
    public var isSigning: Bool
    public var isPublished: Bool
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
            created: time)
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
/// minute. A new key is published at once but signs only after `activationDelay`, longer than a verifier may
/// cache the key set (`Cache-Control: max-age=300`) plus this cache: no verifier meets a key it could not have
/// fetched. A key a newer one superseded stays published for `publishedAfterSuperseded`.
final class SigningKeys: Sendable {
    private let store: any ApplicationStore
    private let clock: @Sendable () -> Date
    private let cached = Mutex<(keys: [SigningKeyRecord], read: Date)?>(nil)
    private let parsed = Mutex<SigningKey?>(nil)

    static let activationDelay: TimeInterval = 6 * 60
    static let publishedAfterSuperseded: TimeInterval = 7 * 86400
    static let lifetime: TimeInterval = 60

    init(store: any ApplicationStore, clock: @escaping @Sendable () -> Date) {
        self.store = store
        self.clock = clock
    }

    /// The key that signs now, parsed once (parsing and checking an RSA key took a tenth of a sign-in's time).
    func signer() async throws -> SigningKey {
        let states = Self.states(try await keys(), at: clock())
        guard let signing = states.first(where: \.isSigning) else {
            throw StoreCorruption(detail: "no signing key")
        }
        if let parsed = parsed.withLock({ $0 }), parsed.id == signing.key.id { return parsed }
        let key = try SigningKey(signing.key)
        parsed.withLock { $0 = key }
        return key
    }

    /// Every key a verifier may meet: the signing one, the next, and those superseded within a week.
    func published() async throws -> [SigningKeyRecord] {
        Self.states(try await keys(), at: clock()).filter(\.isPublished).map(\.key)
    }

    func invalidate() {
        cached.withLock { $0 = nil }
    }

    /// Each key's state at `now` (keys oldest first): the newest key made `activationDelay` ago signs, or the
    /// oldest when none is that old (a new install's first key signs at once); each key is superseded when the
    /// next one starts signing.
    static func states(_ keys: [SigningKeyRecord], at now: Date) -> [SigningKeyState] {
        let keys = keys.sorted { ($0.created, $0.id) < ($1.created, $1.id) }
        let signing = keys.lastIndex { now.timeIntervalSince($0.created) >= activationDelay } ?? 0
        return keys.enumerated().map { index, key in
            let signsFrom = index <= signing ? nil : key.created + activationDelay
            let superseded: Date? =
                index < keys.count - 1 ? max(keys[index + 1].created + activationDelay, key.created) : nil
            let published = superseded.map { now.timeIntervalSince($0) < publishedAfterSuperseded } ?? true
            return SigningKeyState(
                key: key, signsFrom: signsFrom, superseded: index < signing ? superseded : nil,
                isSigning: index == signing, isPublished: published || index >= signing)
        }
    }

    private func keys() async throws -> [SigningKeyRecord] {
        let now = clock()
        if let cached = cached.withLock({ $0 }), now.timeIntervalSince(cached.read) < Self.lifetime {
            return cached.keys
        }
        var keys = try await store.signingKeys()
        if keys.isEmpty {
            // Two instances starting at once may each add one: both are published, and the older signs for both.
            try await store.insertSigningKey(try SigningKey.generate(at: now))
            keys = try await store.signingKeys()
        }
        cached.withLock { $0 = (keys, now) }
        return keys
    }
}

/// Base64url without padding (RFC 7515 §2).
public enum Base64URL {
    public static func encode(_ data: Data) -> String {
        // Byte by byte: three `replacingOccurrences` were 4% of a sign-in (a token signed, secrets made).
        var bytes = Array(data.base64EncodedData())
        while bytes.last == UInt8(ascii: "=") { bytes.removeLast() }
        for index in bytes.indices {
            if bytes[index] == UInt8(ascii: "+") {
                bytes[index] = UInt8(ascii: "-")
            } else if bytes[index] == UInt8(ascii: "/") {
                bytes[index] = UInt8(ascii: "_")
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func decode(_ text: some StringProtocol) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}

extension Organizations {
    /// How long after it is made a new signing key starts signing.
    public static let signingKeyActivation = SigningKeys.activationDelay

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

    /// Makes a new signing key, published at once; it signs after `SigningKeys.activationDelay` (at once with
    /// `immediately`, for a key that leaked: verifiers holding a cached key set fail until they fetch it again).
    /// Returns the new key's id and when it signs from.
    @discardableResult
    public func rotateSigningKey(immediately: Bool = false) async throws -> (id: String, signsFrom: Date) {
        let now = context.clock()
        let record = try SigningKey.generate(at: immediately ? now - SigningKeys.activationDelay : now)
        try await context.stores.applications.insertSigningKey(record)
        context.signingKeys.invalidate()
        return (record.id, record.created + SigningKeys.activationDelay)
    }

    /// Every signing key, newest first, with where it stands.
    public func signingKeys() async throws -> [SigningKeyState] {
        SigningKeys.states(try await context.stores.applications.signingKeys(), at: context.clock()).reversed()
    }
}
