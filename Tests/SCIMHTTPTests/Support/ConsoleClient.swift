import Admin
import App
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RosterTestSupport
import Synchronization
import Testing

/// A browser's view of the admin console: it keeps cookies, follows nothing by itself, and posts forms with the
/// CSRF token of the page it last read.
final class ConsoleClient: Sendable {
    let client: LiveClient
    private let cookies = Mutex<[String: String]>([:])
    private let lastCSRF = Mutex<String?>(nil)

    init(_ client: LiveClient) {
        self.client = client
    }

    struct Page: Sendable {
        let status: Int
        let headers: HTTPFields
        let html: String

        var location: String? { headers[.location] }
        var setCookies: [String] { headers[values: .setCookie] }

        func contains(_ text: String) -> Bool { html.contains(text) }
    }

    func cookie(_ name: String) -> String? { cookies.withLock { $0[name] } }

    func setCookie(_ name: String, _ value: String?) { cookies.withLock { $0[name] = value } }

    func get(_ path: String, headers: HTTPFields = [:]) async throws -> Page {
        try await send(.get, path, headers: headers)
    }

    /// Posts a form; `csrf` defaults to the token of the last page read.
    func post(_ path: String, _ fields: [String: String], csrf: String? = nil, headers: HTTPFields = [:])
        async throws -> Page
    {
        var fields = fields
        if fields["csrf"] == nil { fields["csrf"] = csrf ?? lastCSRF.withLock { $0 } ?? "" }
        var components = URLComponents()
        components.queryItems = fields.map { URLQueryItem(name: $0.key, value: $0.value) }
        let body = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        var headers = headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        return try await send(.post, path, headers: headers, body: body)
    }

    private func send(_ method: HTTPRequest.Method, _ path: String, headers: HTTPFields, body: String? = nil)
        async throws -> Page
    {
        var headers = headers
        let jar = cookies.withLock { $0 }
        if !jar.isEmpty { headers[.cookie] = jar.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        let response = try await client.execute(
            uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        let page = Page(
            status: Int(response.status.code), headers: response.headers, html: String(buffer: response.body))
        for header in page.setCookies {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
            let expired = header.contains("Max-Age=0")
            cookies.withLock { $0[pair[0]] = expired ? nil : (pair.count > 1 ? pair[1] : "") }
        }
        if let csrf = Self.hiddenValue("csrf", in: page.html) { lastCSRF.withLock { $0 = csrf } }
        return page
    }

    /// The value of the first hidden input named `name` in a page.
    static func hiddenValue(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// The text of the element with `id`, as the token page shows a secret.
    static func element(_ id: String, in html: String) -> String? {
        guard let range = html.range(of: "id=\"\(id)\">") else { return nil }
        let rest = html[range.upperBound...]
        return rest.range(of: "<").map { String(rest[..<$0.lowerBound]) }
    }

    /// Creates an administrator directly and signs in through the form.
    func signIn(server: TestServer, username: String = "ada", password: String = "correct horse battery") async throws {
        _ = try await server.services.accounts.create(username: username, password: password)
        _ = try await get("/admin/sign-in")
        let page = try await post("/admin/sign-in", ["username": username, "password": password])
        #expect(page.status == 303 && page.location == "/admin", "\(page.status) \(page.html)")
        _ = try await get("/admin")
    }
}
