import Directory
import Foundation
import Logging
import NIOSSL
import PostgresNIO
import SCIMCore
import StoreSQL

/// The store on PostgreSQL (postgres-nio), for several stateless instances behind one database.
///
/// The client's connection pool must be running (`client` is a `Service`) before the store is used; `migrate()`
/// brings the schema up to date under an advisory lock, so instances starting together do not race.
///
/// Users, groups and memberships are written here; every other concern runs the statements both dialects share
/// (`StoreSQL`) on `PostgresDatabase`.
public struct PostgresStore: ResourceStore {
    public let client: PostgresClient
    let logger: Logger
    let pageStarts = PageStarts()

    public init(configuration: PostgresClient.Configuration, logger: Logger = Logger(label: "roster.postgres")) {
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
    }

    /// Every concern of this database, for the directory's rules.
    public var stores: Stores {
        let shared = PostgresDatabase(store: self)
        return Stores(
            resources: self, tokens: SQLTokens(shared), fields: SQLFields(shared), accounts: SQLAccounts(shared),
            activity: SQLActivity(shared), organizations: SQLOrganizations(shared), isReady: { await isReady() })
    }

    /// Runs `body` in a transaction; the error it throws is the one the body threw, rolled back.
    func transaction<T: Sendable>(
        _ begin: PostgresQuery = "BEGIN", _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await client.withConnection { connection in
            try await connection.query(begin, logger: logger)
            do {
                let result = try await body(connection)
                try await connection.query("COMMIT", logger: logger)
                return result
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// Translates PostgreSQL's unique violations into the SCIM error the client should see.
    static func translating<T>(_ kind: ResourceKind, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == PostgresError.Code.uniqueViolation.raw {
            throw SCIMError.uniqueness(
                "A \(kind.rawValue.lowercased()) with this \(kind.uniqueAttribute) already exists.")
        }
    }
}

/// SQL with `?` placeholders and `SQLValue`s, as postgres-nio wants it: `$1, $2, …` and bindings.
struct SQL: Sendable {
    var text: String
    var values: [SQLValue]

    init(_ text: String, _ values: [SQLValue] = []) {
        self.text = text
        self.values = values
    }

    static func + (lhs: SQL, rhs: SQL) -> SQL { SQL(lhs.text + rhs.text, lhs.values + rhs.values) }

    var query: PostgresQuery {
        var sql = ""
        var number = 0
        for character in text {
            if character == "?" {
                number += 1
                sql += "$\(number)"
            } else {
                sql.append(character)
            }
        }
        var binds = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .text(let text): binds.append(text)
            case .integer(let number): binds.append(number)
            case .real(let number): binds.append(number)
            case .null: binds.appendNull()
            }
        }
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }
}

extension PostgresConnection {
    @discardableResult
    func run(_ sql: SQL, logger: Logger) async throws -> PostgresRowSequence {
        try await query(sql.query, logger: logger)
    }
}

extension PostgresStore {
    @discardableResult
    func run(_ sql: SQL) async throws -> PostgresRowSequence {
        try await client.query(sql.query, logger: logger)
    }
}
