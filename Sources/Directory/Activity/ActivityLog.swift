import Foundation
import Synchronization

/// Collects activity events in memory and writes them in batches, so recording a request costs an append, not a
/// database write. Events still pending when the process dies are lost; acknowledged SCIM writes never are.
public final class ActivityLog: Sendable {
    let store: any ActivityStore
    /// Events held at most; beyond it new events are counted as dropped rather than growing without bound.
    let capacity: Int
    private let pending = Mutex<[ActivityEvent]>([])
    private let droppedCount = Atomic<Int>(0)
    /// One flush at a time, so a reader that flushes first also waits for a batch another flush is writing.
    private let writing = SerialGate()

    /// Events written together, in one transaction: the store's `recordPart` unless a test says otherwise.
    let partSize: Int

    public init(store: any ActivityStore, capacity: Int = 20_000, part: Int? = nil) {
        self.store = store
        self.capacity = capacity
        self.partSize = max(1, part ?? store.recordPart)
    }

    public func record(_ event: ActivityEvent) {
        let kept = pending.withLock { events in
            guard events.count < capacity else { return false }
            events.append(event)
            return true
        }
        if !kept { droppedCount.add(1, ordering: .relaxed) }
    }

    /// Events refused because the buffer was full, since the start.
    public var dropped: Int { droppedCount.load(ordering: .relaxed) }

    /// Events not written yet: waiting, or in a write under way.
    public var pendingCount: Int { pending.withLock { $0.count } + writingCount.load(ordering: .relaxed) }
    private let writingCount = Atomic<Int>(0)

    /// Writes every pending event, a part at a time; what cannot be written yet is put back for the next attempt.
    public func flush() async throws {
        await writing.enter()
        defer { writing.leave() }
        let batch = pending.withLock { events in
            defer { events.removeAll(keepingCapacity: true) }
            return events
        }
        defer { writingCount.store(0, ordering: .relaxed) }
        var refused: (any Error)?
        var start = batch.startIndex
        while start < batch.endIndex {
            writingCount.store(batch.endIndex - start, ordering: .relaxed)
            let part = batch[start..<start + min(partSize, batch.endIndex - start)]
            do {
                try await store.record(Array(part))
            } catch let error where error is CancellationError || StoreUnavailable.from(error) != nil {
                // Nothing was refused: the caller gave up, or the database is away; the events wait for the next flush.
                putBack(batch[start...])
                throw error
            } catch {
                switch await recordOneByOne(part) {
                case .done: break
                case .noneWritten(let error): refused = refused ?? error
                case .stopped(let index, let error):
                    putBack(batch[index...])
                    throw error
                }
            }
            start = part.endIndex
        }
        if let refused { throw refused }
    }

    /// Events that could not be written yet, ahead of those recorded since, within `capacity`.
    private func putBack(_ events: ArraySlice<ActivityEvent>) {
        pending.withLock { pending in pending = Array((events + pending).suffix(capacity)) }
    }

    /// How writing a part one event at a time ended.
    private enum OneByOne {
        /// Each event written or, refused by the database, dropped.
        case done
        /// Every event refused and dropped; the last refusal.
        case noneWritten(any Error)
        /// The database is away: the event at the index and those after it are not written.
        case stopped(at: Int, any Error)
    }

    /// After a failed part: each event alone, so one the database refuses is dropped (and counted) instead of
    /// blocking the log forever. Three failures before any success mean the database is down: the two tried are
    /// dropped and the rest waits for the next flush.
    private func recordOneByOne(_ part: ArraySlice<ActivityEvent>) async -> OneByOne {
        var written = 0
        var lastError: (any Error)?
        for index in part.indices {
            do {
                try await store.record([part[index]])
                written += 1
            } catch {
                lastError = error
                if error is CancellationError || StoreUnavailable.from(error) != nil
                    || (written == 0 && index - part.startIndex >= 2)
                {
                    return .stopped(at: index, error)
                }
                droppedCount.add(1, ordering: .relaxed)
            }
        }
        if written == 0, let lastError { return .noneWritten(lastError) }
        return .done
    }

    /// Deletes events older than `retention`.
    @discardableResult
    public func purge(retention: TimeInterval, now: Date = Date()) async throws -> Int {
        try await store.deleteActivity(before: now.addingTimeInterval(-retention))
    }
}

/// An asynchronous mutual exclusion: `enter` waits, without blocking a thread, until the holder calls `leave`.
final class SerialGate: Sendable {
    private struct State {
        var busy = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    func enter() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let admitted = state.withLock { state in
                if state.busy {
                    state.waiting.append(continuation)
                    return false
                }
                state.busy = true
                return true
            }
            if admitted { continuation.resume() }
        }
    }

    func leave() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiting.isEmpty else {
                state.busy = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
