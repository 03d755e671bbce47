import Foundation
import SCIMCore
import Synchronization

/// A poll of an application's security event stream (RFC 8936 §2.2).
public struct SecurityEventPoll: Sendable, Hashable {
    /// The `jti`s the receiver took.
    public var acknowledged: [String]
    /// The `jti`s the receiver could not take, with its error code and description (logged, then forgotten).
    public var refused: [String: String]
    /// At most this many SETs (nil: as many as Roster gives at once, `Applications.maxSecurityEventsPerPoll`).
    public var maxEvents: Int?
    public var returnImmediately: Bool

    public init(acknowledged: [String], refused: [String: String], maxEvents: Int?, returnImmediately: Bool) {
        self.acknowledged = acknowledged
        self.refused = refused
        self.maxEvents = maxEvents
        self.returnImmediately = returnImmediately
    }

    /// The request body, read as RFC 8936 defines it; anything else is a 400 `invalid_request`.
    public static func parse(_ body: some Collection<UInt8>) throws(FeedError) -> SecurityEventPoll {
        let bad = { (detail: String) in FeedError.invalid("invalid_request", detail) }
        guard let json = try? JSON.parse(body, refusingNUL: true), let object = json.objectValue else {
            throw bad("The body must be a JSON object (RFC 8936 §2.2).")
        }
        var poll = SecurityEventPoll(acknowledged: [], refused: [:], maxEvents: nil, returnImmediately: false)
        for (key, value) in object.members {
            switch key {
            case "ack":
                guard let items = value.arrayValue, items.count <= 10_000,
                    case let ids = items.compactMap(\.stringValue), ids.count == items.count
                else { throw bad("\"ack\" must be an array of at most 10,000 jti strings.") }
                poll.acknowledged = ids
            case "setErrs":
                guard let errors = value.objectValue, errors.count <= 10_000 else {
                    throw bad("\"setErrs\" must be an object of jti → {\"err\", \"description\"}.")
                }
                for (id, error) in errors.members {
                    guard let code = error["err"]?.stringValue else {
                        throw bad("Each of \"setErrs\" needs an \"err\" code (RFC 8935 §2.4).")
                    }
                    poll.refused[id] = code + (error["description"]?.stringValue.map { ": " + $0 } ?? "")
                }
            case "maxEvents":
                guard let number = value.intValue, number >= 0 else {
                    throw bad("\"maxEvents\" must be a non-negative integer.")
                }
                poll.maxEvents = number
            case "returnImmediately":
                guard let flag = value.boolValue else { throw bad("\"returnImmediately\" must be true or false.") }
                poll.returnImmediately = flag
            default:
                throw bad("\"\(key)\" is not a member of a poll request: ack, setErrs, maxEvents, returnImmediately.")
            }
        }
        return poll
    }
}

/// What a poll answers: each SET by its `jti`, and whether more are waiting.
public struct SecurityEventBatch: Sendable {
    public var sets: [(id: String, token: String)]
    public var moreAvailable: Bool

    /// `{"sets":{jti: SET, …},"moreAvailable":…}`.
    public var json: JSON {
        .object([
            "sets": .object(JSONObject(sets.map { (key: $0.id, value: JSON.string($0.token)) })),
            "moreAvailable": .bool(moreAvailable),
        ])
    }
}

/// The event feed as SCIM security events (RFC 9967): each user and group event a Security Event Token signed
/// with Roster's published keys, taken by polling (RFC 8936) and kept until acknowledged.
extension Applications {
    public static let maxSecurityEventsPerPoll = 1000
    /// A poll's answer stops adding SETs past this many bytes (a resource may be 1 MiB; a thousand of them would
    /// be a gigabyte).
    public static let maxSecurityEventBytes = 8 << 20
    /// An event handed out and not acknowledged within this is handed out again.
    public static let redeliveryAfter: TimeInterval = 30
    /// An application with this many unacknowledged events is handed no new ones until it acknowledges.
    public static let maxOutstanding = 10_000
    /// Long polls of one application waiting at once on one instance; another is refused (429).
    public static let maxWaitingPolls = 4

    public static let setType = "secevent+jwt"
    static let eventURI = "urn:ietf:params:scim:event:"
    /// An organization's deletion, which takes all its users and groups (no event is written for each): no SCIM
    /// event type says it, so it has Roster's own.
    public static let organizationDeletedURI = "urn:roster:event:organization:delete"

    /// Acknowledges what the poll says, then hands out SETs: first those handed out over `redeliveryAfter` ago and
    /// never acknowledged, then new ones. With none to give and no `returnImmediately`, waits up to `longPoll`
    /// for one. Returns the batch and the refusals (`setErrs`) of SETs that were handed out, for the log.
    public func poll(_ poll: SecurityEventPoll, by application: ApplicationRecord, longPoll: Duration) async throws
        -> (batch: SecurityEventBatch, refused: [String: String])
    {
        let done = poll.acknowledged + poll.refused.keys
        let forgotten = done.isEmpty ? [] : try await store.acknowledge(done, of: application.id)
        let refused = poll.refused.filter { Set(forgotten).contains($0.key) }
        let limit = min(poll.maxEvents ?? Self.maxSecurityEventsPerPoll, Self.maxSecurityEventsPerPoll)
        guard limit > 0 else {
            _ = try await streamPosition(of: application)  // any first contact starts the stream
            return (SecurityEventBatch(sets: [], moreAvailable: false), refused)
        }
        let batch = try await take(limit, for: application)
        guard batch.sets.isEmpty, !poll.returnImmediately else { return (batch, refused) }
        guard context.waitingPolls.enter(application.id, limit: Self.maxWaitingPolls) else {
            throw FeedError(
                status: 429, code: "too_many_polls",
                detail: "At most \(Self.maxWaitingPolls) long polls of one application wait at once; "
                    + "wait for one to answer, or poll with returnImmediately.")
        }
        defer { context.waitingPolls.leave(application.id) }
        // Waiting looks for something to take with two reads, and takes only then.
        let clock = ContinuousClock()
        let deadline = clock.now + longPoll
        while clock.now < deadline {
            try await Task.sleep(for: min(.milliseconds(250), deadline - clock.now))
            if try await hasWaiting(for: application) {
                let batch = try await take(limit, for: application)
                if !batch.sets.isEmpty { return (batch, refused) }
            }
        }
        return (SecurityEventBatch(sets: [], moreAvailable: false), refused)
    }

    /// Whether an event waits after the stream's position, or one handed out is due again.
    private func hasWaiting(for application: ApplicationRecord) async throws -> Bool {
        let position = try await streamPosition(of: application)
        if try await store.hasDue(of: application.id, handedOutBefore: context.clock() - Self.redeliveryAfter) {
            return true
        }
        return try await !events.events(after: position, types: nil, limit: 1).events.isEmpty
    }

    private func take(_ limit: Int, for application: ApplicationRecord) async throws -> SecurityEventBatch {
        let now = context.clock()
        let signer = try await context.signingKeys.signer()
        var sets: [(id: String, token: String)] = []
        var bytes = 0
        var gone: [String] = []
        var more = false
        for outstanding in try await store.redeliver(
            of: application.id, handedOutBefore: now - Self.redeliveryAfter, now: now, limit: limit)
        {
            let found = try await events.events(
                of: outstanding.organization, afterSequence: outstanding.sequence - 1, types: nil, limit: 1
            ).first
            guard let event = found, event.sequence == outstanding.sequence,
                let claims = try setClaims(event, application)
            else {
                gone.append(outstanding.id)  // deleted by retention meanwhile: nothing left to hand out
                continue
            }
            // Past the byte budget, it stays handed out and comes again after `redeliveryAfter`.
            guard bytes < Self.maxSecurityEventBytes else {
                more = true
                continue
            }
            let token = try signer.sign(claims: claims, type: Self.setType)
            bytes += token.utf8.count
            sets.append((event.id, token))
        }
        if !gone.isEmpty { _ = try await store.acknowledge(gone, of: application.id) }
        let room = limit - sets.count
        let outstanding = try await store.outstandingCount(of: application.id)
        if room > 0, !more, outstanding < Self.maxOutstanding {
            for _ in 0..<10 {
                let start = try await streamPosition(of: application)
                let page = try await events.events(after: start, types: nil, limit: room + 1).events
                var signed: [(id: String, token: String)] = []
                var handed: [OutstandingEvent] = []
                var end: FeedPosition?
                var added = bytes
                for event in page.prefix(room) {
                    if added >= Self.maxSecurityEventBytes { break }
                    end = event.position
                    guard let claims = try setClaims(event, application) else { continue }
                    let token = try signer.sign(claims: claims, type: Self.setType)
                    added += token.utf8.count
                    signed.append((event.id, token))
                    handed.append(
                        OutstandingEvent(id: event.id, organization: event.organizationKey, sequence: event.sequence))
                }
                guard let end else { break }
                if try await store.handOut(handed, of: application.id, from: start, to: end, at: now) {
                    sets += signed
                    more = end != page.last?.position
                    break
                }
            }
        } else if !more {
            more = try await hasWaiting(for: application)
        }
        return SecurityEventBatch(sets: sets, moreAvailable: more)
    }

    /// Where an application's stream stands; its first poll starts it at the feed's end, as a new webhook starts.
    private func streamPosition(of application: ApplicationRecord) async throws -> FeedPosition {
        if let position = try await store.securityEventPosition(of: application.id) { return position }
        try await store.startSecurityEvents(of: application.id, at: try await events.latestPosition())
        guard let position = try await store.securityEventPosition(of: application.id) else {
            throw FeedError.unauthorized  // removed meanwhile
        }
        return position
    }

    /// The issuer of Roster's tokens: its public URL, the SCIM endpoint without `/scim/v2`.
    var issuer: String { context.publicURL }

    /// An event's claims as RFC 9967 profiles a SET, or nil for an organization's creation or change (no SCIM
    /// resource; an organization's deletion is told, with `organizationDeletedURI`, as it takes every resource):
    /// creation as `prov:create:full`, a change as `prov:put:full` (with `prov:activate` or `prov:deactivate` when
    /// `active` turned), membership as `prov:patch:full` carrying the PATCH that makes it, deletion as
    /// `prov:delete`. The subject is `sub_id` in the `scim` format, its `uri` relative to the SCIM endpoint.
    func setClaims(_ event: StoredEvent, _ application: ApplicationRecord) throws -> JSON? {
        guard let type = EventType(rawValue: event.type) else { return nil }
        let payload = try JSON.parse(Array(event.payload.utf8))
        let data = payload["data"]
        let object = data?["object"]
        let uri = Self.eventURI + "prov:"
        var events = JSONObject()
        var subject: JSON?
        let full = { (object: JSON) -> JSON in
            var payload: JSONObject = ["data": object]
            if let version = object["meta"]?["version"] { payload["version"] = version }
            return .object(payload)
        }
        switch type {
        case .userCreated, .groupCreated:
            subject = object
            events[uri + "create:full"] = full(object ?? .null)
        case .userUpdated, .groupUpdated, .userDeactivated, .userReactivated:
            subject = object
            events[uri + "put:full"] = full(object ?? .null)
            if type == .userDeactivated { events[uri + "deactivate"] = .object([:]) }
            if type == .userReactivated { events[uri + "activate"] = .object([:]) }
        case .userDeleted, .groupDeleted:
            subject = object
            events[uri + "delete"] = .object([:])
        case .groupMembersAdded, .groupMembersRemoved:
            subject = data?["group"]
            let ids = data?["members"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let operations: [JSON] =
                type == .groupMembersAdded
                ? [
                    .object([
                        "op": "add", "path": "members",
                        "value": .array(ids.map { .object(["value": .string($0), "$ref": .string("/Users/\($0)")]) }),
                    ])
                ]
                : ids.map { .object(["op": "remove", "path": .string(#"members[value eq "\#($0)"]"#)]) }
            events[uri + "patch:full"] = .object([
                "data": .object([
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": .array(operations),
                ])
            ])
        case .organizationDeleted:
            let organization: JSONObject = ["organization": object ?? .null]
            events[Self.organizationDeletedURI] = .object(organization)
        case .organizationCreated, .organizationUpdated:
            return nil
        }
        let id = subject?["id"]?.stringValue ?? ""
        let endpoint = type.rawValue.hasPrefix("user.") ? "/Users/" : "/Groups/"
        var subjectID: JSONObject = ["format": "scim", "uri": .string(endpoint + id), "id": .string(id)]
        if let externalID = subject?["externalId"], externalID != .null { subjectID["externalId"] = externalID }
        if type == .organizationDeleted { subjectID = ["format": "opaque", "id": .string(event.organization)] }
        return .object([
            "iss": .string(issuer), "iat": .int(Int(event.time.timeIntervalSince1970)),
            "jti": .string(event.id), "aud": .string(application.clientID),
            "txn": payload["request"]?.stringValue.map(JSON.string) ?? .string(event.id),
            "sub_id": .object(subjectID), "events": .object(events), "organization": .string(event.organization),
        ])
    }
}

/// Counts the long polls waiting on this instance, by application, to bound them.
final class WaitingPolls: Sendable {
    private let waiting = Mutex<[String: Int]>([:])

    /// Counts one more for `application`, unless it has `limit` already.
    func enter(_ application: String, limit: Int) -> Bool {
        waiting.withLock { waiting in
            guard waiting[application, default: 0] < limit else { return false }
            waiting[application, default: 0] += 1
            return true
        }
    }

    func leave(_ application: String) {
        waiting.withLock { waiting in
            waiting[application, default: 1] -= 1
            if waiting[application] == 0 { waiting[application] = nil }
        }
    }
}
