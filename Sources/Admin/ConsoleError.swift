import Directory
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SCIMCore
import SCIMHTTP

/// A console request that cannot be served, shown to the admin as a page (or a redirect to sign in).
enum ConsoleError: Error {
    case signInRequired
    case forbidden(String)
    case notFound(String)
    case badRequest(String)
    case tooMany(String, retryAfter: Int)
}

/// Renders console errors as pages; anything unexpected becomes a 500 page naming the request id.
struct ConsoleErrorMiddleware: RouterMiddleware {
    typealias Context = SCIMRequestContext
    let pages: Pages
    /// Where an error page leads back to: the console, or the setup portal.
    var home = "/admin"

    @concurrent func handle(
        _ request: Request, context: Context, next: @concurrent (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ConsoleError {
            return response(for: error, request: request)
        } catch let error as SCIMError where error.status < 500 {
            // The directory's refusals (an unknown id, a search too long to be a filter) are the admin's to read.
            return errorPage(error.status == 404 ? .notFound : .badRequest, error.detail)
        } catch let error where StoreUnavailable.from(error) != nil {
            let unavailable = StoreUnavailable.from(error)!
            OutageLog.shared.report(unavailable, logger: context.logger)
            var response = errorPage(
                HTTPResponse.Status(code: unavailable.status, reasonPhrase: "Directory unavailable"),
                unavailable.status == 507
                    ? "Roster's storage is full, so nothing can be changed until an operator frees space or raises the limit. Pages that only read still work."
                    : "Roster cannot reach its database right now, so this page cannot be shown. Nothing was changed. Try again in a few seconds; an operator may want to check the database."
            )
            response.headers[.retryAfter] = String(unavailable.retryAfter)
            return response
        } catch let error as HTTPError where error.status == .contentTooLarge {
            return errorPage(.contentTooLarge, "The form is too large.")
        } catch is NIOTooManyBytesError {
            return errorPage(.contentTooLarge, "The form is too large.")
        } catch  where clientWentAway(error) {
            // Nobody is there to read a page; a browser leaving mid-form is not the console's fault.
            context.logger.debug("The browser closed the connection before its form was read")
            return Response(status: .init(code: 499, reasonPhrase: "Client Closed Request"))
        } catch {
            context.logger.error("Console request failed", metadata: ["error": "\(String(reflecting: error))"])
            return errorPage(.internalServerError, "Something went wrong (request \(context.id)).")
        }
    }

    private func errorPage(_ status: HTTPResponse.Status, _ detail: String) -> Response {
        pages.error(status, detail, home: home)
    }

    private func response(for error: ConsoleError, request: Request) -> Response {
        switch error {
        case .signInRequired: Pages.redirect(Self.signIn(returningTo: request))
        case .forbidden(let detail): errorPage(.forbidden, detail)
        case .notFound(let detail): errorPage(.notFound, detail)
        case .badRequest(let detail): errorPage(.badRequest, detail)
        case .tooMany(let detail, let retryAfter):
            {
                var response = errorPage(.tooManyRequests, detail)
                response.headers[.retryAfter] = String(retryAfter)
                return response
            }()
        }
    }
}

extension ConsoleErrorMiddleware {
    /// The sign-in page, with the page a signed-out browser asked for to return to afterwards (a GET's only: a
    /// form posted after the session ended is not replayed).
    static func signIn(returningTo request: Request) -> String {
        guard request.method == .get, let path = request.head.path, ReturnTo.isSafe(path), path != "/admin",
            path != "/admin/"
        else { return "/admin/sign-in" }
        return "/admin/sign-in?" + AdminConsole.query(["next": path])
    }
}

/// Where sign-in may send a browser back to: a console page of this server, never another site.
enum ReturnTo {
    static func isSafe(_ path: String) -> Bool {
        // No dot segments, written or percent-encoded, in the path: `/admin/../portal` is not a console page.
        let route = path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
        guard !route.contains("%"), !route.split(separator: "/").contains(where: { $0 == "." || $0 == ".." }) else {
            return false
        }
        return path.utf8.count <= 2000 && (path == "/admin" || path.hasPrefix("/admin/")) && !path.contains("//")
            && !path.contains("\\") && !path.hasPrefix("/admin/sign-") && !path.hasPrefix("/admin/setup")
            && path.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F }
    }
}

/// Headers every console response carries: no framing, no sniffing, no referrer, scripts and styles from Roster only.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static var headers: HTTPFields {
        [
            HTTPField.Name("Content-Security-Policy")!:
                "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
                + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            HTTPField.Name("X-Frame-Options")!: "DENY",
            HTTPField.Name("Referrer-Policy")!: "no-referrer",
            .cacheControl: "no-store",
        ]
    }

    @concurrent func handle(
        _ request: Request, context: Context, next: @concurrent (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        for field in Self.headers where response.headers[field.name] == nil { response.headers.append(field) }
        return response
    }
}
