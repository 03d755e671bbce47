import Directory
import Foundation
import GRDB
import SCIMCore
import Testing

@testable import SQLiteStore

/// How SQLite writes: only what changed.
struct SQLiteWritesTests {
    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("roster-writes-\(UUID()).sqlite").path
    }

    static func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    static func user(_ body: JSONObject, version: Int = 1) -> StoredResource {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        return StoredResource(id: "u1", kind: .user, version: version, created: now, lastModified: now, body: body)
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
}
