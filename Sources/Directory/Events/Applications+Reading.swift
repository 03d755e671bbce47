import Crypto
import Foundation
import SCIMCore

/// A page of the read API: items oldest first by key, and the cursor to read on from when more may follow.
public struct ReadPage: Sendable {
    public var items: [JSON]
    public var nextCursor: String?
}

/// The read API an application resynchronizes with: each organization's users, groups and members, in pages by
/// keyset (the SCIM API's cursor paging underneath), so a directory that changes while it is read never makes a
/// reader skip or repeat what exists throughout.
extension Applications {
    public static let maxReadLimit = 1000

    /// The organizations Roster serves.
    public func organizations() async throws -> [Organization] {
        try await context.stores.organizations.organizations()
    }

    /// The directory of the organization with this public id, or a 404.
    public func directory(organization id: String) async throws -> Directory {
        guard let organization = try await context.stores.organizations.organization(id: id) else {
            throw FeedError(status: 404, code: "not_found", detail: "There is no organization \(id).")
        }
        return Directory(context: context, organization: organization.key)
    }

    /// A page of users (with their groups) or groups (without their members, which have pages of their own).
    public func list(_ kind: ResourceKind, organization: String, after cursor: String?, limit: Int) async throws
        -> ReadPage
    {
        guard (1...Self.maxReadLimit).contains(limit) else {
            throw FeedError.invalid("invalid_limit", "limit must be between 1 and \(Self.maxReadLimit).")
        }
        let directory = try await directory(organization: organization)
        let projection =
            kind == .group
            ? Projection(attributes: [], excludedAttributes: [AttributePath(name: "members")]) : .default
        let paging = try CursorPaging(cursor: cursor ?? "", count: limit, maximum: Self.maxReadLimit)
        do {
            let page = try await directory.list(kind, filter: nil, sort: nil, cursor: paging, projection: projection)
            return ReadPage(items: page.resources, nextCursor: page.nextCursor)
        } catch let error as SCIMError where error.status == 400 {
            throw FeedError.invalid("invalid_cursor", error.detail)
        }
    }

    /// One user or group as SCIM shows it (a group without its members), or a 404.
    public func resource(_ kind: ResourceKind, id: String, organization: String) async throws -> JSON {
        let directory = try await directory(organization: organization)
        let projection =
            kind == .group
            ? Projection(attributes: [], excludedAttributes: [AttributePath(name: "members")]) : .default
        return .object(try await directory.get(kind, id: id, projection: projection).representation)
    }

    /// A page of a group's members: each one's id, type and display name.
    public func members(ofGroup id: String, organization: String, after cursor: String?, limit: Int) async throws
        -> ReadPage
    {
        guard (1...Self.maxReadLimit).contains(limit) else {
            throw FeedError.invalid("invalid_limit", "limit must be between 1 and \(Self.maxReadLimit).")
        }
        let directory = try await directory(organization: organization)
        var position: Int64?
        if let cursor {
            guard let bytes = try await context.cursors.openBytes(cursor),
                bytes.count == Self.memberMarker.count + 40,
                Array(bytes.prefix(Self.memberMarker.count)) == Self.memberMarker
            else { throw FeedError.invalid("invalid_cursor", "This cursor was not issued for a member list.") }
            let rest = Array(bytes.dropFirst(Self.memberMarker.count))
            // Bound to its group: the first 32 bytes are the SHA-256 of the organization and group ids.
            guard rest.prefix(32).elementsEqual(Self.scope(organization, id)) else {
                throw FeedError.invalid("invalid_cursor", "This cursor belongs to another group's member list.")
            }
            position = Int64(bitPattern: rest.dropFirst(32).reduce(0) { $0 << 8 | UInt64($1) })
        }
        _ = try await directory.get(
            .group, id: id, projection: Projection(attributes: [AttributePath(name: "id")], excludedAttributes: []))
        let page = try await context.stores.resources.members(
            ofGroup: id, after: position, limit: limit, in: directory.organization)
        let items: [JSON] = page.members.map { member in
            .object([
                "value": .string(member.id), "type": .string(member.kind.rawValue),
                "display": member.display.map(JSON.string) ?? .null,
            ])
        }
        var next: String?
        if let after = page.next {
            let bytes = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(bitPattern: after) >> (56 - 8 * $0)) }
            next = try await context.cursors.seal(bytes: Self.memberMarker + Self.scope(organization, id) + bytes)
        }
        return ReadPage(items: items, nextCursor: next)
    }

    private static let memberMarker: [UInt8] = Array("roster-members/1".utf8)

    private static func scope(_ organization: String, _ group: String) -> [UInt8] {
        Array(SHA256.hash(data: Data((organization + "/" + group).utf8)))
    }

    /// Where the feed ends now: a cursor from which only events written after this call are read. A consumer
    /// resynchronizing takes it first, reads the directory, then follows the feed from it.
    public func latestCursor(organization: String?) async throws -> String {
        guard let organization else {
            let position = max(try await events.latestPosition(), try await events.prunedPosition())
            return try await context.cursors.seal(bytes: FeedCursor.everywhere(position).bytes)
        }
        let key = try await feedOrganization(organization)
        let last = try await events.lastSequences()[key] ?? 0
        return try await context.cursors.seal(bytes: FeedCursor.organization(key, last).bytes)
    }
}
