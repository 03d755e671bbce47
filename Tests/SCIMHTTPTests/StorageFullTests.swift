import App
import Foundation
import HTTPTypes
import SCIMCore
import Testing

/// SQLite's storage full (here its size limit, `--sqlite-max-size-mib`): writes are refused with 507 and a SCIM
/// error saying so, never a 500; nothing is half-written; reads, /readyz and the console go on; and writes work
/// again once space is freed.
@Suite struct StorageFullTests {
    @Test func aFullStorageRefusesWritesWith507AndRecoversWhenSpaceIsFreed() async throws {
        try await TestServer.run(
            on: .sqliteFile, tokenCacheSeconds: 2, rateLimit: nil, configure: { $0.sqliteMaxSizeMiB = 2 }
        ) { server, scim in
            let title = String(repeating: "x", count: 4000)
            var created: [String] = []
            var refused: SCIMReply?
            var refusedName = ""
            for index in 0..<3000 where refused == nil {
                let name = "filler\(index)@example.com"
                let reply = try await scim.post("Users", #"{"userName":"\#(name)","title":"\#(title)"}"#)
                switch reply.status {
                case 201: created.append(try #require(reply["id"]?.stringValue))
                default:
                    refused = reply
                    refusedName = name
                }
            }
            let full = try #require(refused, "the limit was reached")
            full.expectError(507)
            #expect(full["detail"]?.stringValue?.contains("storage is full") == true, "\(full.text)")
            #expect(created.count > 50, "\(created.count) users fit in 2 MiB")
            // Nothing of the refused write, and everything before it.
            let filter = "userName eq \"\(refusedName)\"".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            #expect(try await scim.get("Users?filter=\(filter)")["totalResults"] == 0)
            #expect(try await scim.get("Users?count=0")["totalResults"] == .int(created.count))
            // Reads and readiness go on.
            #expect(try await scim.get("Users/\(created[0])").status == 200)
            #expect(try await scim.send(.get, "/readyz").status == 200)
            let events = try await server.directory.activity(.init(limit: 5)).map(\.status)
            #expect(!events.contains(500), "\(events)")

            // Space freed, writes work again.
            for id in created.prefix(40) { #expect(try await scim.delete("Users/\(id)").status == 204) }
            let again = try await scim.post("Users", #"{"userName":"\#(refusedName)","title":"\#(title)"}"#)
            #expect(again.status == 201, "\(again.text)")
        }
    }
}
