import Directory
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import SCIMCore

/// The application's API, for an application's secret: `GET /api/v1/events` (the feed of every change, newest
/// last), `/api/v1/events/latest`, the read API under `/api/v1/organizations`, and the same events as SCIM
/// security events at `POST /api/v1/security-events` (RFC 8936 polling); and, for anyone, the keys that sign
/// them at `/.well-known/jwks.json`.
public struct FeedRoutes: Sendable {
    let organizations: Organizations
    var applications: Applications { organizations.applications }
    /// How long a security event poll without `returnImmediately` waits for an event.
    let longPoll: Duration

    public init(organizations: Organizations, longPoll: Duration = .seconds(20)) {
        self.organizations = organizations
        self.longPoll = longPoll
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.get(".well-known/jwks.json") { _, context -> Response in
            do {
                var response = Self.json(.ok, try await organizations.jsonWebKeySet().serialized())
                response.headers[.contentType] = "application/jwk-set+json"
                response.headers[.cacheControl] = "public, max-age=300"
                return response
            } catch {
                context.logger.error("Could not read the signing keys", metadata: ["error": "\(error)"])
                return Self.error(
                    FeedError(status: 503, code: "unavailable", detail: "The signing keys cannot be read; try again."))
            }
        }
        router.post("api/v1/security-events") { request, context -> Response in
            try await answer(request, context) { _, application in
                let body: ByteBuffer
                do {
                    body = try await request.body.collect(upTo: 1 << 20)
                } catch {
                    throw FeedError(
                        status: 413, code: "too_large", detail: "A poll request's body is at most 1 MiB.")
                }
                let poll = try SecurityEventPoll.parse(body.readableBytesView)
                let (batch, refused) = try await applications.poll(poll, by: application, longPoll: longPoll)
                // Only refusals of SETs handed out are logged, a few, their text cut short and flattened.
                for (id, reason) in refused.sorted(by: { $0.key < $1.key }).prefix(10) {
                    context.logger.warning(
                        "An application refused a security event",
                        metadata: [
                            "application": "\(application.id)", "jti": "\(Self.flat(id))",
                            "error": "\(Self.flat(reason))",
                        ])
                }
                return ByteBuffer(string: batch.json.serialized())
            }
        }
        router.get("api/v1/events") { request, context -> Response in
            try await answer(request, context) { query, _ in
                let types = query.getAll("types").flatMap { $0.split(separator: ",").map(String.init) }
                let page = try await applications.feed(
                    after: query["after"].map(String.init), limit: try Self.limit(query),
                    types: types.isEmpty ? nil : types, organization: query["organization"].map(String.init))
                return Self.body(page)
            }
        }
        router.get("api/v1/events/latest") { request, context -> Response in
            try await answer(request, context) { query, _ in
                let cursor = try await applications.latestCursor(organization: query["organization"].map(String.init))
                return ByteBuffer(string: JSON.object(["next_cursor": .string(cursor)]).serialized())
            }
        }
        router.get("api/v1/organizations") { request, context -> Response in
            try await answer(request, context) { _, _ in
                let organizations = try await applications.organizations().map { JSON.object(Organizations.json($0)) }
                return ByteBuffer(string: JSON.object(["data": .array(organizations)]).serialized())
            }
        }
        for (segment, kind) in [("users", ResourceKind.user), ("groups", .group)] {
            router.get("api/v1/organizations/:organization/\(segment)") { request, context -> Response in
                try await answer(request, context) { query, _ in
                    let page = try await applications.list(
                        kind, organization: try context.parameters.require("organization"),
                        after: query["after"].map(String.init), limit: try Self.limit(query))
                    return Self.body(page)
                }
            }
            router.get("api/v1/organizations/:organization/\(segment)/:id") { request, context -> Response in
                try await answer(request, context) { _, _ in
                    ByteBuffer(
                        string: try await applications.resource(
                            kind, id: try context.parameters.require("id"),
                            organization: try context.parameters.require("organization")
                        ).serialized())
                }
            }
        }
        router.get("api/v1/organizations/:organization/groups/:id/members") { request, context -> Response in
            try await answer(request, context) { query, _ in
                let page = try await applications.members(
                    ofGroup: try context.parameters.require("id"),
                    organization: try context.parameters.require("organization"),
                    after: query["after"].map(String.init), limit: try Self.limit(query))
                return Self.body(page)
            }
        }
    }

    /// Authenticates the application, runs `body` and answers its JSON text, or the error as JSON.
    private func answer<Context: RequestContext>(
        _ request: Request, _ context: Context,
        _ body: (FlatDictionary<Substring, Substring>, ApplicationRecord) async throws -> ByteBuffer
    ) async throws -> Response {
        do {
            let application = try await applications.authenticate(authorization: request.headers[.authorization])
            return Self.json(.ok, try await body(request.uri.queryParameters, application))
        } catch let error as FeedError {
            return Self.error(error)
        } catch let error as SCIMError where error.status < 500 {
            let code = error.status == 404 ? "not_found" : error.scimType ?? "invalid_request"
            return Self.error(FeedError(status: error.status, code: code, detail: error.detail))
        } catch is StoreUnavailable {
            var response = Self.error(
                FeedError(status: 503, code: "unavailable", detail: "The database is not answering; try again shortly.")
            )
            response.headers[.retryAfter] = "1"
            return response
        } catch {
            context.logger.error("Application API request failed", metadata: ["error": "\(error)"])
            return Self.error(
                FeedError(
                    status: 500, code: "internal_error",
                    detail: "Roster could not answer; the server's log says why. Try again."))
        }
    }

    /// A receiver's text as a log line may hold it: no control characters, at most 200 characters.
    static func flat(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.prefix(200).map { $0.properties.generalCategory == .control ? " " : $0 }))
    }

    /// `limit`, 100 when absent.
    static func limit(_ query: FlatDictionary<Substring, Substring>) throws -> Int {
        guard let text = query["limit"] else { return 100 }
        guard let number = Int(String(text)) else {
            throw FeedError(status: 400, code: "invalid_limit", detail: "limit must be a number.")
        }
        return number
    }

    /// A read API page: its items as SCIM shows them.
    static func body(_ page: ReadPage) -> ByteBuffer {
        ByteBuffer(
            string: JSON.object([
                "data": .array(page.items), "next_cursor": page.nextCursor.map(JSON.string) ?? .null,
                "has_more": .bool(page.nextCursor != nil),
            ]).serialized())
    }

    /// The page as sent: each event's envelope as stored, never re-encoded, written once into the body's bytes.
    static func body(_ page: FeedPage) -> ByteBuffer {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(page.events.reduce(64) { $0 + $1.payload.utf8.count + 200 })
        bytes += #"{"data":["#.utf8
        for (index, event) in page.events.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            event.appendEnvelope(to: &bytes)
        }
        bytes += #"],"next_cursor":"#.utf8
        bytes += JSON.string(page.nextCursor).serializedBytes()
        bytes += #","has_more":\#(page.hasMore)}"#.utf8
        return ByteBuffer(bytes: bytes)
    }

    static func error(_ error: FeedError) -> Response {
        let body: JSONObject = ["error": .string(error.code), "detail": .string(error.detail)]
        var response = json(HTTPResponse.Status(code: error.status), JSON.object(body).serialized())
        if error.status == 401 { response.headers[.wwwAuthenticate] = "Bearer" }
        return response
    }

    static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        json(status, ByteBuffer(string: text))
    }

    static func json(_ status: HTTPResponse.Status, _ body: ByteBuffer) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: body))
    }
}
