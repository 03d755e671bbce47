import Directory
import Foundation
import GRDB
import RosterTestSupport
import SCIMCore
import Testing

@testable import SQLiteStore

/// How SQLite writes: only what changed, and the WAL copied back into the database file off the writer's path.
struct SQLiteWritesTests {
    static func user(_ body: JSONObject, version: Int = 1) -> StoredResource {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        return StoredResource(id: "u1", kind: .user, version: version, created: now, lastModified: now, body: body)
    }

    /// The last valid frame of the WAL, from the WAL-index header (SQLite's file format: `mxFrame`, at offset 16 of
    /// the `-shm` file, in the machine's byte order).
    static func walFrames(_ path: String) throws -> UInt32 {
        let header = try Data(contentsOf: URL(fileURLWithPath: path + "-shm")).prefix(20)
        return header.dropFirst(16).withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
    }

    /// The index rows of resource `id`, in a stable order.
    static func rows(of id: String, in store: SQLiteStore) async throws -> [String] {
        try await store.database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT path, element, text_value, number_value, bool_value, time_value FROM attribute_values
                    WHERE resource_pk = (SELECT pk FROM resources WHERE id = ?) ORDER BY path, element
                    """, arguments: [id]
            ).map { $0.description }
        }
    }

    /// After updates that keep, change, add and drop values, the rows are exactly those a fresh insert of the
    /// last body writes.
    @Test func anUpdateLeavesTheRowsAFreshInsertWrites() async throws {
        let store = try SQLiteStore.inMemory()
        let bodies: [JSONObject] = [
            [
                "userName": "a@example.com", "title": "One", "active": true,
                "emails": [.object(["value": "a@example.com"])],
            ],
            [
                "userName": "a@example.com", "title": "Two", "active": true,
                "emails": [.object(["value": "a@example.com"]), .object(["value": "b@example.com"])],
            ],
            [
                "userName": "a@example.com", "title": "Two", "active": false,
                "emails": [.object(["value": "b@example.com"])],
            ],
            ["userName": "b@example.com", "active": false, "name": .object(["givenName": "Bea"])],
        ]
        try await store.insert(Self.user(bodies[0]), members: [], events: [], in: .default)
        for (index, body) in bodies.enumerated().dropFirst() {
            var user = Self.user(body, version: index + 1)
            user.keepsUniqueKey = body["userName"] == bodies[index - 1]["userName"]
            #expect(
                try await store.update(
                    user, expectedVersion: index, members: MembershipChange(), events: [], in: .default))
            let fresh = try SQLiteStore.inMemory()
            try await fresh.insert(user, members: [], events: [], in: .default)
            #expect(try await Self.rows(of: "u1", in: store) == (try await Self.rows(of: "u1", in: fresh)))
        }
    }

    /// Past 1,000 WAL pages the checkpointer copies them back, and the writer's next transaction starts the WAL
    /// over, without the writer having checkpointed (it would only past 16,000 pages).
    @Test func theCheckpointerKeepsTheWALShortOffTheWritersPath() async throws {
        let path = TemporaryDatabase.path("roster-writes")
        let store = try SQLiteStore(path: path)
        let checkpointer = try #require(store.checkpointer)
        let filler = String(repeating: "x", count: 2_000)
        for batch in 0..<4 {
            let users = (0..<1_000).map { index in
                var user = Self.user(["userName": .string("u\(batch)-\(index)@example.com"), "title": .string(filler)])
                user.id = "\(batch)-\(index)"
                return user
            }
            try await store.insertMany(users, in: .default)
        }
        let deadline = ContinuousClock.now + .seconds(30)
        while checkpointer.runs.load(ordering: .relaxed) == 0 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(checkpointer.runs.load(ordering: .relaxed) > 0)
        // Once the checkpoint has copied every page (no reader holds an older snapshot here), the next write starts
        // the WAL from its beginning: it then holds only that write's pages (read from the WAL-index header, which
        // a checkpoint to look would change).
        var frames = UInt32.max
        while frames > 100 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            let group = StoredResource(
                id: UUID().uuidString, kind: .group, version: 1, created: Date(), lastModified: Date(),
                body: ["displayName": .string(UUID().uuidString)])
            try await store.insertMany([group], in: .default)
            frames = try Self.walFrames(path)
        }
        #expect(frames <= 100, "the WAL holds \(frames) pages")
    }
}
