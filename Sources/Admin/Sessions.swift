import HTTPTypes
import Hummingbird

/// The console's cookies: HttpOnly, SameSite, scoped to `/admin`, and Secure when Roster is served over https.
enum Sessions {
    static let cookieName = "roster_session"

    static func cookie(
        _ name: String, value: String, maxAge: Int, secure: Bool, sameSite: String = "Lax", path: String = "/admin"
    ) -> String {
        var parts = ["\(name)=\(value)", "Path=\(path)", "HttpOnly", "SameSite=\(sameSite)", "Max-Age=\(maxAge)"]
        if secure { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }

    static func expired(_ name: String, secure: Bool) -> String {
        cookie(name, value: "", maxAge: 0, secure: secure)
    }
}

extension Response {
    mutating func setCookie(_ value: String) {
        headers.append(HTTPField(name: .setCookie, value: value))
    }
}
