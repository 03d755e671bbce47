import Directory
import Foundation
import RosterTestSupport
import Synchronization
import Testing

/// The activity log writes what is pending a part at a time (on SQLite, so a second's events never hold its one
/// writer at once); whatever happens to one part, every event is written once, in order, or waits for the next
/// flush. The tests name the part's size, so they run alike on every store.
struct ActivityLogTests {
    @Test(arguments: StoreBackend.available)
    func aFlushWritesEveryEventInPartsAndInOrder(backend: StoreBackend) async throws {
        try await backend.withStore { stores in
            let store = Scripted(stores.activity) { _, _ in nil }
            let log = ActivityLog(store: store, part: 256)
            let events = Self.events(0..<600)
            for event in events { log.record(event) }
            try await log.flush()
            #expect(store.parts == [256, 256, 88])
            #expect(log.pendingCount == 0)
            let read = try await stores.activity.activity(ActivityQuery(limit: 1000))
            #expect(read.reversed().map(\.requestID) == events.map(\.requestID))
        }
    }

    /// The database answering again is all it takes: the parts not written are put back ahead of the events
    /// recorded since, and the next flush writes them, none twice.
    @Test(arguments: StoreBackend.available)
    func partsNotWrittenWhenTheDatabaseGoesAwayWaitForTheNextFlush(backend: StoreBackend) async throws {
        try await backend.withStore { stores in
            let store = Scripted(stores.activity) { call, _ in
                call == 1 ? StoreUnavailable(.unreachable, cause: "test: the database went away") : nil
            }
            let log = ActivityLog(store: store, part: 256)
            for event in Self.events(0..<600) { log.record(event) }
            await #expect(throws: StoreUnavailable.self) { try await log.flush() }
            #expect(log.pendingCount == 600 - 256)
            for event in Self.events(600..<610) { log.record(event) }
            try await log.flush()
            #expect(log.pendingCount == 0 && log.dropped == 0)
            let read = try await stores.activity.activity(ActivityQuery(limit: 1000))
            #expect(read.reversed().map(\.requestID) == Self.events(0..<610).map(\.requestID))
        }
    }

    /// An event the database refuses costs only itself: its part is written one event at a time, and the parts
    /// after it as usual.
    @Test(arguments: StoreBackend.available)
    func anEventTheDatabaseRefusesIsDroppedAlone(backend: StoreBackend) async throws {
        try await backend.withStore { stores in
            let store = Scripted(stores.activity) { _, events in
                events.contains { $0.requestID == "r300" } ? Refused() : nil
            }
            let log = ActivityLog(store: store, part: 256)
            for event in Self.events(0..<600) { log.record(event) }
            try await log.flush()
            #expect(log.dropped == 1 && log.pendingCount == 0)
            let read = try await stores.activity.activity(ActivityQuery(limit: 1000))
            #expect(read.reversed().map(\.requestID) == Self.events(0..<600).map(\.requestID).filter { $0 != "r300" })
        }
    }

    /// Events past their retention go, a part at a time, however many there are; the others stay.
    @Test(arguments: StoreBackend.available)
    func thePurgeDeletesEveryEventPastRetentionAndNoOther(backend: StoreBackend) async throws {
        try await backend.withStore { stores in
            let log = ActivityLog(store: stores.activity)
            let events = Self.events(0..<2_600)
            try await stores.activity.record(events)
            let cutoff = events[2_345].time
            let deleted = try await log.purge(retention: 0, now: cutoff)
            #expect(deleted == 2_345)
            let read = try await stores.activity.activity(ActivityQuery(limit: 1000))
            #expect(read.reversed().map(\.requestID) == events[2_345...].map(\.requestID))
            #expect(try await log.purge(retention: 0, now: cutoff) == 0)
        }
    }

    /// Each part starts at the newest time the last one deleted: events of one millisecond that a part's end
    /// splits (here 700 to a millisecond, in parts of 1,000) go with the next part, none left behind.
    @Test(arguments: StoreBackend.available)
    func thePurgesPartsSplitEventsOfOneMillisecondAndLeaveNone(backend: StoreBackend) async throws {
        try await backend.withStore { stores in
            let log = ActivityLog(store: stores.activity)
            let start = Date(milliseconds: 1_800_000_000_000)
            let events = Self.events(0..<2_600).enumerated().map { index, event in
                var event = event
                event.time = start.addingTimeInterval(Double(index / 700) / 1000)
                return event
            }
            try await stores.activity.record(events)
            let deleted = try await log.purge(retention: 0, now: start.addingTimeInterval(3.0 / 1000))
            #expect(deleted == 2_100)
            let read = try await stores.activity.activity(ActivityQuery(limit: 1000))
            #expect(read.reversed().map(\.requestID) == events[2_100...].map(\.requestID))
        }
    }

    /// SQLite takes a flush in parts; PostgreSQL, whose writers do not wait for each other, whole.
    @Test(arguments: StoreBackend.available)
    func onlySQLiteTakesAFlushInParts(backend: StoreBackend) async throws {
        try await backend.withStore { stores in
            let store = Scripted(stores.activity) { _, _ in nil }
            let log = ActivityLog(store: store)
            for event in Self.events(0..<600) { log.record(event) }
            try await log.flush()
            #expect(store.parts == (backend == .postgres ? [600] : [256, 256, 88]))
        }
    }

    private struct Refused: Error {}

    private static func events(_ range: Range<Int>) -> [ActivityEvent] {
        let start = Date(milliseconds: 1_800_000_000_000)
        return range.map { index in
            ActivityEvent(
                time: start.addingTimeInterval(Double(index) / 1000), organization: .default, requestID: "r\(index)",
                tokenID: "t", tokenName: "Okta", client: "okta", method: "PUT", path: "/scim/v2/Users/u\(index % 7)",
                status: 200, resourceKind: "User", resourceID: "u\(index % 7)", changes: ["title"], milliseconds: 1)
        }
    }
}

/// The real store, with the failures a test scripts: `failure(call, events)` is thrown instead of writing, for the
/// calls it names (counted from 0). Records the size of each write it passes on.
private final class Scripted: ActivityStore {
    private let store: any ActivityStore
    private let failure: @Sendable (Int, [ActivityEvent]) -> (any Error)?
    private let calls = Mutex<(count: Int, parts: [Int])>((0, []))

    init(_ store: any ActivityStore, failure: @escaping @Sendable (Int, [ActivityEvent]) -> (any Error)?) {
        self.store = store
        self.failure = failure
    }

    var parts: [Int] { calls.withLock { $0.parts } }

    var recordPart: Int { store.recordPart }

    func record(_ events: [ActivityEvent]) async throws {
        let call = calls.withLock { calls in
            defer { calls.count += 1 }
            return calls.count
        }
        if let error = failure(call, events) { throw error }
        try await store.record(events)
        calls.withLock { $0.parts.append(events.count) }
    }

    func activity(_ query: ActivityQuery) async throws -> [ActivityEvent] { try await store.activity(query) }

    func deleteActivity(before time: Date) async throws -> Int { try await store.deleteActivity(before: time) }

    func provenance(of resourceID: String, in organization: OrganizationKey) async throws -> Provenance? {
        try await store.provenance(of: resourceID, in: organization)
    }
}
