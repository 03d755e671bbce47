import Testing

@testable import PostgresStore

/// Statements are written with `?` for both dialects; PostgreSQL numbers them.
@Suite struct PostgresSQLTests {
    @Test func placeholdersAreNumberedInOrder() {
        #expect(SQL.numbered("SELECT 1") == "SELECT 1")
        #expect(SQL.numbered("a = ? AND b IN (?, ?)") == "a = $1 AND b IN ($2, $3)")
        #expect(SQL.numbered("é = ? -- ünïcode ?") == "é = $1 -- ünïcode $2")
        let many = Array(repeating: "?", count: 12).joined(separator: ",")
        #expect(SQL.numbered(many).hasSuffix("$11,$12"))
    }
}
