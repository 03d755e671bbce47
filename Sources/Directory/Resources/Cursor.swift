import Crypto
import Foundation
import SCIMCore
import Synchronization

/// Where the next (or previous) page of a cursor-paged query starts (RFC 9865), as the client holds it: sealed with
/// AES-GCM under a key all instances share, so it is opaque, cannot be forged or altered, and works on any
/// instance. It names the organization and the query it came from, so it pages nothing else.
struct Cursor: Equatable {
    var organization: OrganizationKey
    /// Which query: see `Cursor.fingerprint`.
    var query: [UInt8]
    var issued: Int64
    var count: Int
    var backward: Bool
    /// The kind of the resource at `position`: a search of every type pages through users, then groups.
    var kind: ResourceKind
    var position: Keyset

    static let version: UInt8 = 1

    /// The first 16 bytes of a SHA-256 of what decides a query's results and their order: its endpoint, filter
    /// and sort. `attributes` only change what each result shows, so they may change between pages.
    static func fingerprint(scope: String, filter: String?, sort: String) -> [UInt8] {
        let text = "roster cursor\n\(scope)\n\(filter ?? "")\n\(sort)"
        return Array(SHA256.hash(data: Data(text.utf8)).prefix(16))
    }

    var bytes: [UInt8] {
        var bytes: [UInt8] = [Self.version]
        bytes += Self.bytes(organization.rawValue)
        bytes += query
        bytes += Self.bytes(issued)
        bytes += Self.bytes(Int64(count))
        bytes.append(backward ? 1 : 0)
        bytes.append(kind == .user ? 0 : 1)
        bytes += Self.bytes(position.row)
        switch position.sortValue {
        case nil: bytes.append(0)
        case .missing: bytes.append(1)
        case .integer(let number):
            bytes.append(2)
            bytes += Self.bytes(number)
        case .real(let number):
            bytes.append(3)
            bytes += Self.bytes(Int64(bitPattern: number.bitPattern))
        case .text(let text):
            bytes.append(4)
            bytes += Array(text.utf8)
        }
        return bytes
    }

    init(
        organization: OrganizationKey, query: [UInt8], issued: Int64, count: Int, backward: Bool, kind: ResourceKind,
        position: Keyset
    ) {
        self.organization = organization
        self.query = query
        self.issued = issued
        self.count = count
        self.backward = backward
        self.kind = kind
        self.position = position
    }

    init?(bytes: [UInt8]) {
        var reader = ByteReader(bytes: bytes[...])
        guard reader.byte() == Self.version, let organization = reader.integer(), let query = reader.take(16),
            let issued = reader.integer(), let count = reader.integer(), let backward = reader.byte(),
            let kind = reader.byte(), kind <= 1, let row = reader.integer(), let tag = reader.byte()
        else { return nil }
        let value: SortValue?
        switch tag {
        case 0: value = nil
        case 1: value = .missing
        case 2: guard let number = reader.integer() else { return nil }; value = .integer(number)
        case 3:
            guard let bits = reader.integer() else { return nil };
            value = .real(Double(bitPattern: UInt64(bitPattern: bits)))
        case 4:
            guard let text = String(validating: reader.rest(), as: UTF8.self) else { return nil }; value = .text(text)
        default: return nil
        }
        guard reader.isEmpty || tag == 4 else { return nil }
        self.init(
            organization: OrganizationKey(organization), query: Array(query), issued: issued,
            count: Int(count), backward: backward == 1, kind: kind == 0 ? .user : .group,
            position: Keyset(sortValue: value, row: row))
    }

    private static func bytes(_ value: Int64) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian, Array.init)
    }
}

private struct ByteReader {
    var bytes: ArraySlice<UInt8>

    var isEmpty: Bool { bytes.isEmpty }

    mutating func byte() -> UInt8? { bytes.popFirst() }

    mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
        guard bytes.count >= count else { return nil }
        defer { bytes = bytes.dropFirst(count) }
        return bytes.prefix(count)
    }

    mutating func integer() -> Int64? {
        take(8).map { $0.reduce(Int64(0)) { $0 << 8 | Int64($1) } }
    }

    mutating func rest() -> ArraySlice<UInt8> {
        defer { bytes = [] }
        return bytes
    }
}

/// Seals and opens cursors with the key in the database's settings (made by the first instance that needs it).
final class CursorSeal: Sendable {
    private let accounts: any AccountStore
    private let key = Mutex<SymmetricKey?>(nil)

    init(accounts: any AccountStore) {
        self.accounts = accounts
    }

    private func currentKey() async throws -> SymmetricKey {
        if let key = key.withLock({ $0 }) { return key }
        let candidate = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
        let stored = try await accounts.sharedSecret(named: "cursor-key", candidate: candidate)
        guard let data = Data(base64Encoded: stored), data.count == 32 else {
            throw StoreCorruption(detail: "the shared cursor key in settings is not 32 bytes of base64")
        }
        let loaded = SymmetricKey(data: data)
        key.withLock { $0 = loaded }
        return loaded
    }

    /// Base64url without padding: RFC 3986 unreserved characters only, as RFC 9865 §2 asks.
    func seal(_ cursor: Cursor) async throws -> String {
        try await seal(bytes: cursor.bytes)
    }

    /// Any bytes sealed as a cursor is: opaque, unforgeable, readable by every instance.
    func seal(bytes: [UInt8]) async throws -> String {
        let sealed = try AES.GCM.seal(bytes, using: try await currentKey())
        guard let combined = sealed.combined else { throw StoreCorruption(detail: "AES-GCM gave no combined box") }
        return Self.text(combined)
    }

    private static func text(_ data: Data) -> String {
        Base64URL.encode(data)
    }

    /// The cursor a client sent, or nil when it is not one this Roster sealed, whole and unaltered.
    func open(_ text: String) async throws -> Cursor? {
        try await openBytes(text).map { Cursor(bytes: $0) } ?? nil
    }

    /// The bytes `seal(bytes:)` sealed, or nil when `text` is not a whole, unaltered sealed text of this Roster.
    func openBytes(_ text: String) async throws -> [UInt8]? {
        // A cursor holds its sort value: a 16 KiB binary value sorts too.
        guard text.utf8.count <= 32768,
            text.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0.isASCIIAlphanumeric })
        else { return nil }
        // Only the one text a sealed cursor has: base64's spare bits could otherwise spell one cursor several ways.
        guard let data = Base64URL.decode(text), Self.text(data) == text,
            let box = try? AES.GCM.SealedBox(combined: data),
            let opened = try? AES.GCM.open(box, using: try await currentKey())
        else { return nil }
        return Array(opened)
    }
}

extension UInt8 {
    fileprivate var isASCIIAlphanumeric: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self)
    }
}
