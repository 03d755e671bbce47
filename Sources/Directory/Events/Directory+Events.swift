import Foundation
import SCIMCore

extension Directory {
    /// The most member ids one membership event carries: a PATCH of 10,000 members is ten events, not one
    /// unbounded one nor 10,000.
    static let membersPerEvent = 1000

    /// The events telling that `resource` was created with `members`.
    func creationEvents(_ resource: StoredResource, members: [String]) async throws -> [NewEvent] {
        let type: EventType = resource.kind == .user ? .userCreated : .groupCreated
        var events = [try await event(type, resource: resource, previous: nil)]
        if !members.isEmpty { events += membershipEvents(group: resource, MembershipChange(added: members)) }
        return events
    }

    /// The event telling that `old` became `new` (same id): its type what happened (a user's `active` turned off is
    /// `user.deactivated`). Membership changes are told by the store (see `telling`).
    func updateEvents(from old: StoredResource, to new: StoredResource) async throws -> [NewEvent] {
        var events: [NewEvent] = []
        if old.body != new.body {
            let type: EventType
            if new.kind == .group {
                type = .groupUpdated
            } else {
                let wasActive = old.body["active"]?.boolValue ?? true
                let isActive = new.body["active"]?.boolValue ?? true
                type = wasActive == isActive ? .userUpdated : isActive ? .userReactivated : .userDeactivated
            }
            events.append(
                try await event(type, resource: new, previous: Self.previousValues(from: old.body, to: new.body)))
        }
        return events
    }

    /// `change` with what tells it: the store writes membership events for the rows it actually adds and removes,
    /// so two requests adding one member tell it once, and a member added meanwhile is told removed by a replace.
    func telling(_ change: MembershipChange, group: StoredResource) -> MembershipChange {
        guard group.kind == .group else { return change }
        var told = change
        told.told = MembershipEvents(
            groupID: group.id,
            reference: [
                "id": .string(group.id), "displayName": group.body["displayName"] ?? .null,
                "externalId": group.body["externalId"] ?? .null,
            ], origin: ChangeOrigin.current.json, time: Self.toMilliseconds(clock()))
        return told
    }

    /// The event telling that `resource` (as it was last) was deleted, then its removal from each group it was a
    /// member of (`groups`): a consumer keeping memberships from events needs no rule of its own for deletions.
    func deletionEvents(_ resource: StoredResource, groups: [ResourceReference]) async throws -> [NewEvent] {
        var events = [
            try await event(resource.kind == .user ? .userDeleted : .groupDeleted, resource: resource, previous: nil)
        ]
        for group in groups {
            events += membershipEvents(
                group: ["id": .string(group.id), "displayName": group.display.map(JSON.string) ?? .null],
                groupID: group.id, MembershipChange(removed: [resource.id]))
        }
        return events
    }

    /// Membership events for a group: the ids added, then the ids removed, in events of at most
    /// `membersPerEvent`. Replacing every member is told as the removal of each.
    func membershipEvents(group: StoredResource, _ change: MembershipChange) -> [NewEvent] {
        let reference: JSONObject = [
            "id": .string(group.id), "displayName": group.body["displayName"] ?? .null,
            "externalId": group.body["externalId"] ?? .null,
        ]
        return membershipEvents(group: reference, groupID: group.id, change)
    }

    private func membershipEvents(group reference: JSONObject, groupID: String, _ change: MembershipChange)
        -> [NewEvent]
    {
        MembershipEvents(
            groupID: groupID, reference: reference, origin: ChangeOrigin.current.json,
            time: Self.toMilliseconds(clock())
        ).events(added: change.added, removed: change.removed)
    }

    /// An event carrying the resource's representation at its version (without the derived `groups` and
    /// `members`: memberships have events of their own) and, for an update, the values it replaced.
    private func event(_ type: EventType, resource: StoredResource, previous: JSONObject?) async throws -> NewEvent {
        let meta = ResourceMeta(
            created: resource.created, lastModified: resource.lastModified, version: resource.version,
            location: location(resource.kind, id: resource.id))
        let representation = try await resourceType(resource.kind).representation(
            id: resource.id, body: resource.body, meta: meta)
        var data: JSONObject = ["object": .object(representation)]
        if let previous { data["previous"] = .object(previous) }
        return newEvent(type, resourceID: resource.id, data: data)
    }

    private func newEvent(_ type: EventType, resourceID: String, data: JSONObject) -> NewEvent {
        NewEvent.made(
            type, resourceID: resourceID, data: data, origin: ChangeOrigin.current.json,
            time: Self.toMilliseconds(clock()))
    }

    /// The values an update replaced, by top-level attribute (`null` for one it added); within an extension's
    /// object, only its attributes that changed.
    static func previousValues(from old: JSONObject, to new: JSONObject) -> JSONObject {
        var previous = JSONObject()
        var seen = Set<String>()
        for key in old.keys + new.keys where seen.insert(key).inserted && old[key] != new[key] {
            if key.hasPrefix("urn:"), let before = old[key]?.objectValue, let after = new[key]?.objectValue {
                var changed = JSONObject()
                var names = Set<String>()
                for name in before.keys + after.keys where names.insert(name).inserted && before[name] != after[name] {
                    changed[name] = before[name] ?? .null
                }
                previous[key] = .object(changed)
            } else {
                previous[key] = old[key] ?? .null
            }
        }
        return previous
    }
}

/// How a group's membership change is told, made before the store's transaction and run inside it on the rows the
/// store actually changed: the ids added, then the ids removed, at most `Directory.membersPerEvent` a event.
public struct MembershipEvents: Sendable, Hashable {
    var groupID: String
    var reference: JSONObject
    var origin: JSONObject
    var time: Date

    public func events(added: [String], removed: [String]) -> [NewEvent] {
        var events: [NewEvent] = []
        for (type, ids) in [(EventType.groupMembersAdded, added), (.groupMembersRemoved, removed)] {
            var start = 0
            while start < ids.count {
                let chunk = ids[start..<min(start + Directory.membersPerEvent, ids.count)]
                let data: JSONObject = ["group": .object(reference), "members": .array(chunk.map { .string($0) })]
                events.append(NewEvent.made(type, resourceID: groupID, data: data, origin: origin, time: time))
                start += Directory.membersPerEvent
            }
        }
        return events
    }
}

extension NewEvent {
    static func made(_ type: EventType, resourceID: String, data: JSONObject, origin: JSONObject, time: Date)
        -> NewEvent
    {
        var payload: JSONObject = ["data": .object(data)]
        for (key, value) in origin.members { payload[key] = value }
        return NewEvent(
            id: Directory.timeOrderedID(), type: type, resourceID: resourceID, time: time,
            payload: JSON.object(payload).serialized())
    }
}
