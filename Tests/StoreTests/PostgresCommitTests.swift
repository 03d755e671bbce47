import Directory
import Foundation
import RosterTestSupport
import SCIMCore
import Testing

@testable import PostgresStore

/// On PostgreSQL, a write of one statement commits after the server has sent its result: a write is done only once
/// its commit is.
@Suite struct PostgresCommitTests {
    /// A commit that fails after the statement's result came (here a deferred constraint that refuses some names at
    /// commit; in production, a server ending the session as the commit begins) is no success: the write is refused
    /// as in doubt, at once rather than when the statement's time runs out (the server closes the connection as the
    /// next query is sent, which the driver used to leave unanswered: one try in three), and nothing of it is there.
    @Test func aWriteWhoseCommitFailsIsNotDone() async throws {
        guard PostgresTestDatabase.isConfigured else { return }
        try await withPostgresStore(statementTimeout: .seconds(30)) { store in
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
            for round in 0..<8 {
                try await store.insert(Self.user("kept\(round)"), members: [], events: [], in: .default)
                let refusal = await #expect(throws: StoreUnavailable.self) {
                    try await store.insert(Self.user("refused\(round)"), members: [], events: [], in: .default)
                }
                #expect(refusal?.reason == .inDoubt)
                #expect(refusal?.cause.contains("did not finish") == false, "\(refusal?.cause ?? "")")
            }
            let rows = try await store.run(SQL("SELECT id FROM resources ORDER BY id"))
            #expect(try rows.map { try $0.decode(String.self) } == (0..<8).map { "kept\($0)" })
        }
    }

    static func user(_ name: String, id: String? = nil) -> StoredResource {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        return StoredResource(
            id: id ?? name, kind: .user, version: 1, created: now, lastModified: now,
            body: ["userName": .string("\(name)@example.com")])
    }
}
