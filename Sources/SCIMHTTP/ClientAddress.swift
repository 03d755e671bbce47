import Foundation
import HTTPTypes

#if canImport(Glibc)
    import Glibc
#endif

/// A range of IP addresses in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`, or one address), IPv4 or IPv6.
public struct AddressRange: Sendable, Hashable, CustomStringConvertible {
    let network: [UInt8]
    let prefix: Int

    /// Parses `address[/prefix]`; nil when it is not one.
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let bytes = Self.bytes(String(parts[0])) else { return nil }
        let bits = bytes.count * 8
        let prefix = parts.count == 2 ? Int(parts[1]) : bits
        guard let prefix, (0...bits).contains(prefix) else { return nil }
        self.network = bytes
        self.prefix = prefix
    }

    public func contains(_ address: String) -> Bool {
        guard let bytes = Self.bytes(address), bytes.count == network.count else { return false }
        var remaining = prefix
        for (mine, theirs) in zip(network, bytes) where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            guard mine & mask == theirs & mask else { return false }
            remaining -= 8
        }
        return true
    }

    public var description: String { "\(network.map(String.init).joined(separator: "."))/\(prefix)" }

    /// The address's bytes (4 or 16); an IPv4 address mapped into IPv6 (`::ffff:10.0.0.1`) is its IPv4 bytes.
    static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return Array(bytes[12...])
        }
        return bytes
    }
}

/// Who a request comes from: the peer's address, or, when the peer is a proxy the operator trusts, the address
/// that proxy says it forwarded for (the last one in `X-Forwarded-For` not itself a trusted proxy).
///
/// `X-Forwarded-For` from anyone else is ignored: a client could otherwise name any address and escape the
/// throttles, or put another client's address under them.
public struct ClientAddresses: Sendable {
    public let trustedProxies: [AddressRange]

    public init(trustedProxies: [AddressRange] = []) {
        self.trustedProxies = trustedProxies
    }

    public func client(peer: String?, forwardedFor: [String]) -> String {
        guard let peer else { return "unknown" }
        guard isTrusted(peer), !forwardedFor.isEmpty else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map {
            Self.withoutPort($0.trimmingCharacters(in: .whitespaces))
        }
        for hop in hops.reversed() where !isTrusted(hop) {
            return AddressRange.bytes(hop) == nil ? peer : hop
        }
        return hops.first.flatMap { AddressRange.bytes($0) == nil ? nil : $0 } ?? peer
    }

    /// A hop as some proxies write it, with its port (`192.0.2.1:51234`, `[2001:db8::1]:51234`), as an address:
    /// kept with the port it parsed as no address, and every client behind such a proxy looked like the proxy.
    static func withoutPort(_ hop: String) -> String {
        if hop.hasPrefix("["), let end = hop.firstIndex(of: "]") {
            return String(hop[hop.index(after: hop.startIndex)..<end])
        }
        let parts = hop.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 2, parts[0].contains("."), parts[1].allSatisfy(\.isNumber) { return String(parts[0]) }
        return hop
    }

    /// The key a client's requests are counted under: its address, or for IPv6 its /64, which any one client may
    /// hold whole (each address its own key would let it start sign-ins without limit).
    public static func throttleKey(_ address: String) -> String {
        // IPv4 mapped into IPv6 (a dual-stack listener's peers) is its IPv4 address, not one shared /64.
        guard let bytes = AddressRange.bytes(address), bytes.count == 16 else { return address }
        return stride(from: 0, to: 8, by: 2).map { String(Int(bytes[$0]) << 8 | Int(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":") + "::/64"
    }

    func isTrusted(_ address: String) -> Bool {
        trustedProxies.contains { $0.contains(address) }
    }

    /// The client of a request whose peer is `peer`.
    public func client(of fields: HTTPFields, peer: String?) -> String {
        client(peer: peer, forwardedFor: fields[values: Self.forwardedFor])
    }

    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
}
