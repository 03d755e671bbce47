import App
import Directory
import Foundation
import RosterTestSupport
import SCIMCore
import Testing

@testable import PostgresStore

/// A new PostgreSQL database filled by an identity provider's first push gets the planner's statistics from
/// Roster itself, without waiting for autovacuum: without them a GET by id scanned every user.
@Suite struct PostgresStatisticsTests {
    @Test func statisticsAreGatheredAfterAFirstLargeImport() async throws {
        guard PostgresTestDatabase.isConfigured else { return }
        let analyzed = try await withPostgresStore { store in
            func analyzedAt() async throws -> Bool {
                let rows = try await store.run(
                    SQL("SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'resources'"))
                return try rows.first.map { try $0.decode(Bool.self) } ?? false
            }
            #expect(try await analyzedAt() == false, "a new database has no statistics")
            let now = Date(timeIntervalSince1970: 1_700_000_000)
            let users = (0..<600).map { index in
                StoredResource(
                    id: "u\(index)", kind: .user, version: 1, created: now, lastModified: now,
                    body: ["userName": .string("user\(index)@example.com")])
            }
            let refused = try await store.insertEach(users, events: users.map { _ in [] }, in: .default)
            #expect(refused.allSatisfy { $0 == nil })
            for _ in 0..<100 {
                if try await analyzedAt() { return true }
                try await Task.sleep(for: .milliseconds(100))
            }
            return false
        }
        #expect(analyzed, "ANALYZE ran after 600 inserts")
    }
}
