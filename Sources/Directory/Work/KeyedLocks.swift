import Synchronization

/// One holder per key at a time, waiting without blocking a thread: writes to one resource on this instance take
/// their turn instead of racing, so a costly change is never computed again because another write won the race
/// (writes on other instances still meet the store's version check).
final class KeyedLocks: Sendable {
    /// A held key's waiters, in arrival order.
    private let held = Mutex<[String: [CheckedContinuation<Void, Never>]]>([:])

    func withLock<T>(_ key: String, _ body: () async throws -> T) async throws -> T {
        await acquire(key)
        defer { release(key) }
        return try await body()
    }

    private func acquire(_ key: String) async {
        // The usual case, no one holding the key, takes no suspension.
        let taken = held.withLock { held -> Bool in
            guard held[key] == nil else { return false }
            held[key] = []
            return true
        }
        if taken { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = held.withLock { held -> Bool in
                guard held[key] != nil else {
                    held[key] = []
                    return true
                }
                held[key]!.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    private func release(_ key: String) {
        let next = held.withLock { held -> CheckedContinuation<Void, Never>? in
            guard var waiters = held[key], !waiters.isEmpty else {
                held[key] = nil
                return nil
            }
            let next = waiters.removeFirst()
            held[key] = waiters
            return next
        }
        next?.resume()
    }
}
