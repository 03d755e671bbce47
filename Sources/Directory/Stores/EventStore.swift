import Foundation

/// The outbox: events written with their changes (by `ResourceStore`'s writes), read by the feed and by webhook
/// delivery, and removed after the retention period.
public protocol EventStore: Sendable {
    /// Events after `position` in the order of every organization's feed, at most `limit`. On a store with several
    /// writers, only events that no event still being written can come before; `withheld` says that committed
    /// events wait behind such a writer (read again: they come once it ends).
    func events(after position: FeedPosition, types: [String]?, limit: Int) async throws
        -> (events: [StoredEvent], withheld: Bool)
    /// One organization's events after `sequence`, in sequence order, at most `limit`.
    func events(of organization: OrganizationKey, afterSequence sequence: Int64, types: [String]?, limit: Int)
        async throws -> [StoredEvent]
    /// The position of the last event the feed of every organization can show now (`FeedPosition.start` when
    /// none).
    func latestPosition() async throws -> FeedPosition
    /// The last sequence number each organization with events has given; what a new webhook starts after.
    func lastSequences() async throws -> [OrganizationKey: Int64]
    /// The key of the organization with this public id, also while its events outlive it (being deleted, or a
    /// tombstone), for its feed.
    func organizationKey(id: String) async throws -> OrganizationKey?
    /// Deletes events older than `time`, at most `limit` of them; returns how many went. The highest position and
    /// each organization's highest sequence deleted are kept, so a cursor into what is gone is told so.
    func deleteEvents(before time: Date, limit: Int) async throws -> Int
    /// The highest feed position deleted (`FeedPosition.start` when none has been).
    func prunedPosition() async throws -> FeedPosition
    /// The highest sequence of `organization` deleted (0 when none has been).
    func prunedSequence(of organization: OrganizationKey) async throws -> Int64
}

/// Applications Roster serves (the sign-in's clients, the feed's readers, the webhooks' owners) and their webhook
/// endpoints with the state of delivery to each.
public protocol ApplicationStore: Sendable {
    func insertApplication(_ application: ApplicationRecord) async throws
    func applications() async throws -> [ApplicationRecord]
    func application(id: String) async throws -> ApplicationRecord?
    func application(withSecretHash hash: String) async throws -> ApplicationRecord?
    func application(clientID: String) async throws -> ApplicationRecord?
    /// Deletes an application with its endpoints; false when there is none.
    func deleteApplication(id: String) async throws -> Bool

    /// Adds an endpoint that starts after the events written so far: each organization's stream begins at its
    /// last sequence.
    func insertEndpoint(_ endpoint: WebhookEndpoint) async throws
    func endpoints(of application: String?) async throws -> [WebhookEndpoint]
    func endpoint(id: String) async throws -> WebhookEndpoint?
    func deleteEndpoint(id: String) async throws -> Bool
    /// Enables (clearing its failure) or disables an endpoint, saying why.
    func setEndpoint(id: String, enabled: Bool, reason: String?, at time: Date) async throws -> Bool

    /// Replaces an endpoint's signing secrets (newest first); false when there is no such endpoint.
    func setEndpointSecrets(id: String, secrets: [String]) async throws -> Bool
    /// Asks the instance delivering to the endpoint to send it a test event; false when there is none.
    func requestTest(endpoint: String, at time: Date) async throws -> Bool
    /// Records a test event's attempt and clears the request, if `owner` holds the lease.
    func recordTest(_ attempt: DeliveryAttempt, owner: String) async throws
    /// Asks for a dead letter to be sent again; false when there is no such dead letter.
    func requestResend(endpoint: String, organization: OrganizationKey, sequence: Int64) async throws -> Bool
    /// The dead letters of an endpoint someone asked to send again.
    func resendRequests(endpoint: String) async throws -> [DeadLetter]
    /// Records a resent dead letter's attempt: gone when it was delivered, else kept (no longer asked for).
    func recordResend(_ attempt: DeliveryAttempt, owner: String) async throws

    // MARK: Signing keys

    /// Every signing key, oldest first.
    func signingKeys() async throws -> [SigningKeyRecord]
    func insertSigningKey(_ key: SigningKeyRecord) async throws

    // MARK: Security event streams (RFC 8936 polling)

    /// Where an application's stream of security events has handed out to; nil before its first poll.
    func securityEventPosition(of application: String) async throws -> FeedPosition?
    /// Starts an application's stream at `position`, unless it has one already.
    func startSecurityEvents(of application: String, at position: FeedPosition) async throws
    /// Forgets the events handed out with these ids (acknowledged, or refused by the receiver); the ids that were
    /// handed out and are now forgotten.
    func acknowledge(_ ids: [String], of application: String) async throws -> [String]
    /// Whether an event handed out before `before` waits to be acknowledged.
    func hasDue(of application: String, handedOutBefore before: Date) async throws -> Bool
    /// Takes again, as handed out at `now`, at most `limit` events handed out before `before` and never
    /// acknowledged, oldest first; two polls never take the same one.
    func redeliver(of application: String, handedOutBefore before: Date, now: Date, limit: Int) async throws
        -> [OutstandingEvent]
    /// How many events an application was handed and has not acknowledged.
    func outstandingCount(of application: String) async throws -> Int
    /// Hands out `events` (read after `from`) and moves the stream to `to`, if it is still at `from`; false when
    /// another poll moved it first (read again from where it is).
    func handOut(_ events: [OutstandingEvent], of application: String, from: FeedPosition, to: FeedPosition, at: Date)
        async throws -> Bool

    /// Leases the enabled endpoints no other instance holds (or whose lease ran out) to `owner` until `until`.
    func claimEndpoints(owner: String, now: Date, until: Date) async throws -> [WebhookEndpoint]
    /// Gives up the endpoints `owner` holds (on shutdown), so another instance takes them at once.
    func releaseEndpoints(owner: String) async throws
    /// The organizations whose events this endpoint has not all had, with where its stream stands in each.
    func pendingStreams(endpoint: String, now: Date) async throws -> [WebhookStream]
    /// Records attempts at one organization's stream and where the stream now stands (with the event given up on,
    /// if one was), and whether the endpoint is failing; nothing is written unless `owner` still holds the lease.
    func recordDeliveries(
        endpoint: String, stream: WebhookStream, attempts: [DeliveryAttempt], deadLetter: DeadLetter?,
        failingSince: Date?, owner: String
    ) async throws -> Bool
    /// The latest attempts at an endpoint's deliveries, newest first.
    func attempts(endpoint: String, limit: Int) async throws -> [DeliveryAttempt]
    /// The events given up on, newest first.
    func deadLetters(endpoint: String, limit: Int) async throws -> [DeadLetter]
    /// Deletes attempts older than `time`; returns how many went.
    func deleteAttempts(before time: Date) async throws -> Int
}

/// An application registered with Roster. Its secret is shown once and kept as a hash.
public struct ApplicationRecord: Sendable, Hashable {
    public var id: String
    public var name: String
    public var clientID: String
    public var secretHash: String
    public var redirectURIs: [String]
    public var created: Date

    public init(
        id: String, name: String, clientID: String, secretHash: String, redirectURIs: [String], created: Date
    ) {
        self.id = id
        self.name = name
        self.clientID = clientID
        self.secretHash = secretHash
        self.redirectURIs = redirectURIs
        self.created = created
    }
}

/// Where an application wants events pushed, and what state delivery to it is in.
public struct WebhookEndpoint: Sendable, Hashable {
    public var id: String
    public var application: String
    public var url: String
    /// The event types it takes; empty for all.
    public var types: [String]
    /// The signing secrets, newest first: two while a secret is rotated.
    public var secrets: [String]
    public var enabled: Bool
    /// Plain http and private addresses allowed: an operator's choice for an application beside Roster.
    public var allowInsecure: Bool
    /// Why it was disabled, when it was.
    public var disabledReason: String?
    /// Since when every attempt has failed; nil after a success.
    public var failingSince: Date?
    /// When someone asked for a test event to be sent, until it is.
    public var testRequested: Date?
    public var created: Date

    public init(
        id: String, application: String, url: String, types: [String], secrets: [String], enabled: Bool = true,
        allowInsecure: Bool = false, disabledReason: String? = nil, failingSince: Date? = nil, created: Date
    ) {
        self.allowInsecure = allowInsecure
        self.id = id
        self.application = application
        self.url = url
        self.types = types
        self.secrets = secrets
        self.enabled = enabled
        self.disabledReason = disabledReason
        self.failingSince = failingSince
        self.created = created
    }

    public func accepts(_ type: String) -> Bool { types.isEmpty || types.contains(type) }
}

/// One organization's events on their way to one endpoint: the last sequence delivered (or given up on) and the
/// retry state of the next.
public struct WebhookStream: Sendable, Hashable {
    public var organization: OrganizationKey
    public var delivered: Int64
    /// Failed attempts at the next event.
    public var attempts: Int
    /// When the next event was first attempted, while it keeps failing.
    public var firstAttempt: Date?
    /// Not before this time, after a failure.
    public var nextAttempt: Date?

    public init(
        organization: OrganizationKey, delivered: Int64, attempts: Int = 0, firstAttempt: Date? = nil,
        nextAttempt: Date? = nil
    ) {
        self.organization = organization
        self.delivered = delivered
        self.attempts = attempts
        self.firstAttempt = firstAttempt
        self.nextAttempt = nextAttempt
    }
}

/// One try at delivering one event to one endpoint.
public struct DeliveryAttempt: Sendable, Hashable {
    public var endpoint: String
    public var organization: OrganizationKey
    public var sequence: Int64
    public var eventID: String
    public var eventType: String
    public var time: Date
    /// The HTTP status, or nil when no response came (refused, timed out).
    public var status: Int?
    public var milliseconds: Double
    /// The start of the response's body, or what went wrong.
    public var excerpt: String

    public init(
        endpoint: String, organization: OrganizationKey, sequence: Int64, eventID: String, eventType: String,
        time: Date, status: Int?, milliseconds: Double, excerpt: String
    ) {
        self.endpoint = endpoint
        self.organization = organization
        self.sequence = sequence
        self.eventID = eventID
        self.eventType = eventType
        self.time = time
        self.status = status
        self.milliseconds = milliseconds
        self.excerpt = excerpt
    }

    public var succeeded: Bool { status.map { (200..<300).contains($0) } ?? false }
}

/// An event delivery gave up on.
public struct DeadLetter: Sendable, Hashable {
    public var endpoint: String
    public var organization: OrganizationKey
    public var sequence: Int64
    public var eventID: String
    public var time: Date
    public var reason: String

    public init(
        endpoint: String, organization: OrganizationKey, sequence: Int64, eventID: String, time: Date, reason: String
    ) {
        self.endpoint = endpoint
        self.organization = organization
        self.sequence = sequence
        self.eventID = eventID
        self.time = time
        self.reason = reason
    }
}

/// An event handed to a security event poller and not yet acknowledged: its id (the SET's `jti`) and where it is.
public struct OutstandingEvent: Sendable, Hashable {
    public var id: String
    public var organization: OrganizationKey
    public var sequence: Int64

    public init(id: String, organization: OrganizationKey, sequence: Int64) {
        self.id = id
        self.organization = organization
        self.sequence = sequence
    }
}
