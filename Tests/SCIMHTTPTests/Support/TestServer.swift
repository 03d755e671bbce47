import App
import Directory
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Prometheus
import RosterTestSupport
import SCIMCore
import SCIMHTTP
import SQLiteStore
import ServiceLifecycle
import Testing

/// A real Roster server on a loopback port, over a fresh database, with one active token.
struct TestServer: Sendable {
    /// The default organization's directory, the one the server's token belongs to.
    var directory: Directory { services.organizations.defaultDirectory }

    static let publicURL = "https://roster.example.com"
    static let scimBase = publicURL + "/scim/v2"

    /// The database's stores, for tests that look behind the directory's rules.
    let store: Stores
    /// The server's own services: what its routes and console use.
    let services: Services
    let token: String
    let backend: StoreBackend
    let configuration: App.Configuration

    /// Runs `body` against a live server on each available store: a SQLite file always, PostgreSQL when
    /// `ROSTER_TEST_POSTGRES_URL` is set. Returns the last run's result.
    @discardableResult
    static func run<T: Sendable>(
        tokenCacheSeconds: Double = 2, rateLimit: Double? = nil, metricsToken: String? = nil,
        trustedProxies: [AddressRange] = [], limits: Directory.Limits = Directory.Limits(),
        configure: @Sendable (inout App.Configuration) -> Void = { _ in },
        _ body: @Sendable (TestServer, SCIMClient) async throws -> T
    ) async throws -> T {
        var result: T?
        for backend in StoreBackend.servable {
            result = try await run(
                on: backend, tokenCacheSeconds: tokenCacheSeconds, rateLimit: rateLimit, metricsToken: metricsToken,
                trustedProxies: trustedProxies, limits: limits, configure: configure, body)
        }
        guard let result else { throw CancellationError() }
        return result
    }

    /// `database` is an existing database to serve (copied by the caller); by default a new one.
    static func run<T: Sendable>(
        on backend: StoreBackend, tokenCacheSeconds: Double, rateLimit: Double?, metricsToken: String? = nil,
        trustedProxies: [AddressRange] = [], limits: Directory.Limits = Directory.Limits(), database: String? = nil,
        configure: @Sendable (inout App.Configuration) -> Void = { _ in },
        _ body: @Sendable (TestServer, SCIMClient) async throws -> T
    ) async throws -> T {
        let location = if let database { database } else { try await backend.newLocation() }
        defer {
            if backend != .postgres {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: location + suffix) }
            }
        }
        var settings = App.Configuration(
            host: "127.0.0.1", port: 0, database: location, publicURL: publicURL, tokenCacheSeconds: tokenCacheSeconds,
            rateLimit: rateLimit, passwordCost: 4, metricsToken: metricsToken, trustedProxies: trustedProxies)
        settings.limits = limits
        // The test client does not reopen a keep-alive connection the server closed while idle, and a test may
        // spend longer than the default 30 s between requests on a loaded machine.
        settings.headerTimeout = 600
        // Waiting for a PostgreSQL connection is bounded (503 past it); the outage tests are about that bound, and
        // here a loaded machine must not turn a slow test into a 503.
        settings.databaseWait = 60
        configure(&settings)
        let configuration = settings
        return try await Roster.withStores(configuration) { store in
            let metrics = PrometheusCollectorRegistry()
            let services = Roster.services(
                configuration, stores: store, metrics: metrics,
                poolSize: backend == .postgres ? configuration.databasePoolSize : nil)
            let token = try await services.organizations.defaultDirectory.createToken(
                description: "Okta", status: .active
            ).secret
            var logger = Logger(label: "roster-test")
            logger.logLevel = .warning
            let server = TestServer(
                store: store, services: services, token: token, backend: backend, configuration: configuration)
            return try await LiveClient.serve(logger: logger) { running in
                Roster.application(
                    configuration, services: services, logger: logger, metrics: metrics, onServerRunning: running)
            } test: { client in
                try await body(server, SCIMClient(client: client, token: token))
            }
        }
    }
}

/// A keep-alive HTTP/1.1 connection to a server the test runs (Hummingbird's `.live` framework, but patient).
///
/// `.live` fails a request that has not been answered within 20 s, and with every suite running at once on a
/// 2-core machine an answer once took longer: a timing assertion in disguise. This client waits up to five minutes,
/// long enough never to fail a correct server, short enough to end a test whose server hangs.
struct LiveClient: Sendable {
    struct Response: Sendable {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: ByteBuffer
    }

    let client: TestClient
    let port: Int?

    func execute(
        uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: ByteBuffer? = nil
    ) async throws -> Response {
        var headers = headers
        headers[.connection] = "keep-alive"
        let response = try await client.execute(
            TestClient.Request(uri, method: method, authority: "localhost", headers: headers, body: body))
        return Response(status: response.status, headers: response.headers, body: response.body ?? ByteBuffer())
    }

    /// Runs the application `make` builds (handing it the callback that reports its port) until `test` returns,
    /// with a client connected to it.
    static func serve<App: ApplicationProtocol, T: Sendable>(
        logger: Logger, _ make: (@escaping @Sendable (any Channel) async -> Void) -> App,
        test: @Sendable (LiveClient) async throws -> T
    ) async throws -> T {
        let (ports, reporter) = AsyncStream<Int>.makeStream()
        let app = make { channel in
            reporter.yield(channel.localAddress?.port ?? 0)
            reporter.finish()
        }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            let services = ServiceGroup(
                configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
            group.addTask {
                // A server that fails to start ends the stream, so the wait for its port ends too.
                defer { reporter.finish() }
                try await services.run()
            }
            var reported = ports.makeAsyncIterator()
            guard let port = await reported.next(), port > 0 else {
                await services.triggerGracefulShutdown()
                try await group.waitForAll()
                throw CLIError(description: "the test server did not start")
            }
            let client = TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(300)))
            client.connect()
            let result: Result<T, any Error>
            do {
                result = .success(try await test(LiveClient(client: client, port: port)))
            } catch {
                result = .failure(error)
            }
            try? await client.shutdown()
            await services.triggerGracefulShutdown()
            return try result.get()
        }
    }
}

/// A response with its body parsed as JSON (nil when empty or not JSON).
struct SCIMReply: Sendable {
    let status: Int
    let headers: HTTPFields
    let text: String
    let json: JSON?

    subscript(key: String) -> JSON? { json?[key] }

    var contentType: String? { headers[.contentType] }
}

/// Sends SCIM requests with real JSON bodies and Okta's headers.
struct SCIMClient: Sendable {
    let client: LiveClient
    let token: String

    static let oktaHeaders: HTTPFields = [
        .accept: "application/scim+json", HTTPField.Name("Accept-Charset")!: "utf-8",
        .userAgent: "Okta SCIM Client 1.0.0",
    ]

    func send(
        _ method: HTTPRequest.Method, _ path: String, body: String? = nil, authorization: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> SCIMReply {
        var headers = Self.oktaHeaders
        headers[.authorization] = authorization ?? "Bearer \(token)"
        if body != nil { headers[.contentType] = "application/scim+json; charset=utf-8" }
        for field in extra { headers[field.name] = field.value }
        let uri = path.hasPrefix("/") ? path : "/scim/v2/" + path
        let response = try await client.execute(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        let text = String(buffer: response.body)
        let json = text.isEmpty ? nil : try? JSON.parse(Array(text.utf8))
        return SCIMReply(status: Int(response.status.code), headers: response.headers, text: text, json: json)
    }

    func get(_ path: String, authorization: String? = nil, headers: HTTPFields = [:]) async throws -> SCIMReply {
        try await send(.get, path, authorization: authorization, headers: headers)
    }

    func post(_ path: String, _ body: String) async throws -> SCIMReply {
        try await send(.post, path, body: body)
    }

    func put(_ path: String, _ body: String, headers: HTTPFields = [:]) async throws -> SCIMReply {
        try await send(.put, path, body: body, headers: headers)
    }

    func patch(_ path: String, _ body: String, headers: HTTPFields = [:]) async throws -> SCIMReply {
        try await send(.patch, path, body: body, headers: headers)
    }

    func delete(_ path: String, headers: HTTPFields = [:]) async throws -> SCIMReply {
        try await send(.delete, path, headers: headers)
    }

    /// Creates a user with a given and family name and returns its id.
    func createUser(_ userName: String, extra: String = "") async throws -> String {
        let reply = try await post(
            "Users",
            #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"\#(userName)","#
                + #""name":{"givenName":"Given","familyName":"Family"},"active":true\#(extra)}"#)
        #expect(reply.status == 201, "\(reply.text)")
        return try #require(reply["id"]?.stringValue)
    }

    /// Creates a group with the given member ids and returns its id.
    func createGroup(_ displayName: String, members: [String] = []) async throws -> String {
        let list = members.map { #"{"value":"\#($0)"}"# }.joined(separator: ",")
        let reply = try await post(
            "Groups",
            #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"\#(displayName)","#
                + #""members":[\#(list)]}"#)
        #expect(reply.status == 201, "\(reply.text)")
        return try #require(reply["id"]?.stringValue)
    }
}

extension SCIMReply {
    /// Checks the RFC 7644 §3.12 error shape: Error schema, `status` as a string, a non-empty `detail`.
    func expectError(_ status: Int, scimType: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(self.status == status, "\(text)", sourceLocation: sourceLocation)
        #expect(self["schemas"] == [.string(MessageSchema.error)], sourceLocation: sourceLocation)
        #expect(self["status"] == .string(String(status)), sourceLocation: sourceLocation)
        #expect((self["detail"]?.stringValue ?? "").isEmpty == false, sourceLocation: sourceLocation)
        #expect(self["scimType"]?.stringValue == scimType, "\(text)", sourceLocation: sourceLocation)
        #expect(contentType == "application/scim+json", sourceLocation: sourceLocation)
    }
}
