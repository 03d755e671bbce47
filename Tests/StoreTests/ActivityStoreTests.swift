import Directory
import Foundation
import RosterTestSupport
import Testing

@testable import StoreSQL

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

    /// Provenance changes go as few statements as their order allows; a resource created, deleted and created
    /// again, or changed and then deleted, ends as the last of its events says, whatever else is in the batch.
    @Test(arguments: StoreBackend.available)
    func provenanceFollowsTheEventsOrderInBatches(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let start = Date(milliseconds: 1_800_000_000_000)
            func event(_ index: Int, _ method: String, _ id: String, status: Int = 200) -> ActivityEvent {
                ActivityEvent(
                    time: start.addingTimeInterval(Double(index)), organization: .default, requestID: "r\(index)",
                    tokenID: "t", tokenName: "token \(index)", client: "okta", method: method,
                    path: "/scim/v2/Users/\(id)", status: method == "POST" ? 201 : status, resourceKind: "User",
                    resourceID: id, resourceName: id, changes: method == "DELETE" ? [] : ["title"], detail: nil,
                    milliseconds: 1)
            }
            let creates = (0..<70).map { event($0, "POST", "c\($0)") }
            let events =
                creates + [
                    event(70, "PUT", "c1"), event(71, "PUT", "c2"), event(72, "PUT", "c1"),
                    event(73, "DELETE", "c3", status: 204), event(74, "POST", "c3"),
                    event(75, "PUT", "c4"), event(76, "DELETE", "c4", status: 204),
                    event(77, "DELETE", "c5", status: 204), event(78, "DELETE", "c6", status: 204),
                ]
            try await store.record(events)
            let c0 = try #require(try await store.provenance(of: "c0"))
            #expect(c0.createdBy == "token 0" && c0.modified == nil)
            let c1 = try #require(try await store.provenance(of: "c1"))
            #expect(c1.createdBy == "token 1" && c1.modifiedBy == "token 72", "the last change to c1 was event 72")
            let c3 = try #require(try await store.provenance(of: "c3"))
            #expect(c3.createdBy == "token 74" && c3.modified == nil, "deleted, then created again")
            for gone in ["c4", "c5", "c6"] {
                #expect(try await store.provenance(of: gone) == nil, "\(gone) was deleted last")
            }
            #expect(try await store.provenance(of: "c69")?.createdBy == "token 69")
        }
    }

    /// Whatever the order of creates, changes and deletes in a batch, every resource's provenance is what applying
    /// the events one at a time leaves (a model of that here), and reads and failures change nothing.
    @Test(arguments: StoreBackend.available)
    func provenanceIsWhatTheEventsLeaveOneAtATime(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let start = Date(milliseconds: 1_800_000_000_000)
            var model: [String: Provenance] = [:]
            var events: [ActivityEvent] = []
            var random = 0x2545_F491_4F6C_DD1D as UInt64
            for index in 0..<400 {
                random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let id = "p\((random >> 33) % 6)"
                let (method, status) = [
                    ("POST", 201), ("PUT", 200), ("PATCH", 200), ("DELETE", 204), ("GET", 200),
                    ("PATCH", 400),
                ][Int((random >> 45) % 6)]
                let time = start.addingTimeInterval(Double(index))
                let by = index % 9 == 0 ? nil : "token \(index)"
                events.append(
                    ActivityEvent(
                        time: time, organization: .default, requestID: "r\(index)", tokenID: by, tokenName: by,
                        client: "okta", method: method, path: "/scim/v2/Groups/\(id)", status: status,
                        resourceKind: "Group", resourceID: id, resourceName: id,
                        changes: method == "DELETE" || method == "GET" ? [] : ["members"], detail: nil,
                        milliseconds: 1))
                let empty = Provenance(resourceID: id, created: nil, createdBy: nil, modified: nil, modifiedBy: nil)
                switch (method, status) {
                case ("POST", _):
                    model[id, default: empty].created = time
                    model[id, default: empty].createdBy = by
                case ("PUT", 200), ("PATCH", 200):
                    model[id, default: empty].modified = time
                    model[id, default: empty].modifiedBy = by
                case ("DELETE", _): model[id] = nil
                default: break
                }
            }
            // In flushes of several sizes, as the log writes them.
            var rest = events[...]
            for size in [1, 7, 64, 100, 228] {
                try await store.record(Array(rest.prefix(size)))
                rest = rest.dropFirst(size)
            }
            #expect(rest.isEmpty)
            for index in 0..<6 {
                #expect(try await store.provenance(of: "p\(index)") == model["p\(index)"], "p\(index)")
            }
        }
    }

    /// A burst of changes to a few resources (Okta pushing a group's members) is a few statements, not one per event.
    @Test func aBurstOnAFewResourcesIsAFewStatements() {
        let events = (0..<600).map { index in
            ActivityEvent(
                time: Date(milliseconds: 1_800_000_000_000 + Int64(index)), organization: .default,
                requestID: "r\(index)", tokenID: "t", tokenName: "Okta", client: "okta", method: "PATCH",
                path: "/scim/v2/Groups/g\(index % 7)", status: 200, resourceKind: "Group", resourceID: "g\(index % 7)",
                resourceName: nil, changes: ["members"], detail: nil, milliseconds: 1)
        }
        // 7 rows: statements of 4, 1, 1 and 1.
        #expect(ActivitySQL.provenance(after: events).count == 4)
    }

    /// A resource's events are its writes, found through an index of writes by resource however old, and its
    /// reads among the newest `readWindow` events: the same as filtering every event, within those bounds.
    @Test(arguments: StoreBackend.available)
    func aResourcesEventsAreItsWritesAndRecentReads(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let start = Date(milliseconds: 1_800_000_000_000)
            let methods = ["GET", "PATCH", "GET", "PUT", "POST", "GET", "DELETE"]
            let events = (0..<70).map { index in
                ActivityEvent(
                    time: start.addingTimeInterval(Double(index)), requestID: "r\(index)", tokenID: "t",
                    tokenName: "Okta", client: index % 3 == 0 ? "entra" : "okta", method: methods[index % 7],
                    path: "/scim/v2/Users/u\(index % 4)", status: index % 5 == 0 ? 404 : 200, resourceKind: "User",
                    resourceID: index % 11 == 0 ? nil : "u\(index % 4)", resourceName: nil, changes: [], detail: nil,
                    milliseconds: 1)
            }
            try await store.record(events)
            let all = try await store.activity(ActivityQuery(limit: 1000))
            #expect(all.count == 70)
            let newest = try #require(all.first?.id)
            for (resource, outcome, client, before, window) in [
                ("u1", ActivityQuery.Outcome.all, nil, nil, 50_000), ("u2", .failed, nil, nil, 50_000),
                ("u3", .succeeded, "okta", nil, 50_000), ("u0", .all, nil, all[20].id, 50_000),
                ("u1", .all, nil, nil, 10), ("u2", .all, "entra", nil, 30), ("u3", .all, nil, all[5].id, 12),
                ("nobody", .all, nil, nil, 50_000),
            ] as [(String, ActivityQuery.Outcome, String?, Int64?, Int)] {
                let query = ActivityQuery(
                    outcome: outcome, client: client, resourceID: resource, before: before, limit: 6, readWindow: window
                )
                let expected = all.filter { event in
                    event.resourceID == resource && (event.method != "GET" || event.id! > newest - Int64(window))
                        && (outcome == .all || (outcome == .failed) == (event.status >= 400))
                        && (client == nil || event.client == client) && (before == nil || event.id! < before!)
                }
                let found = try await store.activity(query)
                #expect(found.map(\.id) == expected.prefix(6).map(\.id), "\(query)")
            }
            let reads = try await store.activity(ActivityQuery(resourceID: "u1", limit: 100, readWindow: 0))
            #expect(!reads.isEmpty && reads.allSatisfy { $0.method != "GET" }, "no window, no reads")
        }
    }

    private static func event(_ index: Int, start: Date) -> ActivityEvent {
        let anonymous = index % 3 == 1
        let created = index == 0
        return ActivityEvent(
            time: start.addingTimeInterval(Double(index)), organization: anonymous ? nil : .default,
            requestID: "r\(index)", tokenID: anonymous ? nil : "t",
            tokenName: anonymous ? nil : "Okta", client: "okta", method: created ? "POST" : "PUT",
            path: "/scim/v2/Users/u\(index % 2)", status: created ? 201 : 200, resourceKind: "User",
            resourceID: "u\(index % 2)", resourceName: "n'\(index)",
            changes: index % 2 == 0 ? ["title", "active"] : [], detail: index % 5 == 0 ? "d\(index)" : nil,
            milliseconds: Double(index) / 4)
    }
}
