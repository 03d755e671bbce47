import Foundation
import HTTPTypes
import Hummingbird

/// Cross-site request forgery defences: a synchronizer token in every form (the session's, or before sign-in a
/// double-submit cookie's), and a refusal of requests a browser marks as coming from another site.
enum CSRF {
    static let cookieName = "roster_csrf"

    /// Browsers say where a request comes from (`Sec-Fetch-Site`, `Origin`); another site's form is refused.
    /// Behind a proxy that rewrites `Host`, the public URL's host is the console's own too.
    /// An origin is the console's when its host and port are those the browser addressed (`Host`) or those of
    /// the public URL; a port left out is the scheme's default.
    static func checkOrigin(_ request: Request, publicURL: String? = nil) throws {
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!], site == "cross-site" {
            throw ConsoleError.forbidden("Forms from other sites are refused.")
        }
        guard let originText = request.headers[HTTPField.Name("Origin")!], originText != "null",
            let origin = URLComponents(string: originText), let host = origin.host?.lowercased()
        else { return }
        let originPort = origin.port ?? (origin.scheme?.lowercased() == "https" ? 443 : 80)
        var own: [(host: String, port: Int?)] = []
        if let authority = request.head.authority, let parsed = URLComponents(string: "http://" + authority),
            let ownHost = parsed.host
        {
            own.append((ownHost.lowercased(), parsed.port))
        }
        if let publicURL, let parsed = URLComponents(string: publicURL), let publicHost = parsed.host {
            own.append((publicHost.lowercased(), parsed.port ?? (parsed.scheme?.lowercased() == "https" ? 443 : 80)))
        }
        // Behind a proxy the Host a request carries may omit the port the browser used: a port left out matches
        // the origin's default one.
        let matches = own.contains {
            $0.host == host && ($0.port ?? (originPort == 80 || originPort == 443 ? originPort : -1)) == originPort
        }
        if !own.isEmpty, !matches {
            throw ConsoleError.forbidden("Forms from other sites are refused.")
        }
    }
}
