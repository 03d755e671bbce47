import Foundation
import SCIMCore
import Testing

/// `roster serve` logs one line per SCIM request on standard output: what was asked and how it ended, never the
/// token, the query (which may hold a userName) or the body.
struct RequestLogTests {
    @Test func requestLinesNameTheRequestButNoSecrets() async throws {
        let database = RosterCLITests.temporaryDatabase()
        let token = try await RosterCLITests.createToken("Logged", database: database)
        let server = try RunningServer(arguments: ["serve", "--port", "0", "--database", database])
        let base = "http://127.0.0.1:\(try await server.waitForPort())/scim/v2"
        let (created201, _) = try await RosterCLITests.send(
            "POST", URL(string: "\(base)/Users")!, token: token, body: #"{"userName":"private.person@example.com"}"#)
        let (found, _) = try await RosterCLITests.send(
            "GET", URL(string: "\(base)/Users?filter=userName%20eq%20%22private.person@example.com%22")!,
            token: token, body: "")
        let (refused, _) = try await RosterCLITests.send(
            "GET", URL(string: "\(base)/Users")!, token: "roster_not-a-real-token", body: "")
        server.stop()
        #expect(created201 == 201 && found == 200 && refused == 401)
        let lines = server.output.split(separator: "\n").filter { $0.hasSuffix("[SCIMHTTP] request") }
        #expect(lines.count == 3, "\(server.output)")
        for (line, (method, status)) in zip(lines, [("POST", 201), ("GET", 200), ("GET", 401)]) {
            #expect(line.contains(" info roster: client=other hb.request.id="), "\(line)")
            #expect(line.contains(" method=\(method) ") && line.contains(" path=/scim/v2/Users "), "\(line)")
            #expect(line.contains(" status=\(status) ") && line.contains(" ms="), "\(line)")
        }
        #expect(!server.output.contains("private.person"))
        #expect(!server.output.contains(token) && !server.output.contains("not-a-real-token"))
    }
}
