import Foundation
import HTTPTypes
import RosterTestSupport
import Testing

/// Connection hygiene: deadlines for headers and bodies, a cap on open connections, HEAD wherever GET is,
/// `Expect: 100-continue`, and a client that hangs up counted as a client that left (499), never as a 500.
///
/// Their deadlines are timers a loaded machine delays: CI runs them on their own after the other suites
/// (`ROSTER_CONNECTION_TESTS_APART=1` leaves them out of the run of everything), where a 30 s bound is a bound on
/// the server and not on the machine.
@Suite(.disabled(if: ProcessInfo.processInfo.environment["ROSTER_CONNECTION_TESTS_APART"] == "1"))
struct ConnectionTests {
    static func request(_ method: String, _ path: String, token: String? = nil, headers: String = "", body: String = "")
        -> String
    {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\n"
        if let token { text += "Authorization: Bearer \(token)\r\n" }
        if !body.isEmpty { text += "Content-Type: application/scim+json\r\nContent-Length: \(body.utf8.count)\r\n" }
        return text + headers + "\r\n" + body
    }

    @Test func headIsAnsweredWhereverGetIsWithItsHeadersAndNoBody() async throws {
        try await TestServer.run { server, client in
            let port = try #require(client.client.port)
            let connection = try RawConnection(port: port)
            connection.send(Self.request("HEAD", "/scim/v2/Users?count=0", token: server.token))
            let head = try #require(await connection.receive(within: 30))
            #expect(head.hasPrefix("HTTP/1.1 200") && head.contains("application/scim+json"), "\(head)")
            #expect(head.hasSuffix("\r\n\r\n"), "no body follows: \(head)")
            // The connection goes on: the next request is answered in full.
            connection.send(Self.request("GET", "/healthz"))
            #expect(await connection.receive(within: 30)?.hasSuffix("ok\n") == true)
            // A group's members are streamed, with no length known beforehand: HEAD says so (chunked, as GET
            // would be) and sends no chunk, not even the last one.
            let group = try await client.post("Groups", #"{"displayName":"Streamed"}"#)
            let id = try #require(group["id"]?.stringValue)
            connection.send(Self.request("HEAD", "/scim/v2/Groups/\(id)", token: server.token))
            let groupHead = try #require(await connection.receive(within: 30))
            #expect(
                groupHead.hasPrefix("HTTP/1.1 200") && !groupHead.lowercased().contains("content-length: 0"),
                "\(groupHead)")
            #expect(groupHead.hasSuffix("\r\n\r\n"), "no body follows: \(groupHead)")
            connection.send(Self.request("GET", "/healthz"))
            let next = try #require(await connection.receive(within: 30))
            #expect(next.hasPrefix("HTTP/1.1 200") && next.hasSuffix("ok\n"), "\(next)")
            #expect(try await client.send(.head, "/healthz").status == 200)
            #expect(try await client.send(.head, "Users/nobody").status == 404)
        }
    }

    @Test func expectContinueIsAnsweredAndAnOversizedBodyRefusedBeforeItIsSent() async throws {
        try await TestServer.run { server, client in
            let port = try #require(client.client.port)
            let body = #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"expect@example.com"}"#
            let small = try RawConnection(port: port)
            small.send(
                "POST /scim/v2/Users HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(server.token)\r\n"
                    + "Content-Type: application/scim+json\r\nExpect: 100-continue\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
            )
            #expect(await small.receive(within: 30)?.hasPrefix("HTTP/1.1 100 Continue") == true)
            small.send(body)
            #expect(await small.receive(within: 30)?.hasPrefix("HTTP/1.1 201") == true)
            let large = try RawConnection(port: port)
            large.send(
                "POST /scim/v2/Users HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(server.token)\r\n"
                    + "Expect: 100-continue\r\nContent-Length: 50000000\r\n\r\n")
            let refused = try #require(await large.receive(within: 30))
            #expect(refused.hasPrefix("HTTP/1.1 413") && refused.contains(#""status":"413""#), "\(refused)")
            #expect(await large.closes(within: 30))
            // Without the expectation the body is sent anyway: it is read and dropped after the answer, and the
            // connection goes on.
            let sent = try RawConnection(port: port)
            let padding = String(repeating: "x", count: 1_100_000)
            sent.send(Self.request("POST", "/scim/v2/Users", token: server.token, body: #"{"title":"\#(padding)"}"#))
            let answer = try #require(await sent.receive(within: 30))
            #expect(answer.hasPrefix("HTTP/1.1 413"), "\(answer.prefix(200))")
            sent.send(Self.request("GET", "/healthz"))
            #expect(await sent.receive(within: 30)?.hasSuffix("ok\n") == true)
        }
    }

    /// The deadlines are a second; the bounds waited for are long because a loaded test run (every suite at once
    /// on two cores) delays the server's timers by seconds.
    @Test func slowHeadersAndSlowBodiesAreCutOff() async throws {
        try await TestServer.run(configure: {
            $0.headerTimeout = 1; $0.bodyTimeout = 1
        }) { server, client in
            let port = try #require(client.client.port)
            let idle = try RawConnection(port: port)
            let slowHeader = try RawConnection(port: port)
            slowHeader.send("GET /healthz HTTP/1.1\r\nHo")
            #expect(await slowHeader.closes(within: 30))
            #expect(await idle.closes(within: 30))
            let slowBody = try RawConnection(port: port)
            slowBody.send(
                "POST /scim/v2/Users HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(server.token)\r\n"
                    + "Content-Type: application/scim+json\r\nContent-Length: 500\r\n\r\n{\"userName\":")
            #expect(await slowBody.closes(within: 30))
            // The server goes on (the test client's own connection was idle too, so a new one asks).
            let fresh = try RawConnection(port: port)
            fresh.send(Self.request("GET", "/healthz"))
            #expect(await fresh.receive(within: 30)?.hasSuffix("ok\n") == true)
        }
    }

    /// A request answered before its body came (a bad token's 401): once the body has come the connection is idle,
    /// and idle connections are closed like any other. (The body's deadline is long here, so that a loaded machine
    /// answers before it passes.)
    @Test func aConnectionAnsweredBeforeItsBodyCameIsClosedOnceIdle() async throws {
        try await TestServer.run(configure: {
            $0.headerTimeout = 1; $0.bodyTimeout = 20
        }) { _, client in
            let port = try #require(client.client.port)
            let early = try RawConnection(port: port)
            early.send(
                "POST /scim/v2/Users HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer wrong\r\n"
                    + "Content-Type: application/scim+json\r\nContent-Length: 4\r\n\r\n{}")
            #expect(await early.receive(within: 15)?.hasPrefix("HTTP/1.1 401") == true)
            early.send("  ")
            #expect(await early.closes(within: 30))
        }
    }

    /// A client that hangs up mid-body left; it is no fault of the server's: 499 in the activity log and the
    /// metrics, and nothing written.
    @Test func aClientThatHangsUpMidBodyIsA499() async throws {
        try await TestServer.run { server, client in
            let port = try #require(client.client.port)
            let connection = try RawConnection(port: port)
            connection.send(
                "POST /scim/v2/Users HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(server.token)\r\n"
                    + "Content-Type: application/scim+json\r\nContent-Length: 500\r\n\r\n{\"userName\":")
            _ = await connection.receive(within: 0.3)
            connection.hangUp()
            var events: [Int] = []
            for _ in 0..<50 where !events.contains(499) {
                try await Task.sleep(for: .milliseconds(100))
                events = try await server.directory.activity(.init(limit: 10)).map(\.status)
            }
            #expect(events.contains(499) && !events.contains(500), "\(events)")
            #expect(try await client.get("Users?count=0")["totalResults"] == 0)
        }
    }
}
