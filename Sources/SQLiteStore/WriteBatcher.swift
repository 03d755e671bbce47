import GRDB
import Synchronization

/// Group commit: writes that arrive while a transaction is being committed wait, and then go together in the
/// next one, each in its own savepoint.
///
/// With `synchronous = FULL` every commit waits for the disk (about a millisecond here), and SQLite has one
/// writer, so one transaction per request caps writes at the disk's sync rate. Together, the sync is shared:
/// a write is still acknowledged only once the transaction holding it is durable. A write that fails rolls back
/// its own savepoint and gets its own error (a uniqueness or foreign-key refusal); the others in the transaction
/// are unaffected. Any other database error abandons the whole transaction, and every write in it fails.
final class WriteBatcher: Sendable {
    private let writer: any DatabaseWriter
    private let state = Mutex(State())
    /// The most writes in one transaction, so one transaction never grows without bound.
    static let maximumBatch = 256

    private struct State {
        var pending: [Job] = []
        var draining = false
    }

    /// One write: `run` does it inside the transaction and returns how to answer its caller once the transaction
    /// has committed (nil) or failed (the error); `fail` answers it when the transaction could not even start.
    private struct Job: Sendable {
        var run: @Sendable (Database) throws -> @Sendable ((any Error)?) -> Void
        var fail: @Sendable (any Error) -> Void
    }

    init(writer: any DatabaseWriter) {
        self.writer = writer
    }

    /// Runs `work` in the next transaction, in a savepoint of its own; returns once that transaction is durable.
    func write<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = Job(
                run: { db in
                    let outcome: Result<T, any Error>
                    do {
                        var value: T?
                        try db.inSavepoint {
                            value = try work(db)
                            return .commit
                        }
                        outcome = .success(value!)
                    } catch let error as DatabaseError where error.resultCode != .SQLITE_CONSTRAINT {
                        // Not a refused row but a failing database: its savepoint may not have rolled back,
                        // so nothing in this transaction can be trusted. Abandon it; every write in it fails.
                        throw error
                    } catch {
                        outcome = .failure(error)
                    }
                    return { commitError in
                        if let commitError, case .success = outcome {
                            continuation.resume(throwing: commitError)
                        } else {
                            continuation.resume(with: outcome)
                        }
                    }
                },
                fail: { continuation.resume(throwing: $0) })
            let starts = state.withLock { state in
                state.pending.append(job)
                defer { state.draining = true }
                return !state.draining
            }
            if starts { Task { await self.drain() } }
        }
    }

    /// Commits what is pending, batch after batch, until nothing is.
    private func drain() async {
        while true {
            let jobs = state.withLock { state in
                let batch = Array(state.pending.prefix(Self.maximumBatch))
                state.pending.removeFirst(batch.count)
                if batch.isEmpty { state.draining = false }
                return batch
            }
            guard !jobs.isEmpty else { return }
            let answers: [@Sendable ((any Error)?) -> Void]
            do {
                answers = try await writer.write { db in try jobs.map { try $0.run(db) } }
            } catch {
                // The transaction failed to begin or to commit: nothing in it was written.
                for job in jobs { job.fail(error) }
                continue
            }
            for answer in answers { answer(nil) }
        }
    }
}
