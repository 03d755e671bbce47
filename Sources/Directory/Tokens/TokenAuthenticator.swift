import Foundation
import SCIMCore
import Synchronization

/// Checks presented SCIM tokens against the store, caching answers for a few seconds.
///
/// A token revoked anywhere (the console, `roster token revoke`, another instance) stops working here within
/// `cacheLifetime`. Last use is written at most once a minute per token, so authentication rarely writes.
public final class TokenAuthenticator: Sendable {
    let store: any TokenStore
    let cacheLifetime: TimeInterval
    let clock: @Sendable () -> Date
    private let cache = Mutex<[String: Entry]>([:])
    private let unknown = Mutex<[String: Entry]>([:])

    private struct Entry {
        var token: TokenRecord?
        var expires: Date
    }

    public init(
        store: any TokenStore, cacheLifetime: TimeInterval = 2, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.cacheLifetime = cacheLifetime
        self.clock = clock
    }

    /// The active token for an `Authorization` header value, or a 401 error.
    public func authenticate(authorization: String?) async throws -> TokenRecord {
        guard let secret = Self.secret(from: authorization) else {
            throw SCIMError.unauthorized("Authorization required: send \"Authorization: Bearer <token>\".")
        }
        let hash = TokenSecret.hash(secret)
        let now = clock()
        let token = try await lookUp(hash: hash, now: now)
        guard var token, token.status == .active else {
            throw SCIMError.unauthorized("The token is unknown, inactive or revoked.")
        }
        if token.lastUsed.map({ now.timeIntervalSince($0) > 60 }) ?? true {
            // Best effort: a request with a valid token never fails because its last use could not be written.
            try? await store.recordTokenUse(id: token.id, at: now)
            token.lastUsed = now
            remember(hash: hash, token: token, now: now)
        }
        return token
    }

    /// Forgets every cached answer, so a change made on this instance applies at once.
    public func invalidate() {
        cache.withLock { $0.removeAll() }
        unknown.withLock { $0.removeAll() }
    }

    private func lookUp(hash: String, now: Date) async throws -> TokenRecord? {
        if let entry = cache.withLock({ $0[hash] }) ?? unknown.withLock({ $0[hash] }), entry.expires > now {
            return entry.token
        }
        let token = try await store.token(withHash: hash)
        remember(hash: hash, token: token, now: now)
        return token
    }

    /// Known tokens and unknown hashes are cached apart, so a flood of made-up tokens cannot evict real ones.
    private func remember(hash: String, token: TokenRecord?, now: Date) {
        let entry = Entry(token: token, expires: now.addingTimeInterval(cacheLifetime))
        if token != nil {
            cache.withLock { entries in
                if entries.count > 10_000 { entries = entries.filter { $0.value.expires > now } }
                entries[hash] = entry
            }
        } else {
            unknown.withLock { entries in
                if entries.count > 10_000 { entries.removeAll() }
                entries[hash] = entry
            }
        }
    }

    /// `Bearer <token>` with the scheme in any case; a bare token too, since Okta's header-auth template sends
    /// whatever the administrator typed.
    static func secret(from authorization: String?) -> String? {
        if let authorization, let token = plainBearer(authorization) { return token }
        guard let value = authorization.map(trimmed), !value.isEmpty else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        if parts.count == 2, parts[0].utf8.count == 6, parts[0].lowercased() == "bearer" {
            let token = trimmed(parts[1])
            return token.isEmpty ? nil : String(token)
        }
        return parts.count == 1 ? String(value) : nil
    }

    /// The token of the header every identity provider sends, `Bearer ` and printable ASCII without spaces, read
    /// on bytes; anything else (other spacing, Unicode, a bare token) is left to the general reading.
    private static func plainBearer(_ authorization: String) -> String? {
        let bytes = authorization.utf8
        guard bytes.count > 7,
            zip(bytes, "bearer ".utf8).allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0) == $1 }),
            bytes.dropFirst(7).allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { return nil }
        return String(Substring(bytes.dropFirst(7)))
    }

    /// Without spaces (Unicode's too, as pasted tokens may carry) at either end; Foundation's trimming costs more
    /// than the rest of this check.
    private static func trimmed<Text: StringProtocol>(_ text: Text) -> Substring {
        let blank: (Character) -> Bool = { $0 == " " || ($0.isWhitespace && !$0.isNewline) }
        let start = text.firstIndex { !blank($0) } ?? text.endIndex
        let end = text[start...].lastIndex { !blank($0) }.map { text.index(after: $0) } ?? start
        return Substring(text[start..<end])
    }
}
