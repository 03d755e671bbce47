import Foundation
import Hummingbird

/// A page model: what a template renders, with the frame every page shares.
protocol PageModel: Sendable {
    var layout: Layout { get }
}

/// The page of a refusal or a failure.
struct ErrorPage: PageModel {
    var layout: Layout
    var status: Int
    var detail: String
}

/// A message left by an action for the page it redirects to ("Token deleted."), in a short-lived cookie read once.
/// It is text only, escaped like everything a template shows.
enum Flash {
    static let cookieName = "roster_flash"

    static func cookie(_ message: String, secure: Bool, path: String = "/admin") -> String {
        let encoded = message.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return Sessions.cookie(cookieName, value: encoded, maxAge: 60, secure: secure, path: path)
    }

    static func cleared(secure: Bool, path: String = "/admin") -> String {
        Sessions.cookie(cookieName, value: "", maxAge: 0, secure: secure, path: path)
    }

    static func message(in request: Request) -> String? {
        guard let value = request.cookies[cookieName]?.value, !value.isEmpty else { return nil }
        return value.removingPercentEncoding.map { String($0.prefix(300)) }
    }
}
