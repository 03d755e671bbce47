import Crypto
import Directory
import Foundation
import Hummingbird

/// A new token's secret carried from the form that made it to the page that shows it (post/redirect/get), so a
/// reload never submits the form again. It travels in a cookie sealed (AES-GCM) with a key derived from the
/// browser's own session secret, which the database never holds: nobody but that browser can open it, on whichever
/// instance the page is served. The page that shows it clears it, and it opens for five minutes after it was
/// made, so it is shown once, and a copy of the cookie replayed later shows nothing.
enum Reveal {
    static let lifetime: TimeInterval = 300

    static let cookieName = "roster_reveal"

    /// The cookie that carries `secret` of token `tokenID` for the session whose secret is `session`.
    static func cookie(
        secret: String, tokenID: String, session: String, path: String, secure: Bool, now: Date = Date()
    ) -> String? {
        let plain = Data("\(Int(now.timeIntervalSince1970))\n\(tokenID)\n\(secret)".utf8)
        guard let sealed = try? AES.GCM.seal(plain, using: key(session)).combined else { return nil }
        return Sessions.cookie(
            cookieName, value: base64URL(sealed), maxAge: Int(lifetime), secure: secure, path: path)
    }

    /// The secret of token `tokenID` if the request carries one sealed for its session.
    static func secret(in request: Request, tokenID: String, session: String, now: Date = Date()) -> String? {
        guard let value = request.cookies[cookieName]?.value, let data = fromBase64URL(value),
            let box = try? AES.GCM.SealedBox(combined: data),
            let plain = try? AES.GCM.open(box, using: key(session))
        else { return nil }
        let parts = String(decoding: plain, as: UTF8.self).split(separator: "\n", maxSplits: 2)
        guard parts.count == 3, let issued = Double(parts[0]), parts[1] == tokenID,
            now.timeIntervalSince1970 - issued <= lifetime
        else { return nil }
        return String(parts[2])
    }

    static func cleared(path: String, secure: Bool) -> String {
        Sessions.cookie(cookieName, value: "", maxAge: 0, secure: secure, path: path)
    }

    private static func key(_ session: String) -> SymmetricKey {
        SymmetricKey(data: SHA256.hash(data: Data("roster reveal\n\(session)".utf8)))
    }

    private static func base64URL(_ data: Data) -> String { Base64URL.encode(data) }
    private static func fromBase64URL(_ text: String) -> Data? { Base64URL.decode(text) }
}
