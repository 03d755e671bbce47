import Directory
import Foundation
import PostgresNIO
import RosterTestSupport
import SCIMCore
import StoreSQL
import Testing

@testable import App
@testable import PostgresStore
@testable import SQLiteStore

/// Earlier versions folded names by case alone, so a database may hold `alice@x.com` beside `ａlice@x.com` or
/// `alice@x.com ` (tab). The migration rekeys every name and never fails on such duplicates.
@Suite struct IdentityKeyMigrationTests {
    static let migration = "compare names as identities: trimmed, width and case folded"

    @Test func aRowHoldingItsKeyKeepsItThenTheOldestTakesIt() {
        let rows = [
            IdentityKeyMigration.Row(pk: 1, scope: "1/User", key: "\u{FF41}lice@x.com"),
            IdentityKeyMigration.Row(pk: 2, scope: "1/User", key: "alice@x.com\t"),
            IdentityKeyMigration.Row(pk: 3, scope: "1/User", key: "alice@x.com"),
            IdentityKeyMigration.Row(pk: 4, scope: "2/User", key: " alice@x.com"),
            IdentityKeyMigration.Row(pk: 5, scope: "1/Group", key: "jose\u{301}"),
            IdentityKeyMigration.Row(pk: 6, scope: "1/Group", key: "jos\u{E9} "),
        ]
        let changes = IdentityKeyMigration.rekey(rows)
        #expect(changes.map(\.pk) == [4, 5], "\(changes)")
        #expect(
            changes.map { Array($0.key.unicodeScalars) } == [
                Array("alice@x.com".unicodeScalars), ["j", "o", "s", "\u{E9}"],
            ])
    }

    @Test(arguments: StoreBackend.servable)
    func aDatabaseWithDuplicatesByTheNewRulesMigrates(backend: StoreBackend) async throws {
        let location = try await backend.newLocation()
        // As an earlier version wrote them: keys lower-cased only.
        let written: [(String, ResourceKind, String)] = [
            ("b", .user, "\u{FF21}lice@x.com"), ("c", .user, "Jose\u{301}@x.com"), ("d", .user, "  Carol@x.com\t"),
            ("g", .group, " Team"),
        ]
        try await Self.withDatabase(backend, location) { stores, database in
            for (id, kind, name) in written {
                try await stores.resources.insert(Self.resource(id, kind, name), members: [], in: .default)
                try await database.write(
                    BoundStatement(
                        "UPDATE resources SET unique_key = ? WHERE id = ?", [.text(name.lowercased()), .text(id)]))
            }
            // Made after the others, as the old version allowed.
            for (id, kind, name) in [("a", ResourceKind.user, "alice@x.com"), ("h", .group, "team")] {
                try await stores.resources.insert(Self.resource(id, kind, name), members: [], in: .default)
            }
            let forget =
                backend == .postgres
                ? "DELETE FROM roster_migrations WHERE name = ?" : "DELETE FROM grdb_migrations WHERE identifier = ?"
            try await database.write(BoundStatement(forget, [.text(Self.migration)]))
        }
        try await Self.withDatabase(backend, location) { stores, database in
            let keys = Dictionary(
                uniqueKeysWithValues: try await database.rows(BoundStatement("SELECT id, unique_key FROM resources"))
                    .map { ($0.text(0) ?? "", Array(($0.text(1) ?? "").unicodeScalars)) })
            let expected: [String: String] = [
                "a": "alice@x.com", "b": "\u{FF41}lice@x.com", "c": "jos\u{E9}@x.com", "d": "carol@x.com", "g": " team",
                "h": "team",
            ]
            #expect(keys == expected.mapValues { Array($0.unicodeScalars) }, "\(keys)")
            for (filter, id) in [(#"userName eq "JOSÉ@X.COM""#, "c"), (#"userName eq "carol@x.com""#, "d")] {
                let found = try await stores.resources.search(
                    ResourceQuery(
                        organization: .default, kind: .user, filter: try Filter.parse(filter),
                        page: Page(startIndex: 1, count: 10, maximum: 10)))
                #expect(found.resources.map(\.id) == [id], "\(filter)")
            }
            // The duplicate that kept its old key can still change (be deactivated) while its name stays; written
            // with its new key it would collide.
            var duplicate = try #require(try await stores.resources.fetch(.user, id: "b", in: .default))
            duplicate.body["active"] = false
            duplicate.version = 2
            await #expect(throws: SCIMError.self) {
                try await stores.resources.update(duplicate, expectedVersion: 1, members: .init(), in: .default)
            }
            duplicate.keepsUniqueKey = true
            #expect(try await stores.resources.update(duplicate, expectedVersion: 1, members: .init(), in: .default))
            let key = try await database.rows(BoundStatement("SELECT unique_key FROM resources WHERE id = 'b'"))
            #expect(key.first?.text(0).map { Array($0.unicodeScalars) } == Array("\u{FF41}lice@x.com".unicodeScalars))
        }
    }

    static func resource(_ id: String, _ kind: ResourceKind, _ name: String) -> StoredResource {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        return StoredResource(
            id: id, kind: kind, version: 1, created: now, lastModified: now,
            body: [kind.uniqueAttribute: .string(name)])
    }

    /// The stores of a database, migrated as a server start migrates it, and plain SQL on it.
    static func withDatabase(
        _ backend: StoreBackend, _ location: String, _ body: @Sendable (Stores, any SQLDatabase) async throws -> Void
    ) async throws {
        if backend != .postgres {
            let store = try SQLiteStore(path: location)
            try await body(store.stores, SQLiteDatabase(database: store.database, writes: store.writes, points: nil))
            return
        }
        try await withPostgresStore(on: location, maximumConnections: 2) { store in
            try await body(store.stores, PostgresDatabase(store: store))
        }
    }
}
