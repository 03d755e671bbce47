import Directory
import Foundation
import Logging
import NIOPosix
import NIOSSL
import PostgresNIO
import SCIMCore
import StoreSQL
import Synchronization

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
    let statistics = StatisticsKeeper()
    /// The statements its connections keep prepared.
    let prepared = PreparedStatements()
    /// How long a statement waits for a connection before its request is answered 503.
    let connectionWait: Duration
    /// How long a statement (or a transaction) may run on its connection before the connection is closed under
    /// it: a connection the database dropped without the driver noticing would otherwise hold its request forever.
    let statementTimeout: Duration

    public init(
        configuration: PostgresClient.Configuration, connectionWait: Duration = .seconds(5),
        statementTimeout: Duration = .seconds(60), logger: Logger = Logger(label: "roster.postgres")
    ) {
        self.client = PostgresClient(
            configuration: configuration, eventLoopGroup: EventLoopsInTurn(PostgresClient.defaultEventLoopGroup),
            backgroundLogger: logger)
        self.connectionWait = connectionWait
        self.statementTimeout = statementTimeout
        self.logger = logger
    }

    /// Every concern of this database, for the directory's rules.
    public var stores: Stores {
        let shared = PostgresDatabase(store: self)
        var stores = Stores(
            resources: self, tokens: SQLTokens(shared), fields: SQLFields(shared), accounts: SQLAccounts(shared),
            activity: SQLActivity(shared), organizations: SQLOrganizations(shared, positions: .postgres),
            events: SQLEvents(shared, positions: .postgres),
            applications: SQLApplications(shared, positions: .postgres),
            connections: SQLConnections(shared), isReady: { await isReady() })
        stores.ceiling = SQLCeiling(shared)
        return stores
    }

    /// Runs `body` in a transaction; the error it throws is the one the body threw, rolled back.
    func transaction<T: Sendable>(
        _ begin: PostgresQuery = "BEGIN", writes: Bool = true,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await leased(writes: writes) { connection in
            try await connection.query(begin, logger: logger)
            let result: T
            do {
                result = try await body(connection)
            } catch {
                try? await rollBack(on: connection)
                throw error
            }
            do {
                try await connection.query("COMMIT", logger: logger)
            } catch let error as PSQLError where error.serverInfo == nil {
                // The connection went while COMMIT was under way: the change may have been applied.
                throw StoreUnavailable(.inDoubt, cause: "connection lost during COMMIT: \(error.code)")
            }
            return result
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

/// The outcome of a statement, given once by whichever comes first (the statement, or the end of its wait), and
/// awaited by the request.
final class Answer<T: Sendable>: Sendable {
    private let state = Mutex<(result: Result<T, any Error>?, waiter: CheckedContinuation<T, any Error>?)>((nil, nil))

    func give(_ result: Result<T, any Error>) {
        let waiter: CheckedContinuation<T, any Error>? = state.withLock { state in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(with: result)
    }

    var value: T {
        get async throws {
            try await withCheckedThrowingContinuation { continuation in
                let ready: Result<T, any Error>? = state.withLock { state in
                    if let result = state.result { return result }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        }
    }
}

/// Whether a statement got its connection before its wait ended: exactly one of the two happens.
final class LeaseState: Sendable {
    private let state = Mutex<Int>(0)  // 0 waiting, 1 leased, 2 given up

    /// Marks the connection as obtained; false when the wait had already ended.
    func begin() -> Bool {
        state.withLock { state in
            guard state == 0 else { return false }
            state = 1
            return true
        }
    }

    /// Ends the wait; false when the statement already has its connection.
    func giveUp() -> Bool {
        state.withLock { state in
            guard state == 0 else { return false }
            state = 2
            return true
        }
    }

    var hasBegun: Bool { state.withLock { $0 == 1 } }
    var hasGivenUp: Bool { state.withLock { $0 == 2 } }

    private let overrunFlag = Atomic<Bool>(false)
    func overran() { overrunFlag.store(true, ordering: .relaxed) }
    var didOverrun: Bool { overrunFlag.load(ordering: .relaxed) }

    private let cancelled = Atomic<Bool>(false)
    func callerCancelled() { cancelled.store(true, ordering: .relaxed) }
    var wasCancelledByCaller: Bool { cancelled.load(ordering: .relaxed) }
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

    /// The values as postgres-nio binds them.
    var bindings: PostgresBindings {
        var binds = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .text(let text): binds.append(text)
            case .integer(let number): binds.append(number)
            case .real(let number): binds.append(number)
            case .null: binds.appendNull()
            }
        }
        return binds
    }

    /// The types `bindings` gives the values (a NULL's is left to the server).
    var types: [PostgresDataType] {
        values.map { value in
            switch value {
            case .text: .text
            case .integer: .int8
            case .real: .float8
            case .null: .null
            }
        }
    }

    /// `text` with its `?` numbered `$1, $2, …`, on UTF-8 bytes: walking its Characters (grapheme clusters) took
    /// 6.7% of a PostgreSQL GET's CPU.
    static func numbered(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.contains(UInt8(ascii: "?")) else { return String(decoding: bytes, as: UTF8.self) }
            var result: [UInt8] = []
            result.reserveCapacity(bytes.count + 16)
            var number = 0
            for byte in bytes {
                guard byte == UInt8(ascii: "?") else {
                    result.append(byte)
                    continue
                }
                number += 1
                result.append(UInt8(ascii: "$"))
                result.append(contentsOf: String(number).utf8)
            }
            return String(decoding: result, as: UTF8.self)
        }
    }
}

extension PostgresStore {
    /// One statement on a connection of the pool, its rows read whole. A write that loses its connection may have
    /// been applied (its own transaction commits when it ends): that is said, not "nothing changed".
    ///
    /// A statement of its own commits when the server reads the `Sync` that follows it, after it has sent its rows
    /// and `CommandComplete`, and the driver hands them over then: a server that ends the session in between (a fast
    /// shutdown's SIGTERM, checked as `Sync` is read) rolls the write back after it looked done. So a write is
    /// done only once the connection has answered again: an empty query follows it, on the same connection.
    @discardableResult
    func run(_ sql: SQL, writes: Bool = false) async throws -> [PostgresRow] {
        do {
            return try await leased(writes: writes) { connection in
                let rows = try await run(sql, on: connection).collect()
                if writes { try await confirmCommit(on: connection) }
                return rows
            }
        } catch let error as StoreUnavailable where writes && error.reason == .unreachable && error.afterLease {
            throw StoreUnavailable(.inDoubt, cause: error.cause)
        }
    }

    /// Returns once `connection` has answered an empty query, so the statement before it has committed. The server
    /// closes the connection when that commit fails, often just as the query is sent.
    private func confirmCommit(on connection: PostgresConnection) async throws {
        try await query(
            "", on: connection,
            ifClosed: .failure(StoreUnavailable(.inDoubt, cause: "the connection closed as the write committed")))
    }

    /// Rolls back the transaction open on `connection`, unless the connection was closed under it (which rolled it
    /// back).
    private func rollBack(on connection: PostgresConnection) async throws {
        try await query("ROLLBACK", on: connection, ifClosed: .success(()))
    }

    /// Sends `query` on `connection`, or answers `ifClosed` when the connection is closed. PostgresNIO drops a query
    /// written to a closed channel and never answers it: the query is written on the connection's event loop, right
    /// after a check there that the connection is open.
    private func query(
        _ query: PostgresQuery, on connection: PostgresConnection, ifClosed: Result<Void, any Error>
    ) async throws {
        try await connection.eventLoop.flatSubmit { [logger] () -> EventLoopFuture<Void> in
            guard !connection.isClosed else { return connection.eventLoop.makeCompletedFuture(ifClosed) }
            return connection.query(query, logger: logger).map { _ in }
        }.get()
    }

    /// One of the store's statements on `connection`, prepared there when the store keeps it prepared.
    @discardableResult
    func run(_ sql: SQL, on connection: PostgresConnection) async throws -> Rows {
        try await connection.run(sql, preparing: prepared, logger: logger)
    }

    /// Runs `body` on a connection of the pool, waiting at most `wait` (by default `connectionWait`) for one. A
    /// statement that never got a connection never ran, so giving up is safe: the request is answered 503 and
    /// may be sent again. Once it has a connection, a statement is never abandoned (a write might commit after
    /// its client had been told it did not); a connection lost under it, or a database refusing work because it is
    /// shutting down, starting or read-only, is unavailability too.
    func leased<T: Sendable>(
        wait: Duration? = nil, writes: Bool = false, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let lease = LeaseState()
        let wait = wait ?? connectionWait
        // One task does the work; a timer on an event loop (no task of its own) ends the wait if no connection came
        // in time. The answer does not wait for the pool to withdraw the lease request (it may not, while it is
        // retrying connections): once the wait has ended, the body can never run.
        let answer = Answer<T>()
        // The statement's work on a leased connection, answered as soon as it ends: giving the connection back to
        // the pool may wait on a connection the database dropped (seen: a request held 30 s after its statement).
        @Sendable func use(_ connection: PostgresConnection) async throws -> T {
            guard lease.begin() else { throw CancellationError() }
            // Past the statement timeout the connection is closed, which fails the statement at once; the server
            // rolls back what it had not committed.
            let overrun = connection.eventLoop.scheduleTask(in: .nanoseconds(statementTimeout.nanoseconds)) {
                // The request is answered now, whatever the statement does: closing its connection may not end it
                // (seen with a connection the database dropped). A write may have been applied.
                lease.overran()
                var unavailable = StoreUnavailable(
                    writes ? .inDoubt : .unreachable,
                    cause: "a statement did not finish within \(statementTimeout); its connection was closed")
                unavailable.afterLease = true
                answer.give(.failure(unavailable))
                connection.close().whenComplete { _ in }
            }
            defer { overrun.cancel() }
            do {
                let value = try await body(connection)
                answer.give(.success(value))
                return value
            } catch {
                answer.give(.failure(error))
                throw error
            }
        }
        let work = Task {
            do {
                // The connection wait bounds the tries.
                answer.give(.success(try await withOpenConnection(use)))
            } catch {
                answer.give(.failure(error))
            }
        }
        let timer = NIOSingletons.posixEventLoopGroup.any().scheduleTask(in: .nanoseconds(Int64(wait.nanoseconds))) {
            guard lease.giveUp() else { return }
            work.cancel()
            answer.give(.failure(StoreUnavailable(.unreachable, cause: "no database connection within \(wait)")))
        }
        defer { timer.cancel() }
        do {
            return try await withTaskCancellationHandler {
                try await answer.value
            } onCancel: {
                lease.callerCancelled()
                // Still waiting for a connection: the caller need not wait for it either.
                if lease.giveUp() { answer.give(.failure(CancellationError())) }
                work.cancel()
            }
        } catch let error as StoreUnavailable {
            throw error
        } catch {
            // The caller gave up (a request abandoned, a shutdown): that is no outage.
            if lease.wasCancelledByCaller { throw CancellationError() }
            guard var unavailable = Self.unavailability(of: error, leased: lease.hasBegun) else { throw error }
            unavailable.afterLease = lease.hasBegun
            throw unavailable
        }
    }

    /// `body` on a connection of the pool that is open when it is handed over. A connection closed while it sat in
    /// the pool (its server ended it, or a statement that failed to prepare closed it) is given out until the pool
    /// hears of it, and PostgresNIO drops a query written to it without answering: such a connection is passed over
    /// before anything is sent on it. The pool hears of it within milliseconds.
    func withOpenConnection<T>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        for attempt in 0..<50 {
            do {
                return try await client.withConnection { connection in
                    guard !connection.isClosed else { throw ClosedInPool() }
                    return try await body(connection)
                }
            } catch is ClosedInPool {
                try await Task.sleep(for: .milliseconds(min(attempt + 1, 20)))
            }
        }
        throw StoreUnavailable(.unreachable, cause: "the pool gave out only closed connections")
    }

    /// An error of the driver or the server as unavailability, when it is one.
    static func unavailability(of error: any Error, leased: Bool) -> StoreUnavailable? {
        if let error = error as? PSQLError {
            if let state = error.serverInfo?[.sqlState] {
                // Connection exceptions, a server shutting down or starting up, too many connections, a standby.
                if state.hasPrefix("08") || ["57P01", "57P02", "57P03", "53300"].contains(state) {
                    return StoreUnavailable(.unreachable, cause: "PostgreSQL \(state)")
                }
                if state == "25006" { return StoreUnavailable(.readOnly, cause: "PostgreSQL \(state)") }
                return nil
            }
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed,
                .sslUnsupported, .failedToAddSSLHandler:
                return StoreUnavailable(.unreachable, cause: "\(error.code)")
            default:
                break
            }
        }
        // The pool's own refusals (its circuit breaker after repeated failed connections) come before any
        // statement ran.
        if !leased, !(error is CancellationError) {
            return StoreUnavailable(.unreachable, cause: String(describing: error))
        }
        return nil
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// A connection the pool gave out already closed (see `leased`).
private struct ClosedInPool: Error {}
