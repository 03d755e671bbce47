import Foundation
import SCIMCore

/// What happened, as the application reads it: one type per kind of change, so a deactivation is told as
/// `user.deactivated` and never also as `user.updated`.
public enum EventType: String, Sendable, CaseIterable, Codable {
    case userCreated = "user.created"
    case userUpdated = "user.updated"
    case userDeactivated = "user.deactivated"
    case userReactivated = "user.reactivated"
    case userDeleted = "user.deleted"
    case groupCreated = "group.created"
    case groupUpdated = "group.updated"
    case groupDeleted = "group.deleted"
    case groupMembersAdded = "group.members_added"
    case groupMembersRemoved = "group.members_removed"
    case organizationCreated = "organization.created"
    case organizationUpdated = "organization.updated"
    /// The organization and everything it held are gone: no event tells each of its users and groups.
    case organizationDeleted = "organization.deleted"
}

/// Who made a change and in which request: every event says it. Bound for a request's task by the edge that
/// authenticated it (a SCIM token, a console session), so the directory's rules need no extra argument for it.
public struct ChangeOrigin: Sendable, Hashable {
    public enum Actor: Sendable, Hashable {
        case token(id: String, name: String)
        case console(admin: String)
        case signIn(connection: String)
        case commandLine
        case system
    }

    public var requestID: String?
    public var actor: Actor

    public init(requestID: String?, actor: Actor) {
        self.requestID = requestID
        self.actor = actor
    }

    @TaskLocal public static var current = ChangeOrigin(requestID: nil, actor: .system)

    var json: JSONObject {
        let actor: JSONObject =
            switch self.actor {
            case .token(let id, let name): ["type": "token", "id": .string(id), "name": .string(name)]
            case .console(let admin): ["type": "console", "name": .string(admin)]
            case .signIn(let connection): ["type": "sign_in", "id": .string(connection)]
            case .commandLine: ["type": "command_line"]
            case .system: ["type": "system"]
            }
        return ["request": requestID.map(JSON.string) ?? .null, "actor": .object(actor)]
    }
}

/// An event as a write hands it to its store, to be written in the write's transaction. The store gives it the
/// organization's next sequence number; everything else is decided before the transaction starts.
public struct NewEvent: Sendable, Hashable {
    /// A time-ordered UUID: the idempotency key consumers de-duplicate on (`webhook-id`).
    public var id: String
    public var type: EventType
    public var resourceID: String
    public var time: Date
    /// The rest of the envelope, a JSON object's text: `data`, `request`, `actor`.
    public var payload: String

    public init(id: String, type: EventType, resourceID: String, time: Date, payload: String) {
        self.id = id
        self.type = type
        self.resourceID = resourceID
        self.time = time
        self.payload = payload
    }
}

/// An event as stored and read back: its place in the feed, its organization's sequence, and its envelope.
public struct StoredEvent: Sendable, Hashable {
    /// Where the event stands in the feed of every organization (see `FeedPosition`).
    public var position: FeedPosition
    public var organizationKey: OrganizationKey
    /// The organization's public id.
    public var organization: String
    public var sequence: Int64
    public var id: String
    public var type: String
    public var time: Date
    public var payload: String

    public init(
        position: FeedPosition, organizationKey: OrganizationKey, organization: String, sequence: Int64, id: String,
        type: String, time: Date, payload: String
    ) {
        self.position = position
        self.organizationKey = organizationKey
        self.organization = organization
        self.sequence = sequence
        self.id = id
        self.type = type
        self.time = time
        self.payload = payload
    }

    /// The envelope as the feed and every webhook delivery send it, the same bytes each time: the stored payload
    /// is spliced in as written, never decoded and encoded again.
    public var envelope: String { String(decoding: envelopeBytes, as: UTF8.self) }

    /// The envelope's bytes, as `envelope` spells them.
    public var envelopeBytes: [UInt8] {
        var bytes: [UInt8] = []
        appendEnvelope(to: &bytes)
        return bytes
    }

    /// Appends the envelope's bytes: the head written field by field, then the payload's members.
    public func appendEnvelope(to bytes: inout [UInt8]) {
        bytes.reserveCapacity(bytes.count + payload.utf8.count + 200)
        bytes += #"{"id":"#.utf8
        Self.append(string: id, to: &bytes)
        bytes += #","type":"#.utf8
        Self.append(string: type, to: &bytes)
        bytes += #","organization":"#.utf8
        Self.append(string: organization, to: &bytes)
        bytes += #","sequence":"#.utf8
        bytes += String(sequence).utf8
        bytes += #","time":"#.utf8
        Self.append(string: DateTime.format(time), to: &bytes)
        if payload.utf8.count > 2 {
            bytes.append(UInt8(ascii: ","))
            bytes += payload.utf8.dropFirst()
        } else {
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// A JSON string: as is when it needs no escape (ids, types, times always), else through the encoder.
    private static func append(string: String, to bytes: inout [UInt8]) {
        if string.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            bytes.append(UInt8(ascii: "\""))
            bytes += string.utf8
            bytes.append(UInt8(ascii: "\""))
        } else {
            bytes += JSON.string(string).serializedBytes()
        }
    }
}

/// A place in the feed of every organization: the events after it are those with a greater position. On SQLite it
/// is the row's key, given in commit order; on PostgreSQL the writing transaction's id, then the row's key, read
/// only once every older transaction has ended (see the PostgreSQL store).
public struct FeedPosition: Sendable, Hashable, Comparable {
    public var major: Int64
    public var minor: Int64

    public init(major: Int64, minor: Int64) {
        self.major = major
        self.minor = minor
    }

    public static let start = FeedPosition(major: 0, minor: 0)

    public static func < (lhs: FeedPosition, rhs: FeedPosition) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }
}
