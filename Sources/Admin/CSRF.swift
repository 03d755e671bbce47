import Foundation
import HTTPTypes
import Hummingbird

/// Cross-site request forgery defences: a synchronizer token in every form (the session's, or before sign-in a
/// double-submit cookie's), and a refusal of requests a browser marks as coming from another site.
enum CSRF {
    static let cookieName = "roster_csrf"

    /// Browsers say where a request comes from (`Sec-Fetch-Site`, `Origin`); another site's form is refused.
    /// Behind a proxy that rewrites `Host`, the public URL's host is the console's own too.
    static func checkOrigin(_ request: Request, publicHost: String? = nil) throws {
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!], site == "cross-site" {
            throw ConsoleError.forbidden("Forms from other sites are refused.")
        }
        guard let origin = request.headers[HTTPField.Name("Origin")!], origin != "null",
            let host = URLComponents(string: origin)?.host
        else { return }
        let ownHost = request.head.authority.flatMap { URLComponents(string: "http://" + $0)?.host }
        let own = [ownHost, publicHost].compactMap { $0?.lowercased() }
        if !own.isEmpty, !own.contains(host.lowercased()) {
            throw ConsoleError.forbidden("Forms from other sites are refused.")
        }
    }
}

/// The fields of an `application/x-www-form-urlencoded` body; the last value of a repeated name wins.
struct Form: Sendable {
    private var fields: [String: String] = [:]

    init(urlEncoded text: String) {
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                $0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            guard let name = parts.first, !name.isEmpty else { continue }
            fields[name] = parts.count > 1 ? parts[1] : ""
        }
    }

    subscript(name: String) -> String? { fields[name] }

    /// A field's value trimmed; empty is nil.
    func text(_ name: String) -> String? {
        guard let value = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            return nil
        }
        return value
    }
}
