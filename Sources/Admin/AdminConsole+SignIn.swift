import Directory
import Foundation
import Hummingbird
import SCIMHTTP
import Synchronization

extension AdminConsole {
    /// First run, sign-in and sign-out. Failed sign-ins are throttled per client address and per name.
    func registerSignIn(on group: RouterGroup<SCIMRequestContext>) {
        group.get("sign-in", use: signInForm)
        group.post("sign-in", use: signIn)
        group.post("sign-out", use: signOut)
        group.get("setup", use: setupForm)
        group.post("setup", use: setUp)
    }

    @Sendable func signInForm(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let next = request.uri.queryParameters["next"].map(String.init).flatMap { ReturnTo.isSafe($0) ? $0 : nil }
        if (try? await signedIn(request)) != nil { return Pages.redirect(next ?? "/admin") }
        if try await !accounts.any() {
            return pages.error(
                .notFound,
                "No administrator exists yet. Open the setup link that roster serve printed, or run: roster admin create NAME"
            )
        }
        let layout = layout("Sign in", section: .none, session: nil, request: request)
        return anonymousForm("sign-in", request: request) { SignInPage(layout: layout, csrf: $0, next: next) }
    }

    @Sendable func signOut(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let session = try await signedIn(request)
        _ = try await form(request, context: context, session: session)
        if let secret = request.cookies[Sessions.cookieName]?.value {
            try await accounts.endSession(secret: secret)
        }
        var response = redirect("/admin/sign-in", flash: "You are signed out.")
        response.setCookie(Sessions.expired(Sessions.cookieName, secure: settings.secureCookies))
        return response
    }

    @Sendable func setupForm(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let token = request.uri.queryParameters["token"].map(String.init)
        guard try await accounts.setupIsValid(token) else { return try await setupUnavailable() }
        let layout = layout("Create the first administrator", section: .none, session: nil, request: request)
        return anonymousForm("setup", request: request) {
            SetupPage(layout: layout, csrf: $0, setupToken: token ?? "")
        }
    }

    @Sendable func signIn(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let form = try await form(request, context: context, session: nil)
        let address = settings.addresses.client(of: request.headers, peer: context.peerAddress)
        let name = Folding.fold(form.text("username") ?? "")
        if let wait = signInThrottle.addresses.remaining(address) {
            throw ConsoleError.tooMany(
                "Too many failed sign-ins from your address. Try again in \(wait) seconds.", retryAfter: wait)
        }
        // Guesses at one name spread over many addresses slow that name down instead of locking its owner out;
        // the wait holds nothing another sign-in needs.
        if signInThrottle.names.remaining(name) != nil { try await Task.sleep(for: .seconds(2)) }
        guard let slot = await signInThrottle.enter(address: address) else {
            throw ConsoleError.tooMany("Too many sign-ins at once. Try again in a moment.", retryAfter: 1)
        }
        defer { signInThrottle.leave(slot) }
        let admin =
            name.count > 100
            ? nil : try await accounts.verify(username: form["username"] ?? "", password: form["password"] ?? "")
        let next = form["next"].flatMap { ReturnTo.isSafe($0) ? $0 : nil }
        guard let admin else {
            signInThrottle.recordFailure(address: address, name: String(name.prefix(100)))
            let layout = layout("Sign in", section: .none, session: nil, request: request)
            return anonymousForm("sign-in", request: request, status: .unauthorized) {
                SignInPage(
                    layout: layout, csrf: $0, next: next, username: form["username"] ?? "",
                    error: "Incorrect name or password.")
            }
        }
        return try await startSession(for: admin, request: request, next: next)
    }

    @Sendable func setUp(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let form = try await form(request, context: context, session: nil)
        guard try await accounts.setupIsValid(form["setupToken"]) else { return try await setupUnavailable() }
        var problem: String?
        if form["password"] != form["confirm"] { problem = "The two passwords differ." }
        if problem == nil {
            do {
                guard
                    let admin = try await accounts.createFirst(
                        username: form["username"] ?? "", password: form["password"] ?? "",
                        setupSecret: form["setupToken"] ?? "")
                else { return try await setupUnavailable() }
                return try await startSession(for: admin, request: request, next: nil)
            } catch let error as AccountProblem {
                problem = error.description
            }
        }
        let layout = layout("Create the first administrator", section: .none, session: nil, request: request)
        return anonymousForm("setup", request: request, status: .badRequest) {
            SetupPage(
                layout: layout, csrf: $0, setupToken: form["setupToken"] ?? "", username: form["username"] ?? "",
                error: problem)
        }
    }

    private func setupUnavailable() async throws -> Response {
        if try await accounts.any() { return Pages.redirect("/admin/sign-in") }
        return pages.error(
            .forbidden,
            "This setup link is not valid (it is replaced each time roster serve starts). Use the newest link, or run: roster admin create NAME"
        )
    }

    /// A new session replaces whatever session cookie the browser had, so a planted session id is worthless.
    private func startSession(for admin: AdminAccount, request: Request, next: String?) async throws -> Response {
        if let old = request.cookies[Sessions.cookieName]?.value { try? await accounts.endSession(secret: old) }
        let (secret, _) = try await accounts.startSession(for: admin, lifetime: settings.sessionLifetime)
        var response = Pages.redirect(next ?? "/admin")
        response.setCookie(
            Sessions.cookie(
                Sessions.cookieName, value: secret, maxAge: Int(settings.sessionLifetime),
                secure: settings.secureCookies))
        response.setCookie(Sessions.expired(CSRF.cookieName, secure: settings.secureCookies))
        return response
    }

    /// A page with a form posted before sign-in: its CSRF token is a double-submit cookie.
    private func anonymousForm(
        _ template: String, request: Request, status: HTTPResponse.Status = .ok,
        model: (_ csrf: String) -> some PageModel
    ) -> Response {
        // A cookie that is not one of ours (empty, say, set by a sibling site) is replaced, never trusted.
        let existing = request.cookies[CSRF.cookieName]?.value
        let token = existing.flatMap { $0.count == 43 ? $0 : nil } ?? Secrets.random()
        var response = render(template, model(token), status: status)
        response.setCookie(
            Sessions.cookie(
                CSRF.cookieName, value: token, maxAge: 3600, secure: settings.secureCookies, sameSite: "Strict"))
        return response
    }
}

struct SignInPage: PageModel {
    var layout: Layout
    var csrf: String
    var next: String?
    var username = ""
    var error: String?
}

struct SetupPage: PageModel {
    var layout: Layout
    var csrf: String
    var setupToken: String
    var username = ""
    var error: String?
}

/// Failed sign-ins: ten a minute from one client address lock that address out for five minutes; ten a minute
/// for one name make each later attempt at that name wait two seconds for five minutes (its owner, elsewhere, is
/// slowed, never locked out). Password checks are slow on purpose: at most four run at once, and one at a time per
/// address, so one client cannot take them all; a sign-in waits up to five seconds for its turn.
final class SignInThrottle: Sendable {
    let addresses: FailureLockout
    let names: FailureLockout
    private let running = Mutex<(count: Int, addresses: Set<String>)>((0, []))
    static let concurrentChecks = 4
    static let longestWait: Duration = .seconds(5)

    /// `clock`: the time the lockouts refill and end by.
    init(clock: @escaping @Sendable () -> Date = { Date() }) {
        addresses = FailureLockout(limit: 10, lockout: 300, clock: clock)
        names = FailureLockout(limit: 10, lockout: 300, clock: clock)
    }

    /// A turn for one password check, or nil when this address already has one or none came within five seconds.
    func enter(address: String) async -> String? {
        let start = ContinuousClock.now
        while true {
            let outcome = running.withLock { running -> Bool? in
                if running.addresses.contains(address) { return false }
                guard running.count < Self.concurrentChecks else { return nil }
                running.count += 1
                running.addresses.insert(address)
                return true
            }
            if let outcome { return outcome ? address : nil }
            guard ContinuousClock.now - start < Self.longestWait else { return nil }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    func leave(_ address: String) {
        running.withLock { running in
            running.count -= 1
            running.addresses.remove(address)
        }
    }

    func recordFailure(address: String, name: String) {
        addresses.recordFailure(address)
        names.recordFailure(name)
    }
}
