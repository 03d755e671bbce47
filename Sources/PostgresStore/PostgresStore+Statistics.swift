import Directory
import Logging
import StoreSQL
import Synchronization

/// When to gather the planner's statistics again: PostgreSQL's autovacuum does it within a minute of a large
/// change, but a new database filled by an identity provider's first push has none until then, and without them
/// the planner finds a user by its id by scanning every user of its kind (7.7 ms instead of 0.05 ms, measured with
/// 10,000 users: GET by id at 509/s instead of 2,280/s). Each instance analyzes after its first 500 inserts, then
/// after twice as many each time, in the background.
final class StatisticsKeeper: Sendable {
    private let state = Mutex<(inserted: Int, threshold: Int, running: Bool)>((0, 500, false))

    /// Counts `count` inserted rows; true when it is time to analyze (and no analysis runs).
    func inserted(_ count: Int) -> Bool {
        state.withLock { state in
            state.inserted += count
            guard !state.running, state.inserted >= state.threshold else { return false }
            state.running = true
            state.inserted = 0
            state.threshold *= 2
            return true
        }
    }

    func finished() {
        state.withLock { $0.running = false }
    }
}

extension PostgresStore {
    /// After inserts: analyzes the resource tables in the background when `statistics` says it is time.
    func noteInserted(_ count: Int) {
        guard statistics.inserted(count) else { return }
        Task { [self] in
            defer { statistics.finished() }
            do {
                _ = try await run(SQL("ANALYZE resources, memberships, attribute_values"), writes: true)
            } catch {
                logger.debug("Could not gather statistics", metadata: ["error": "\(error)"])
            }
        }
    }
}
