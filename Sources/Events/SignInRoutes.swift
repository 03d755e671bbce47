import Directory
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SCIMCore
import SCIMHTTP

/// Single sign-on's public side: each SAML connection's service provider metadata and ACS URL, and the OpenID
/// Connect provider the application signs people in with (`/.well-known/openid-configuration`, `/oauth/…`).
///
/// The identity provider's POST to the ACS URL is a cross-site request, on which browsers withhold a
/// `SameSite=Lax` cookie. When it arrives without the cookie that binds the sign-in to this browser, the page
/// answering it posts the same fields again from Roster's own origin, with the cookie this time.
public struct SignInRoutes: Sendable {
    let organizations: Organizations
    let addresses: ClientAddresses
    /// Sign-ins started and responses posted, per client address: generous for an office behind one address at nine
    /// in the morning, and a bound on the rows and the XML work one client can cause. Nil: not limited.
    let starts: RateLimiter?
    let responses: RateLimiter?

    /// `rate`: sign-ins a client address may start a second, in bursts of ten times that; 0 for no limit.
    public init(organizations: Organizations, addresses: ClientAddresses = ClientAddresses(), rate: Double = 10) {
        self.organizations = organizations
        self.addresses = addresses
        starts = rate > 0 ? RateLimiter(rate: rate, burst: rate * 10) : nil
        responses = rate > 0 ? RateLimiter(rate: rate, burst: rate * 10) : nil
    }

    /// The cookie whose secret a started sign-in is bound to (its hash is kept with the request). Over https it
    /// is a `__Host-` cookie, which no other host (a sibling subdomain) and no plain-http page can set.
    var browserCookie: String {
        organizations.publicURL.lowercased().hasPrefix("https:") ? "__Host-roster_signin" : "roster_signin"
    }
    /// A SAMLResponse of 1 MiB (the reader's bound), base64'd and form-encoded.
    static let maxACSBody = 3 << 20
    static let maxFormBody = 64 * 1024

    public func register(on router: Router<SCIMRequestContext>) {
        router.get("sso/saml/:connection/metadata") { _, context -> Response in
            let id = try context.parameters.require("connection")
            guard let connection = try await organizations.connections.connection(id: id) else {
                return Self.page(.notFound, title: "Not found", message: "There is no SAML connection \(id).")
            }
            let xml = connection.serviceProviderMetadata(publicURL: organizations.publicURL)
            return Response(
                status: .ok, headers: [.contentType: "application/samlmetadata+xml", .cacheControl: "max-age=300"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: xml)))
        }
        router.get("sso/saml/:connection/certificate.pem") { _, context -> Response in
            let id = try context.parameters.require("connection")
            guard let certificate = try await organizations.connections.connection(id: id)?.spCertificate else {
                return Self.page(.notFound, title: "Not found", message: "There is no SAML connection \(id).")
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/x-pem-file", .cacheControl: "max-age=300",
                    .contentDisposition: "attachment; filename=\"roster-\(id).pem\"",
                ],
                body: ResponseBody(byteBuffer: ByteBuffer(string: certificate)))
        }
        router.post("sso/saml/:connection/acs") { request, context -> Response in
            if let wait = responses?.acquire(
                ClientAddresses.throttleKey(addresses.client(of: request.headers, peer: context.peerAddress)))
            {
                return Self.tooMany(wait)
            }
            return try await acs(
                request, connection: try context.parameters.require("connection"), logger: context.logger)
        }
        router.get(".well-known/openid-configuration") { _, _ -> Response in
            var response = Self.json(.ok, organizations.openID.discovery())
            response.headers[.cacheControl] = "public, max-age=300"
            return response
        }
        router.get("oauth/authorize") { request, context -> Response in
            if let wait = starts?.acquire(
                ClientAddresses.throttleKey(addresses.client(of: request.headers, peer: context.peerAddress)))
            {
                return Self.tooMany(wait)
            }
            return try await authorize(request, Form(urlEncoded: request.uri.query ?? ""), logger: context.logger)
        }
        router.post("oauth/authorize") { request, context -> Response in
            if let wait = starts?.acquire(
                ClientAddresses.throttleKey(addresses.client(of: request.headers, peer: context.peerAddress)))
            {
                return Self.tooMany(wait)
            }
            var request = request
            guard let body = try? await request.collectBody(upTo: Self.maxFormBody) else {
                return Self.page(.contentTooLarge, title: "Too large", message: "This request is too large.")
            }
            return try await authorize(request, Form(urlEncoded: String(buffer: body)), logger: context.logger)
        }
        router.post("oauth/token") { request, context -> Response in
            var request = request
            guard let body = try? await request.collectBody(upTo: Self.maxFormBody) else {
                return Self.oauthError(OAuthError("invalid_request", "The request is larger than 64 KiB."))
            }
            let form = Form(urlEncoded: String(buffer: body))
            do throws(OAuthError) {
                let answer = try await organizations.openID.token(
                    form.fields, repeated: form.repeated, authorization: request.headers[.authorization])
                var response = Self.json(.ok, answer)
                response.headers[HTTPField.Name("Pragma")!] = "no-cache"
                return response
            } catch {
                if error.status >= 500 {
                    context.logger.error("A token request failed", metadata: ["error": "\(error)"])
                }
                return Self.oauthError(error)
            }
        }
        let userinfo: @Sendable (Request, SCIMRequestContext) async throws -> Response = { request, _ in
            do throws(OAuthError) {
                return Self.json(
                    .ok, try await organizations.openID.userinfo(authorization: request.headers[.authorization]))
            } catch {
                var response = Self.oauthError(error)
                if error.status == 401 {
                    response.headers[.wwwAuthenticate] =
                        "Bearer error=\"\(error.error)\", error_description=\"\(error.description)\""
                }
                return response
            }
        }
        router.get("oauth/userinfo", use: userinfo)
        router.post("oauth/userinfo", use: userinfo)
    }

    // MARK: Authorization

    private func authorize(_ request: Request, _ form: Form, logger: Logger) async throws -> Response {
        let existing = request.cookies[browserCookie]?.value
        let browser = existing.flatMap { $0.utf8.count == 43 ? $0 : nil } ?? Secrets.random()
        let step: AuthorizationStep
        do {
            step = try await organizations.openID.authorize(form.fields, repeated: form.repeated, browser: browser)
        } catch {
            logger.error("A sign-in could not start", metadata: ["error": "\(error)"])
            return Self.page(
                .serviceUnavailable, title: "Try again", message: "Signing in is unavailable for a moment; try again.")
        }
        switch step {
        case .page(let status, let message):
            return Self.page(HTTPResponse.Status(code: status), title: "Sign-in refused", message: message)
        case .askForEmail(let application, let message):
            return Self.emailPage(application: application, message: message, form: form)
        case .redirect(let location):
            var response = Response(status: .found, headers: [.location: location, .cacheControl: "no-store"])
            // Refreshed at each sign-in; Lax keeps it from every cross-site subrequest and POST.
            var cookie = "\(browserCookie)=\(browser); Path=/; HttpOnly; SameSite=Lax; Max-Age=3600"
            if organizations.publicURL.lowercased().hasPrefix("https:") { cookie += "; Secure" }
            response.headers.append(HTTPField(name: .setCookie, value: cookie))
            return response
        }
    }

    // MARK: The ACS URL

    private func acs(_ request: Request, connection: String, logger: Logger) async throws -> Response {
        var request = request
        guard let body = try? await request.collectBody(upTo: Self.maxACSBody) else {
            return Self.page(
                .contentTooLarge, title: "Sign-in refused", message: "The identity provider's response is too large.")
        }
        let form = Form(urlEncoded: String(buffer: body))
        guard let samlResponse = form["SAMLResponse"], !form.repeated.contains("SAMLResponse") else {
            return Self.page(
                .badRequest, title: "Sign-in refused",
                message: "This address takes a SAML response from an identity provider (a SAMLResponse field).")
        }
        let browser = request.cookies[browserCookie]?.value
        if browser == nil, form["roster_continue"] == nil {
            // The identity provider's cross-site POST carried no Lax cookie: post again from this origin.
            return Self.repost(form, connection: connection)
        }
        do {
            let location = try await organizations.openID.finish(
                samlResponse: samlResponse, relayState: form["RelayState"], connection: connection, browser: browser,
                requestID: request.headers[HTTPField.Name("X-Request-ID")!] ?? UUID().uuidString)
            return Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
        } catch let refusal as SignInRefusal {
            return Self.page(.forbidden, title: "Sign-in refused", message: refusal.description)
        } catch {
            logger.error("A sign-in could not finish", metadata: ["error": "\(error)"])
            return Self.page(
                .serviceUnavailable, title: "Try again", message: "Signing in is unavailable for a moment; try again.")
        }
    }

    // MARK: Pages

    static func json(_ status: HTTPResponse.Status, _ body: JSON) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body.serialized())))
    }

    static func tooMany(_ seconds: Int) -> Response {
        var response = page(
            .tooManyRequests, title: "Too many sign-ins",
            message: "Too many sign-ins from this address; try again shortly.")
        response.headers[.retryAfter] = String(seconds)
        return response
    }

    static func oauthError(_ error: OAuthError) -> Response {
        var response = json(HTTPResponse.Status(code: error.status), error.body)
        if error.error == "invalid_client" { response.headers[.wwwAuthenticate] = "Basic realm=\"roster\"" }
        return response
    }

    /// A page of Roster's own, with no script but `script` and nothing loaded from elsewhere. A page with a form
    /// sets no `form-action`: browsers apply it to the redirects that follow a submission too, and Roster's forms
    /// end at the identity provider or the application.
    static func page(
        _ status: HTTPResponse.Status, title: String, message: String, body extra: String = "", script: String? = nil
    ) -> Response {
        let nonce = Secrets.random()
        let html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <style nonce="\(nonce)">body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem;color:#1d2330}
            h1{font-size:1.4rem}input[type=email]{font:inherit;padding:.5rem;width:100%;box-sizing:border-box;margin:.5rem 0}
            button{font:inherit;padding:.5rem 1.2rem}.message{padding:.75rem 1rem;background:#f4f6fa;border-left:4px solid #4b6bfb}</style>
            </head><body><h1>\(escape(title))</h1>\(message.isEmpty ? "" : "<p class=\"message\" id=\"message\">\(escape(message))</p>")\(extra)\(script.map { "<script nonce=\"\(nonce)\">\($0)</script>" } ?? "")</body></html>

            """
        return Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .contentSecurityPolicy:
                    "default-src 'none'; style-src 'nonce-\(nonce)'; script-src 'nonce-\(nonce)'; frame-ancestors 'none'; base-uri 'none'"
                    + (extra.isEmpty ? "; form-action 'none'" : ""),
                HTTPField.Name("X-Content-Type-Options")!: "nosniff", HTTPField.Name("Referrer-Policy")!: "no-referrer",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// Asks for a work email, which names the organization; the application's other parameters ride along.
    static func emailPage(application: String, message: String?, form: Form) -> Response {
        let hidden = form.fields.filter { $0.key != "login_hint" && !form.repeated.contains($0.key) }
            .sorted { $0.key < $1.key }
            .map { "<input type=\"hidden\" name=\"\(escape($0.key))\" value=\"\(escape($0.value))\">" }.joined()
        let body = """
            <form method="get" action="/oauth/authorize">\(hidden)<label for="login_hint">Work email</label>
            <input type="email" id="login_hint" name="login_hint" autocomplete="email" required value="\(escape(form["login_hint"] ?? ""))">
            <button type="submit">Continue</button></form>
            """
        return page(
            message == nil ? .ok : .badRequest, title: "Sign in to \(application)",
            message: message ?? "Enter your work email: it tells Roster which company's sign-in to use.", body: body)
    }

    /// The identity provider's fields, posted again to the ACS URL from Roster's own page (a button without
    /// JavaScript).
    static func repost(_ form: Form, connection: String) -> Response {
        let path = "/sso/saml/\(OpenIDProvider.percentEncoded(connection))/acs"
        let fields = ["SAMLResponse", "RelayState"].compactMap { name in
            form[name].map { "<input type=\"hidden\" name=\"\(name)\" value=\"\(escape($0))\">" }
        }.joined()
        let body = """
            <form method="post" action="\(escape(path))" id="continue">\(fields)<input type="hidden" name="roster_continue" value="1"><button type="submit">Continue</button></form>
            """
        return page(
            .ok, title: "Signing in…", message: "", body: body, script: "document.getElementById('continue').submit()")
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }
}
