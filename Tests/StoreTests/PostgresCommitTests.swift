import Directory
import Foundation
import RosterTestSupport
import SCIMCore
import Testing

@testable import PostgresStore

/// On PostgreSQL, a write of one statement commits after the server has sent its result: a write is done only once
/// its commit is.
@Suite struct PostgresCommitTests {
    /// A commit that fails after the statement's result came (here a deferred constraint that refuses one name at
    /// commit; in production, a server ending the session as the commit begins) is no success: the write is
    /// refused, and nothing of it is there.
    @Test func aWriteWhoseCommitFailsIsNotDone() async throws {
        guard PostgresTestDatabase.isConfigured else { return }
        try await Self.withStore { store in
            try await store.run(
                SQL(
                    """
                    CREATE FUNCTION refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        IF NEW.unique_key LIKE 'refused%' THEN RAISE EXCEPTION 'refused at commit'; END IF;
                        RETURN NULL;
                    END $$
                    """), writes: true)
            try await store.run(
                SQL(
                    """
                    CREATE CONSTRAINT TRIGGER refuse_at_commit AFTER INSERT ON resources
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_at_commit()
                    """), writes: true)
            try await store.insert(Self.user("kept"), members: [], events: [], in: .default)
            await #expect(throws: (any Error).self) {
                try await store.insert(
                    Self.user("refused"), members: [], events: [], in: .default)
            }
            let rows = try await store.run(SQL("SELECT id FROM resources ORDER BY id"))
            #expect(try rows.map { try $0.decode(String.self) } == ["kept"])
            // The store goes on.
            try await store.insert(Self.user("after"), members: [], events: [], in: .default)
        }
    }

    static func user(_ name: String) -> StoredResource {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        return StoredResource(
            id: name, kind: .user, version: 1, created: now, lastModified: now,
            body: ["userName": .string("\(name)@example.com")])
    }

    /// A migrated store on a new database of the test cluster, its client running.
    static func withStore(_ body: @Sendable (PostgresStore) async throws -> Void) async throws {
        let store = PostgresStore(
            configuration: try PostgresTestDatabase.configuration(try await PostgresTestDatabase.create()))
        try await PostgresTestDatabase.whileRunning(store.client) {
            try await store.migrate()
            try await body(store)
        }
    }
}
