import Directory
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SCIMCore

/// `GET /api/v1/events`: the feed of every change, newest last, for an application's secret.
public struct FeedRoutes: Sendable {
    let applications: Applications

    public init(applications: Applications) {
        self.applications = applications
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("api/v1/events") { request, context -> Response in
            do {
                _ = try await applications.authenticate(authorization: request.headers[.authorization])
                let query = request.uri.queryParameters
                let limit: Int
                if let text = query["limit"] {
                    guard let number = Int(String(text)) else {
                        throw FeedError(status: 400, code: "invalid_limit", detail: "limit must be a number.")
                    }
                    limit = number
                } else {
                    limit = 100
                }
                let types = query.getAll("types").flatMap { $0.split(separator: ",").map(String.init) }
                let page = try await applications.feed(
                    after: query["after"].map(String.init), limit: limit, types: types.isEmpty ? nil : types,
                    organization: query["organization"].map(String.init))
                return Self.json(.ok, Self.body(page))
            } catch let error as FeedError {
                return Self.error(error)
            } catch let error as SCIMError where error.status < 500 {
                return Self.error(FeedError(status: error.status, code: "invalid_request", detail: error.detail))
            } catch is StoreUnavailable {
                var response = Self.error(
                    FeedError(
                        status: 503, code: "unavailable", detail: "The database is not answering; try again shortly."))
                response.headers[.retryAfter] = "1"
                return response
            } catch {
                context.logger.error("Event feed request failed", metadata: ["error": "\(error)"])
                return Self.error(
                    FeedError(
                        status: 500, code: "internal_error",
                        detail: "Roster could not read the feed; the server's log says why. Try again."))
            }
        }
    }

    /// The page as sent: each event's envelope as stored, never re-encoded.
    static func body(_ page: FeedPage) -> String {
        var text = "{\"data\":["
        for (index, event) in page.events.enumerated() {
            if index > 0 { text += "," }
            text += event.envelope
        }
        text += "],\"next_cursor\":" + JSON.string(page.nextCursor).serialized()
        text += ",\"has_more\":\(page.hasMore)}"
        return text
    }

    static func error(_ error: FeedError) -> Response {
        let body: JSONObject = ["error": .string(error.code), "detail": .string(error.detail)]
        var response = json(HTTPResponse.Status(code: error.status), JSON.object(body).serialized())
        if error.status == 401 { response.headers[.wwwAuthenticate] = "Bearer" }
        return response
    }

    static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
