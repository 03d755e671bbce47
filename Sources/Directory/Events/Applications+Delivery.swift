import Foundation
import SCIMCore

/// What one HTTP attempt at a webhook gave.
public struct DeliveryResponse: Sendable {
    /// The HTTP status, nil when no response came.
    public var status: Int?
    public var milliseconds: Double
    /// The start of the response body, or what went wrong.
    public var excerpt: String

    public init(status: Int?, milliseconds: Double, excerpt: String) {
        self.status = status
        self.milliseconds = milliseconds
        self.excerpt = excerpt
    }

    public var succeeded: Bool { status.map { (200..<300).contains($0) } ?? false }
}

/// Sends one event's envelope (its exact bytes) to an endpoint, signed.
public typealias WebhookSender = @Sendable (WebhookEndpoint, StoredEvent, [UInt8]) async -> DeliveryResponse

extension Applications {
    /// How long an instance holds the endpoints it delivers to; a round renews it.
    public static let leaseSeconds: TimeInterval = 30
    /// The most events one stream sends in a round before its progress is written.
    static let roundEvents = 500
    /// The successful attempts of a round that are recorded (the newest); failures are all recorded.
    static let successesKept = 20

    /// Leases (or renews) the endpoints nobody else holds to the instance `owner`, for `leaseSeconds`.
    public func claimDeliveries(owner: String) async throws -> [WebhookEndpoint] {
        let now = context.clock()
        return try await store.claimEndpoints(owner: owner, now: now, until: now + Self.leaseSeconds)
    }

    /// Sends each organization's waiting events to `endpoint` in sequence order, a batch per organization,
    /// stopping an organization's stream at its first failure (retried later, see `RetrySchedule`); organizations
    /// go at once, a few at a time. Returns whether anything was waiting.
    public func deliverWaiting(
        to endpoint: WebhookEndpoint, owner: String, isHeld: @escaping @Sendable () -> Bool = { true },
        send: @escaping WebhookSender
    ) async throws -> Bool {
        let streams = try await store.pendingStreams(endpoint: endpoint.id, now: context.clock())
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, stream) in streams.enumerated() {
                if index >= 8 { try await group.next() }
                group.addTask { try await deliver(stream, to: endpoint, owner: owner, isHeld: isHeld, send: send) }
            }
            try await group.waitForAll()
        }
        return !streams.isEmpty
    }

    private func deliver(
        _ stream: WebhookStream, to endpoint: WebhookEndpoint, owner: String, isHeld: @Sendable () -> Bool,
        send: WebhookSender
    ) async throws {
        let waiting = try await events.events(
            of: stream.organization, afterSequence: stream.delivered, types: nil, limit: Self.roundEvents)
        guard !waiting.isEmpty else { return }
        var state = stream
        var attempts: [DeliveryAttempt] = []
        var deadLetter: DeadLetter?
        var failingSince = endpoint.failingSince
        let deadline = context.clock() + 15
        for event in waiting {
            // Removed, disabled or taken over meanwhile: not one event more.
            if Task.isCancelled || !isHeld() { break }
            guard endpoint.accepts(event.type) else {
                state.delivered = event.sequence
                continue
            }
            let time = context.clock()
            let response = await send(endpoint, event, event.envelopeBytes)
            attempts.append(
                DeliveryAttempt(
                    endpoint: endpoint.id, organization: event.organizationKey, sequence: event.sequence,
                    eventID: event.id, eventType: event.type, time: time, status: response.status,
                    milliseconds: response.milliseconds, excerpt: String(response.excerpt.prefix(500))))
            if response.succeeded {
                state = WebhookStream(organization: state.organization, delivered: event.sequence)
                failingSince = nil
            } else {
                failingSince = failingSince ?? time
                let first = state.firstAttempt ?? time
                let failures = state.attempts + 1
                if time.timeIntervalSince(first) >= RetrySchedule.window {
                    deadLetter = DeadLetter(
                        endpoint: endpoint.id, organization: event.organizationKey, sequence: event.sequence,
                        eventID: event.id, time: time,
                        reason: "Failed for \(Int(RetrySchedule.window / 86400)) days (\(failures) attempts); last: "
                            + String(response.excerpt.prefix(200)))
                    state = WebhookStream(organization: state.organization, delivered: event.sequence)
                } else {
                    state.attempts = failures
                    state.firstAttempt = first
                    state.nextAttempt = time + RetrySchedule.delay(afterFailures: failures)
                }
                break
            }
            if context.clock() > deadline { break }
        }
        // Every failure is kept, and the newest successes, enough for the console's list: a row per delivered event
        // would be a second stream of writes as large as the directory's own.
        let kept = attempts.filter { !$0.succeeded } + Array(attempts.filter(\.succeeded).suffix(Self.successesKept))
        guard
            try await store.recordDeliveries(
                endpoint: endpoint.id, stream: state, attempts: kept.sorted { $0.sequence < $1.sequence },
                deadLetter: deadLetter,
                failingSince: failingSince, owner: owner)
        else { return }
        if let failingSince, context.clock().timeIntervalSince(failingSince) >= RetrySchedule.disableAfter {
            _ = try await store.setEndpoint(
                id: endpoint.id, enabled: false,
                reason: "Every delivery failed for \(Int(RetrySchedule.disableAfter / 86400)) days; re-enable it once "
                    + "the receiver works.", at: context.clock())
        }
    }

    /// Sends what people asked for: a test event, when one was asked for after `tested`, and the dead letters to
    /// send again. Returns the test request it answered, if it did.
    public func deliverRequests(to endpoint: WebhookEndpoint, owner: String, tested: Date?, send: WebhookSender)
        async throws -> Date?
    {
        var answered: Date?
        if let requested = endpoint.testRequested, requested != tested {
            let event = StoredEvent(
                position: .start, organizationKey: OrganizationKey(0), organization: "", sequence: 0,
                id: context.newID(), type: "webhook.test", time: context.clock(),
                payload: #"{"data":{"message":"A test event, sent from Roster's console."}}"#)
            try await store.recordTest(await attempt(event, to: endpoint, send: send), owner: owner)
            answered = requested
        }
        for letter in try await store.resendRequests(endpoint: endpoint.id) {
            let found = try await events.events(
                of: letter.organization, afterSequence: letter.sequence - 1, types: nil, limit: 1
            ).first
            guard let event = found, event.sequence == letter.sequence else {
                try await store.recordResend(
                    DeliveryAttempt(
                        endpoint: endpoint.id, organization: letter.organization, sequence: letter.sequence,
                        eventID: letter.eventID, eventType: "", time: context.clock(), status: nil, milliseconds: 0,
                        excerpt: "The event is no longer kept (past the retention period)."), owner: owner)
                continue
            }
            try await store.recordResend(await attempt(event, to: endpoint, send: send), owner: owner)
        }
        return answered
    }

    private func attempt(_ event: StoredEvent, to endpoint: WebhookEndpoint, send: WebhookSender) async
        -> DeliveryAttempt
    {
        let time = context.clock()
        let response = await send(endpoint, event, event.envelopeBytes)
        return DeliveryAttempt(
            endpoint: endpoint.id, organization: event.organizationKey, sequence: event.sequence, eventID: event.id,
            eventType: event.type, time: time, status: response.status, milliseconds: response.milliseconds,
            excerpt: String(response.excerpt.prefix(500)))
    }

    /// Gives up this instance's leases (on shutdown), so another instance delivers at once.
    public func releaseDeliveries(owner: String) async throws {
        try await store.releaseEndpoints(owner: owner)
    }
}
