import Directory
import Foundation
import RosterTestSupport
import SCIMCore
import SQLiteStore
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What an administrator trusts Roster with survives a crash: every acknowledged write is there after a SIGKILL,
/// and the database file is intact. SIGTERM stops the server cleanly.
@Suite(.serialized) struct DurabilityTests {
    @Test func acknowledgedWritesSurviveSIGKILL() async throws {
        let database = RosterCLITests.temporaryDatabase()
        let token = try await RosterCLITests.createToken("Crash", database: database)
        let server = try RunningServer(arguments: ["serve", "--port", "0", "--database", database])
        let base = "http://127.0.0.1:\(try await server.waitForPort())/scim/v2"

        // Creates and updates, each acknowledged before the next, until the server dies under them.
        let acknowledged = Mutexed<[String: String]>([:])
        let writer = Task {
            for index in 0..<100_000 {
                let (status, user) = try await RosterCLITests.send(
                    "POST", URL(string: "\(base)/Users")!, token: token, body: #"{"userName":"durable\#(index)"}"#)
                guard status == 201, let id = user?["id"]?.stringValue else { return }
                acknowledged.update { $0[id] = "" }
                let patch = #"{"Operations":[{"op":"replace","path":"title","value":"v\#(index)"}]}"#
                let (patched, _) = try await RosterCLITests.send(
                    "PATCH", URL(string: "\(base)/Users/\(id)")!, token: token, body: patch)
                guard patched == 200 else { return }
                acknowledged.update { $0[id] = "v\(index)" }
            }
        }
        // Kill in the middle of the stream, once it is well under way (however slow the machine is today).
        for _ in 0..<300 where acknowledged.value.count < 30 { try await Task.sleep(for: .milliseconds(100)) }
        server.kill()
        _ = await writer.result
        let writes = acknowledged.value
        #expect(writes.count > 10, "too few writes before the kill to mean anything")

        let store = try SQLiteStore(path: database)
        #expect(try await store.integrityCheck() == "ok")
        for (id, title) in writes {
            let user = try await store.fetch(.user, id: id, in: .default)
            #expect(user != nil, "acknowledged user \(id) lost")
            if !title.isEmpty { #expect(user?.body["title"] == .string(title), "acknowledged update of \(id) lost") }
        }
        let restarted = try RunningServer(arguments: ["serve", "--port", "0", "--database", database])
        defer { restarted.stop() }
        let port = try await restarted.waitForPort()
        let (status, list) = try await RosterCLITests.send(
            "GET", URL(string: "http://127.0.0.1:\(port)/scim/v2/Users?count=0")!, token: token, body: "")
        #expect(status == 200)
        #expect((list?["totalResults"]?.intValue ?? 0) >= writes.count)
    }

    /// Activity is written once a second; a shutdown between two writes still writes every event, none lost to
    /// the cancelled wait (a write under way used to be cancelled with it, its events counted as refused).
    @Test func sigtermWritesTheLastActivity() async throws {
        let database = RosterCLITests.temporaryDatabase()
        let token = try await RosterCLITests.createToken("Shutdown", database: database)
        for round in 0..<3 {
            let server = try RunningServer(arguments: ["serve", "--port", "0", "--database", database])
            let base = "http://127.0.0.1:\(try await server.waitForPort())/scim/v2"
            for index in 0..<5 {
                let (status, _) = try await RosterCLITests.send(
                    "GET", URL(string: "\(base)/Users/round\(round)-\(index)")!, token: token, body: "")
                #expect(status == 404)
            }
            server.stop()
            #expect(server.exitStatus == 0)
            #expect(!server.output.contains("Could not write provisioning activity"), "\(server.output)")
        }
        let events = try await SQLiteStore(path: database).stores.activity.activity(ActivityQuery(limit: 100))
        #expect(events.count == 15, "\(events.map(\.path))")
    }

    @Test func sigtermStopsTheServerCleanly() async throws {
        let server = try RunningServer(arguments: [
            "serve", "--port", "0", "--database", RosterCLITests.temporaryDatabase(),
        ])
        _ = try await server.waitForPort()
        server.stop()
        #expect(server.exitStatus == 0, "\(server.output)")
    }
}
