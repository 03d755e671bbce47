import Crypto
import Foundation
import SCIMCore

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
        var message = Array("\(id).\(timestamp).".utf8)
        message += body
        return secrets.compactMap { secret in
            guard let key = Data(base64Encoded: String(secret.dropFirst(secret.hasPrefix("whsec_") ? 6 : 0))) else {
                return nil
            }
            let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))
            return "v1," + Data(mac).base64EncodedString()
        }.joined(separator: " ")
    }
}

/// Where a webhook may point. Without the operator's leave, only https to a public address: an endpoint must not
/// turn Roster into a way to reach its own network.
public enum WebhookAddress {
    public static func check(_ text: String, allowInsecure: Bool) throws(SCIMError) {
        guard text.utf8.count <= 2000, !text.contains("\n"), let url = URL(string: text),
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

    /// Whether a host names this machine or a private network: by name (`localhost`) or address literal. Names are
    /// resolved again when delivering (see the delivery service).
    public static func isPrivate(host: String) -> Bool {
        let name = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if name == "localhost" || name.hasSuffix(".localhost") || name.hasSuffix(".local")
            || name.hasSuffix(".internal")
        {
            return true
        }
        if let v4 = ipv4(name) { return isPrivate(v4: v4) }
        if name.contains(":") { return isPrivate(v6: name) }
        return false
    }

    static func ipv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let bytes = parts.compactMap { UInt8($0) }
        return bytes.count == 4 ? bytes : nil
    }

    public static func isPrivate(v4 b: [UInt8]) -> Bool {
        b[0] == 0 || b[0] == 10 || b[0] == 127 || (b[0] == 169 && b[1] == 254)
            || (b[0] == 172 && (16...31).contains(b[1]))
            || (b[0] == 192 && b[1] == 168) || (b[0] == 100 && (64...127).contains(b[1])) || b[0] >= 224
    }

    public static func isPrivate(v6 text: String) -> Bool {
        let lower = text.lowercased()
        if lower == "::" || lower == "::1" { return true }
        if let mapped = lower.split(separator: ":").last, lower.hasPrefix("::ffff:"), let v4 = ipv4(String(mapped)) {
            return isPrivate(v4: v4)
        }
        return lower.hasPrefix("fc") || lower.hasPrefix("fd") || lower.hasPrefix("fe8") || lower.hasPrefix("fe9")
            || lower.hasPrefix("fea") || lower.hasPrefix("feb") || lower.hasPrefix("ff")
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
