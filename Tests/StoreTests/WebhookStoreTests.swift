import Directory
import Foundation
import RosterTestSupport
import Testing

/// The delivery state of webhook endpoints in the database: leases that keep one instance at a time, progress
/// and attempts written only by the lease's holder, dead letters and their resending.
@Suite struct WebhookStoreTests {
    static func endpoint(in stores: Stores) async throws -> WebhookEndpoint {
        let application = ApplicationRecord(
            id: "app", name: "Helpdesk", clientID: "app_x", secretHash: "h", redirectURIs: [], created: Date())
        try await stores.applications.insertApplication(application)
        let endpoint = WebhookEndpoint(
            id: "hook", application: "app", url: "https://hooks.example.com/", types: [],
            secrets: [WebhookSignature.newSecret()], created: Date())
        try await stores.applications.insertEndpoint(endpoint)
        return endpoint
    }

    static func attempt(_ sequence: Int64, status: Int?) -> DeliveryAttempt {
        DeliveryAttempt(
            endpoint: "hook", organization: .default, sequence: sequence, eventID: "e\(sequence)",
            eventType: "user.created", time: Date(), status: status, milliseconds: 3, excerpt: "")
    }

    @Test(arguments: StoreBackend.available)
    func oneInstanceHoldsAnEndpointAndOnlyItWritesItsProgress(backend: StoreBackend) async throws {
        try await backend.withStore { stores in
            let store = stores.applications
            _ = try await Self.endpoint(in: stores)
            let now = Date()
            #expect(try await store.claimEndpoints(owner: "a", now: now, until: now + 30).map(\.id) == ["hook"])
            #expect(try await store.claimEndpoints(owner: "b", now: now, until: now + 30).isEmpty, "held by a")
            let stream = WebhookStream(organization: .default, delivered: 2)
            #expect(
                try await store.recordDeliveries(
                    endpoint: "hook", stream: stream,
                    attempts: [Self.attempt(1, status: 204), Self.attempt(2, status: nil)],
                    deadLetter: nil, failingSince: now, owner: "b") == false,
                "b does not hold the lease: nothing written")
            #expect(try await store.attempts(endpoint: "hook", limit: 10).isEmpty)
            #expect(
                try await store.recordDeliveries(
                    endpoint: "hook", stream: stream,
                    attempts: [Self.attempt(1, status: 204), Self.attempt(2, status: nil)],
                    deadLetter: DeadLetter(
                        endpoint: "hook", organization: .default, sequence: 2, eventID: "e2", time: now, reason: "gone"),
                    failingSince: now, owner: "a"))
            let attempts = try await store.attempts(endpoint: "hook", limit: 10)
            #expect(Set(attempts.map(\.sequence)) == [1, 2])
            #expect(attempts.first { $0.sequence == 2 }?.status == nil)
            #expect(try await store.endpoint(id: "hook")?.failingSince != nil)
            // A lease run out is anyone's.
            #expect(try await store.claimEndpoints(owner: "b", now: now + 31, until: now + 61).map(\.id) == ["hook"])
            // Enabled again by an administrator, the endpoint is no one's: a round under way writes nothing back.
            #expect(try await store.setEndpoint(id: "hook", enabled: true, reason: nil, at: now + 32))
            #expect(
                try await store.recordDeliveries(
                    endpoint: "hook", stream: stream, attempts: [Self.attempt(3, status: nil)], deadLetter: nil,
                    failingSince: now, owner: "b") == false)
            #expect(try await store.endpoint(id: "hook")?.failingSince == nil)
            #expect(try await store.claimEndpoints(owner: "b", now: now + 33, until: now + 63).map(\.id) == ["hook"])

            // A dead letter asked for again is listed once, and gone once delivered.
            #expect(try await store.deadLetters(endpoint: "hook", limit: 10).map(\.sequence) == [2])
            #expect(try await store.resendRequests(endpoint: "hook").isEmpty)
            #expect(try await store.requestResend(endpoint: "hook", organization: .default, sequence: 2))
            #expect(try await store.requestResend(endpoint: "hook", organization: .default, sequence: 9) == false)
            #expect(try await store.resendRequests(endpoint: "hook").map(\.sequence) == [2])
            try await store.recordResend(Self.attempt(2, status: 500), owner: "b")
            #expect(try await store.resendRequests(endpoint: "hook").isEmpty, "a failed resend is asked for no more")
            #expect(try await store.deadLetters(endpoint: "hook", limit: 10).count == 1, "and kept")
            _ = try await store.requestResend(endpoint: "hook", organization: .default, sequence: 2)
            try await store.recordResend(Self.attempt(2, status: 200), owner: "b")
            #expect(try await store.deadLetters(endpoint: "hook", limit: 10).isEmpty)

            // A test event asked for, then answered.
            #expect(try await store.requestTest(endpoint: "hook", at: now))
            #expect(try await store.endpoint(id: "hook")?.testRequested != nil)
            try await store.recordTest(Self.attempt(0, status: 204), owner: "b")
            #expect(try await store.endpoint(id: "hook")?.testRequested == nil)

            // Removing the application removes its endpoints and what they kept.
            #expect(try await store.deleteApplication(id: "app"))
            #expect(try await store.endpoints(of: nil).isEmpty)
            #expect(try await store.attempts(endpoint: "hook", limit: 10).isEmpty)
        }
    }
}
