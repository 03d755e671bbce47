import Crypto
import Foundation
import SCIMCore

#if canImport(Glibc)
    import Glibc
#endif

/// Standard Webhooks signatures: `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body` under each secret
/// (`whsec_` and base64 key bytes), over the exact bytes sent.
public enum WebhookSignature {
    public static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let key = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return "whsec_" + Data(key).base64EncodedString()
    }

    /// The `webhook-signature` header: one signature per secret, space-separated (two while a secret rotates).
    public static func header(id: String, timestamp: Int64, body: [UInt8], secrets: [String]) -> String {
        let prefix = Array("\(id).\(timestamp).".utf8)
        return secrets.compactMap { secret in
            guard let key = Data(base64Encoded: String(secret.dropFirst(secret.hasPrefix("whsec_") ? 6 : 0))) else {
                return nil
            }
            var mac = HMAC<SHA256>(key: SymmetricKey(data: key))
            mac.update(data: prefix)
            mac.update(data: body)
            return "v1," + Data(mac.finalize()).base64EncodedString()
        }.joined(separator: " ")
    }
}

/// Where a webhook may point. Without the operator's leave, only https to a public address: an endpoint must not
/// turn Roster into a way to reach its own network.
public enum WebhookAddress {
    public static func check(_ text: String, allowInsecure: Bool) throws(SCIMError) {
        guard text.utf8.count <= 2000, !text.contains(where: { $0.isNewline || $0 == "\t" }),
            let url = URL(string: text),
            let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty, url.user == nil
        else { throw .invalidValue("\"\(text)\" is not an absolute URL.") }
        guard scheme == "https" || (scheme == "http" && allowInsecure) else {
            throw .invalidValue(
                "A webhook URL must be https (plain http only for an application beside Roster, with --allow-insecure)."
            )
        }
        if !allowInsecure, isPrivate(host: host) {
            throw .invalidValue(
                "\(host) is a loopback, private or link-local address; allow it with --allow-insecure for an "
                    + "application beside Roster.")
        }
    }

    /// Whether a host names this machine or a network that is not the public internet: by name (`localhost`) or
    /// by an address literal in any spelling the resolver accepts (`127.1`, `0x7f000001`, `[::ffff:7f00:1]`).
    /// Other names are resolved again before delivering (see the delivery service).
    public static func isPrivate(host: String) -> Bool {
        var name = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        while name.hasSuffix(".") { name.removeLast() }
        if name.isEmpty || name == "localhost" || name.hasSuffix(".localhost") || name.hasSuffix(".local")
            || name.hasSuffix(".internal") || name.hasSuffix(".home.arpa")
        {
            return true
        }
        var v4 = in_addr()
        // inet_aton takes every form a resolver does: dotted, short, decimal, octal and hex.
        if inet_aton(name, &v4) != 0 { return isPrivate(address: withUnsafeBytes(of: v4) { Array($0) }) }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, name, &v6) == 1 { return isPrivate(address: withUnsafeBytes(of: v6) { Array($0) }) }
        // A name made of digits and dots that is no address is no public name either.
        return name.allSatisfy { $0.isNumber || $0 == "." || $0 == "x" }
    }

    /// Whether an IPv4 (4 bytes) or IPv6 (16 bytes) address is outside the public internet: unspecified, loopback,
    /// private, shared (CGNAT), link-local, benchmarking, protocol assignments, multicast and reserved; for IPv6
    /// also unique-local, site-local, and the forms that embed an IPv4 address (mapped, compatible, NAT64, 6to4),
    /// judged by that address.
    public static func isPrivate(address b: [UInt8]) -> Bool {
        if b.count == 4 {
            return b[0] == 0 || b[0] == 10 || b[0] == 127 || (b[0] == 169 && b[1] == 254)
                || (b[0] == 172 && (16...31).contains(b[1])) || (b[0] == 192 && b[1] == 168)
                || (b[0] == 100 && (64...127).contains(b[1])) || (b[0] == 198 && (18...19).contains(b[1]))
                || (b[0] == 192 && b[1] == 0 && b[2] == 0) || (b[0] == 192 && b[1] == 0 && b[2] == 2)
                || (b[0] == 198 && b[1] == 51 && b[2] == 100) || (b[0] == 203 && b[1] == 0 && b[2] == 113)
                || b[0] >= 224
        }
        guard b.count == 16 else { return true }
        let zeros10 = b[0..<10].allSatisfy { $0 == 0 }
        if zeros10 && b[10] == 0xFF && b[11] == 0xFF { return isPrivate(address: Array(b[12..<16])) }  // mapped
        if zeros10 && b[10] == 0 && b[11] == 0 { return true }  // ::, ::1 and the deprecated IPv4-compatible
        if b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B {  // 64:ff9b::/96 and /48 (NAT64)
            return isPrivate(address: Array(b[12..<16]))
        }
        if b[0] == 0x20 && b[1] == 0x02 { return isPrivate(address: Array(b[2..<6])) }  // 2002::/16 (6to4)
        if b[0] & 0xFE == 0xFC { return true }  // fc00::/7
        if b[0] == 0xFE && b[1] & 0xC0 == 0x80 { return true }  // fe80::/10
        if b[0] == 0xFE && b[1] & 0xC0 == 0xC0 { return true }  // fec0::/10
        if b[0] == 0xFF { return true }  // multicast
        if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8 { return true }  // documentation
        return false
    }
}

/// When a failed delivery is tried again: within seconds at first, then doubling up to an hour, with jitter, for
/// three days from the event's first attempt; then it is given up on (a dead letter). An endpoint that has failed
/// every attempt for five days is disabled.
public enum RetrySchedule {
    public static let window: TimeInterval = 3 * 86400
    public static let disableAfter: TimeInterval = 5 * 86400

    /// The wait before attempt `attempts + 1`, after `attempts` failures: 5 s, 10 s, 20 s … capped at one hour,
    /// each between half and all of that (jitter, so that a recovering receiver is not hit by every retry at once).
    public static func delay(afterFailures attempts: Int, random: Double = Double.random(in: 0.5...1)) -> TimeInterval {
        let base = 5 * pow(2, Double(min(max(attempts - 1, 0), 20)))
        return min(base, 3600) * random
    }
}
