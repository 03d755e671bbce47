import Directory
import Foundation
import RosterTestSupport
import Testing

/// Activity is written in multi-row statements of 64, 16, 4 and 1 events; what is read back must be every event,
/// field for field and in order, with provenance applied in the events' order.
struct ActivityStoreTests {
    @Test(arguments: StoreBackend.available)
    func aBatchOfEventsIsReadBackWhole(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let start = Date(milliseconds: 1_800_000_000_000)
            let events = (0..<151).map { Self.event($0, start: start) }
            try await store.record(events)
            let read = try await store.activity(ActivityQuery(limit: 200))
            #expect(read.count == 151)
            for (event, back) in zip(events.reversed(), read) {
                var expected = event
                expected.id = back.id
                #expect(back == expected, "\(event.requestID)")
            }
            let first = try #require(try await store.provenance(of: "u0"))
            #expect(first.created == start && first.createdBy == "Okta")
            #expect(first.modified == start.addingTimeInterval(150), "the last change to u0 was event 150")
        }
    }

    private static func event(_ index: Int, start: Date) -> ActivityEvent {
        let anonymous = index % 3 == 1
        let created = index == 0
        return ActivityEvent(
            time: start.addingTimeInterval(Double(index)), requestID: "r\(index)", tokenID: anonymous ? nil : "t",
            tokenName: anonymous ? nil : "Okta", client: "okta", method: created ? "POST" : "PUT",
            path: "/scim/v2/Users/u\(index % 2)", status: created ? 201 : 200, resourceKind: "User",
            resourceID: "u\(index % 2)", resourceName: "n'\(index)",
            changes: index % 2 == 0 ? ["title", "active"] : [], detail: index % 5 == 0 ? "d\(index)" : nil,
            milliseconds: Double(index) / 4)
    }
}
