import Crypto
import Foundation

public enum TokenStatus: String, Sendable, Hashable, Codable {
    case active, inactive
}

/// A SCIM token as stored: never the secret, only its SHA-256 hash and a short visible prefix.
public struct TokenRecord: Sendable, Hashable {
    public var id: String
    /// The organization whose directory the token reads and writes: it decides the organization of a request.
    public var organization: OrganizationKey
    public var description: String
    public var status: TokenStatus
    public var hash: String
    public var prefix: String
    public var created: Date
    public var lastUsed: Date?

    public init(
        id: String, organization: OrganizationKey, description: String, status: TokenStatus, hash: String,
        prefix: String, created: Date, lastUsed: Date? = nil
    ) {
        self.id = id
        self.organization = organization
        self.description = description
        self.status = status
        self.hash = hash
        self.prefix = prefix
        self.created = created
        self.lastUsed = lastUsed
    }
}

/// Makes and recognises token secrets: `roster_` followed by 256 random bits in base64url.
public enum TokenSecret {
    public static let marker = "roster_"

    /// A new secret and the record that stores it.
    public static func generate(
        description: String, status: TokenStatus, id: String, organization: OrganizationKey, now: Date
    ) -> (secret: String, record: TokenRecord) {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let secret = marker + base64URL(bytes)
        let record = TokenRecord(
            id: id, organization: organization, description: description, status: status, hash: hash(secret),
            prefix: String(secret.prefix(marker.count + 6)), created: now)
        return (secret, record)
    }

    /// The hex SHA-256 of a presented secret; the store is searched by this, never by the secret.
    public static func hash(_ secret: String) -> String {
        // Hex by table: `String(format:)` per byte made hashing the dearest step of authenticating a request.
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Array(secret.utf8)) {
            hex.append(hexDigits[Int(byte >> 4)])
            hex.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func base64URL(_ bytes: [UInt8]) -> String {
        Base64URL.encode(Data(bytes))
    }
}
