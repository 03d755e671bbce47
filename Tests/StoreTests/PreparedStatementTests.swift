import App
import Foundation
import PostgresNIO
import RosterTestSupport
import StoreSQL
import Testing

@testable import PostgresStore

/// PostgreSQL runs a statement it has seen on a connection by name, parsed and planned once; a statement it should
/// not keep (too long) runs unnamed, and both answer alike.
@Suite struct PreparedStatementTests {
    @Test func aStatementIsPreparedOnceAndRunByNameAfter() async throws {
        try await withStore { store in
            let names = try await store.leased { connection in
                let lookup = SQL("SELECT ?::bigint + 1 AS next WHERE ?::text IS NOT NULL", [.integer(41), .text("x")])
                for _ in 0..<3 {
                    let rows = try await connection.run(lookup, preparing: store.prepared, logger: store.logger)
                        .collect()
                    #expect(try rows.map { try $0.decode(Int64.self) } == [42])
                }
                return try await Self.prepared(on: connection, store: store)
            }
            let name = store.prepared.statement(
                "SELECT ?::bigint + 1 AS next WHERE ?::text IS NOT NULL", types: [.int8, .text])?.name
            #expect(name != nil)
            #expect(names.filter { $0 == name }.count == 1, "prepared once on its connection")
        }
    }

    @Test func theSameTextWithANullIsAnotherStatement() async throws {
        try await withStore { store in
            try await store.leased { connection in
                let text = "SELECT COALESCE(?::text, 'none')"
                for value: SQLValue in [.text("some"), .null, .text("more"), .null] {
                    let rows = try await connection.run(
                        SQL(text, [value]), preparing: store.prepared, logger: store.logger
                    ).collect()
                    let expected: String = if case .text(let text) = value { text } else { "none" }
                    #expect(try rows.map { try $0.decode(String.self) } == [expected])
                }
            }
            let named = store.prepared.statement("SELECT COALESCE(?::text, 'none')", types: [.text])?.name
            let nulled = store.prepared.statement("SELECT COALESCE(?::text, 'none')", types: [.null])?.name
            #expect(named != nil && nulled != nil && named != nulled)
        }
    }

    @Test func aLongStatementRunsUnnamed() async throws {
        try await withStore { store in
            let padding = String(repeating: " ", count: PreparedStatements.longest)
            let text = "SELECT ?::bigint * 2" + padding
            #expect(store.prepared.statement(text, types: [.int8]) == nil)
            let names = try await store.leased { connection in
                let rows = try await connection.run(
                    SQL(text, [.integer(21)]), preparing: store.prepared, logger: store.logger
                ).collect()
                #expect(try rows.map { try $0.decode(Int64.self) } == [42])
                return try await Self.preparedTexts(on: connection, store: store)
            }
            #expect(!names.contains { $0.hasPrefix("SELECT $1::bigint * 2") })
        }
    }

    /// postgres-nio keeps a failure to prepare for the connection's life; the connection is closed instead, so a
    /// table made after a statement first failed on it serves that statement from then on.
    @Test func aStatementThatFailedToPrepareRunsOnceItCan() async throws {
        try await withStore { store in
            let insert = SQL("INSERT INTO made_later (n) VALUES (?)", [.integer(1)])
            await #expect(throws: PSQLError.self) { try await store.run(insert, writes: true) }
            try await store.run(SQL("CREATE TABLE made_later (n BIGINT)"), writes: true)
            for _ in 0..<20 { try await store.run(insert, writes: true) }
            let rows = try await store.run(SQL("SELECT count(*) FROM made_later"))
            #expect(try rows.first?.decode(Int64.self) == 20)
        }
    }

    private static func prepared(on connection: PostgresConnection, store: PostgresStore) async throws -> [String] {
        try await connection.run(SQL("SELECT name FROM pg_prepared_statements"), logger: store.logger)
            .collect().map { try $0.decode(String.self) }
    }

    private static func preparedTexts(on connection: PostgresConnection, store: PostgresStore) async throws
        -> [String]
    {
        try await connection.run(SQL("SELECT statement FROM pg_prepared_statements"), logger: store.logger)
            .collect().map { try $0.decode(String.self) }
    }

    private func withStore(_ body: @escaping @Sendable (PostgresStore) async throws -> Void) async throws {
        guard PostgresTestDatabase.isConfigured else { return }
        try await withPostgresStore(body)
    }
}
