import Foundation
import SCIMCore

extension Directory {
    /// POST (RFC 7644 §3.3): validates, stores and returns the new resource.
    public func create(_ kind: ResourceKind, body: JSON, projection: Projection = .default) async throws
        -> ResourceResponse
    {
        let (resource, members) = try await newResource(kind, body: body)
        let events = try await creationEvents(resource, members: members)
        try await resources.insert(resource, members: members, events: events, in: organization)
        return try await created(resource, members: members, projection: projection)
    }

    /// Many POSTs of one kind, each on its own as `create` would do it, stored together where the store can: a
    /// resource whose name is taken fails alone. The results are in the order of `bodies`.
    func createEach(_ kind: ResourceKind, bodies: [JSON], projection: Projection) async
        -> [Result<ResourceResponse, any Error>]
    {
        var results = [Result<ResourceResponse, any Error>?](repeating: nil, count: bodies.count)
        var prepared: [(index: Int, resource: StoredResource, events: [NewEvent])] = []
        for (index, body) in bodies.enumerated() {
            do {
                let (resource, members) = try await newResource(kind, body: body)
                if members.isEmpty {
                    prepared.append((index, resource, try await creationEvents(resource, members: [])))
                } else {
                    results[index] = await Self.attempt { try await create(kind, body: body, projection: projection) }
                }
            } catch {
                results[index] = .failure(error)
            }
        }
        do {
            let refusals = try await resources.insertEach(
                prepared.map(\.resource), events: prepared.map(\.events), in: organization)
            for ((index, resource, _), refusal) in zip(prepared, refusals) {
                results[index] =
                    if let refusal { .failure(refusal) } else {
                        await Self.attempt { try await created(resource, members: [], projection: projection) }
                    }
            }
        } catch {
            for (index, _, _) in prepared { results[index] = .failure(error) }
        }
        return results.map { $0 ?? .failure(SCIMError(status: 500, detail: "Internal server error.")) }
    }

    private static func attempt<T>(_ body: () async throws -> T) async -> Result<T, any Error> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }

    /// A POST's body as the resource it creates, validated, and the members it names.
    private func newResource(_ kind: ResourceKind, body: JSON) async throws -> (StoredResource, [String]) {
        guard let object = body.objectValue else { throw SCIMError.invalidSyntax("The body must be a JSON object.") }
        let snapshot = try await schemas()
        let policy = FieldPolicy(snapshot: snapshot, kind: kind)
        var normalized = try Normalizer(snapshot.type(kind)).normalize(resource: policy.body(object))
        if kind == .user && normalized["active"] == nil { normalized["active"] = true }
        let (stored, members) = Self.splitMembers(normalized, kind: kind)
        let now = Self.toMilliseconds(clock())
        var resource = StoredResource(
            id: newID(), kind: kind, version: 1, created: now, lastModified: now, body: stored)
        resource.indexedWith = policy.indexType
        try checkName(stored, kind: kind)
        try checkSize(resource)
        return (resource, members)
    }

    /// The answer to a POST whose resource was stored.
    private func created(_ resource: StoredResource, members: [String], projection: Projection) async throws
        -> ResourceResponse
    {
        // A new user belongs to no group yet.
        var response = try await respond(resource, projection: projection, groups: resource.kind == .user ? [] : nil)
        response.changes = Self.changes(from: nil, to: resource.body, members: MembershipChange(added: members))
        return response
    }

    /// PUT (RFC 7644 §3.5.1): replaces every read-write attribute; what the body omits is cleared.
    public func replace(
        _ kind: ResourceKind, id: String, body: JSON, precondition: VersionPrecondition? = nil,
        projection: Projection = .default
    ) async throws -> ResourceResponse {
        guard let object = body.objectValue else { throw SCIMError.invalidSyntax("The body must be a JSON object.") }
        let snapshot = try await schemas()
        let policy = FieldPolicy(snapshot: snapshot, kind: kind)
        let type = snapshot.type(kind)
        let (replacement, members) = Self.splitMembers(
            try Normalizer(type).normalize(resource: policy.body(object)), kind: kind)
        return try await modify(kind, id: id, precondition: precondition, projection: projection, policy: policy) {
            current in
            let normalized = policy.keepingDisabledValues(of: current.body, in: replacement)
            if let error = SCIMError.combining(type.immutableViolations(from: current.body, to: normalized)) {
                throw error
            }
            guard kind == .group else { return (normalized, MembershipChange()) }
            let old = try await resources.allMembers(ofGroup: id, in: organization).map(\.id)
            return (normalized, Self.replacing(old, with: members))
        }
    }

    /// PATCH (RFC 7644 §3.5.2): every operation applies or none does. Operations on a group's `members` become
    /// row edits, so the member list is never read unless an operation needs it.
    public func patch(
        _ kind: ResourceKind, id: String, body: JSON, precondition: VersionPrecondition? = nil,
        projection: Projection = .default
    ) async throws -> ResourceResponse {
        let snapshot = try await schemas()
        let policy = FieldPolicy(snapshot: snapshot, kind: kind)
        let request = policy.patch(try PatchRequest.parse(body, maxOperations: limits.maxPatchOperations))
        let type = snapshot.type(kind)
        // Adding and removing listed members are row writes that commute with every other write: they need not take
        // turns, and Okta's Group Push sends many at once to one group. Replacing the list is computed from the list
        // read, so two at once would each keep what the other added: those take turns.
        let membersOnly =
            kind == .group && precondition == nil
            && request.separatingMemberEdits().map { $0.rest.operations.isEmpty && !$0.edits.contains(.removeAll) }
                == true
        return try await modify(
            kind, id: id, precondition: precondition, projection: projection, policy: policy,
            takingTurns: !membersOnly
        ) { current in
            if kind == .group, let (rest, edits) = request.separatingMemberEdits() {
                let body = try await applying(rest, to: current.body, type: type)
                // An operation that reached `members` another way (a URN-qualified key, say) needs the whole list.
                if body["members"] == nil { return (body, try await membershipChange(for: edits, group: id)) }
            }
            var document = policy.patchable(current.body)
            let old = kind == .group ? try await resources.allMembers(ofGroup: id, in: organization).map(\.id) : []
            if kind == .group { document["members"] = .array(old.map { .object(["value": .string($0)]) }) }
            let patched = try await applying(request, to: document, type: type)
            let (changed, members) = Self.splitMembers(patched, kind: kind)
            let body = policy.keepingDisabledValues(of: current.body, in: changed)
            return (body, kind == .group ? Self.replacing(old, with: members) : MembershipChange())
        }
    }

    /// A PATCH applied to a document and normalized. Its work is known before it starts: past the budget it is
    /// refused, and large work runs off the event loops so that other requests keep being answered meanwhile.
    private func applying(_ request: PatchRequest, to document: JSONObject, type: ResourceType) async throws
        -> JSONObject
    {
        let work = request.work(on: document)
        guard work <= limits.maxPatchWork else {
            throw SCIMError.tooMany(
                "This PATCH would compare about \(work) values with its filters, more than the \(limits.maxPatchWork) "
                    + "Roster does in one request; send its operations in several requests.")
        }
        let apply: @Sendable () throws -> JSONObject = {
            try Normalizer(type).normalize(resource: try Patcher(type).applying(request, to: document))
        }
        let values = document.members.reduce(0) { $0 + ($1.value.arrayValue?.count ?? 1) }
        return work + values > Self.offloadedWork ? try await Offload.run(apply) : try apply()
    }

    /// Work, in compared or written values, past which a PATCH is computed off the event loops.
    static let offloadedWork = 5_000

    /// DELETE (RFC 7644 §3.6); memberships go with the resource.
    public func delete(_ kind: ResourceKind, id: String, precondition: VersionPrecondition? = nil) async throws {
        try await context.writes.withLock(lockKey(kind, id)) {
            try await deleteUnlocked(kind, id: id, precondition: precondition)
        }
    }

    private func deleteUnlocked(_ kind: ResourceKind, id: String, precondition: VersionPrecondition?) async throws {
        for _ in 0..<Self.maxAttempts {
            guard let current = try await resources.fetch(kind, id: id, in: organization) else {
                throw Self.notFound(kind, id: id)
            }
            if let precondition, !precondition.allows(current.version) { throw Self.stale(current.version) }
            // The version is checked in the delete itself, so a write in between is never deleted unseen.
            let groups = try await resources.groups(of: [id], in: organization)[id] ?? []
            let events = try await deletionEvents(current, groups: groups)
            if try await resources.delete(
                kind, id: id, expectedVersion: current.version, events: events, in: organization)
            {
                return
            }
        }
        throw SCIMError(status: 503, detail: "The \(kind.rawValue) is changing too often to delete now; try again.")
    }

    /// Read, change, and write back only if nobody wrote in between; retried on a lost race unless the client
    /// pinned a version, in which case a stale version is a 412 and nothing changes.
    private func modify(
        _ kind: ResourceKind, id: String, precondition: VersionPrecondition?, projection: Projection,
        policy: FieldPolicy, takingTurns: Bool = true,
        change: (StoredResource) async throws -> (JSONObject, MembershipChange)
    ) async throws -> ResourceResponse {
        guard takingTurns else {
            return try await modifyUnlocked(
                kind, id: id, precondition: precondition, projection: projection, policy: policy, change: change)
        }
        return try await context.writes.withLock(lockKey(kind, id)) {
            try await modifyUnlocked(
                kind, id: id, precondition: precondition, projection: projection, policy: policy, change: change)
        }
    }

    /// Writes to one resource on this instance take turns (see `KeyedLocks`).
    private func lockKey(_ kind: ResourceKind, _ id: String) -> String {
        "\(organization.rawValue)/\(kind.rawValue)/\(id)"
    }

    private func modifyUnlocked(
        _ kind: ResourceKind, id: String, precondition: VersionPrecondition?, projection: Projection,
        policy: FieldPolicy, change: (StoredResource) async throws -> (JSONObject, MembershipChange)
    ) async throws -> ResourceResponse {
        // A user's groups are read with it: a membership change gives the user a new version, so if the write
        // below finds the version it read, these are still its groups.
        let withGroups = kind == .user && projection.mayInclude("groups")
        for _ in 0..<Self.maxAttempts {
            let (current, groups) = try await self.current(kind, id: id, withGroups: withGroups)
            if let precondition, !precondition.allows(current.version) { throw Self.stale(current.version) }
            let (body, members) = try await change(current)
            // Okta resends unchanged renames with every membership push: an unchanged resource keeps its version.
            if body == current.body && members.isEmpty {
                return try await respond(current, projection: projection, groups: groups)
            }
            if body == current.body && precondition == nil {
                var response = try await changeMembers(current, members, projection: projection)
                response.changes = Self.changes(from: current.body, to: body, members: members)
                return response
            }
            var updated = current
            updated.body = body
            updated.indexedWith = policy.indexType
            // A name kept as it was keeps its stored key too: one the identity name migration could not give its
            // new key (a duplicate made by an earlier version) can still be deactivated or have its members pushed.
            updated.keepsUniqueKey = body[kind.uniqueAttribute] == current.body[kind.uniqueAttribute]
            if !updated.keepsUniqueKey { try checkName(body, kind: kind) }
            try checkSize(updated)
            updated.version = current.version + 1
            updated.lastModified = max(Self.toMilliseconds(clock()), current.lastModified)
            let events = try await updateEvents(from: current, to: updated)
            if try await resources.update(
                updated, expectedVersion: current.version, members: telling(members, group: updated), events: events,
                in: organization)
            {
                var response = try await respond(updated, projection: projection, groups: groups)
                response.changes = Self.changes(from: current.body, to: body, members: members)
                return response
            }
        }
        throw SCIMError(status: 503, detail: "The \(kind.rawValue) is changing too often to update now; try again.")
    }

    /// The stored resource, with a user's groups when asked for.
    private func current(_ kind: ResourceKind, id: String, withGroups: Bool) async throws
        -> (StoredResource, [ResourceReference]?)
    {
        if withGroups {
            guard let (user, groups) = try await resources.fetchUserWithGroups(id: id, in: organization) else {
                throw Self.notFound(kind, id: id)
            }
            return (user, groups)
        }
        guard let resource = try await resources.fetch(kind, id: id, in: organization) else {
            throw Self.notFound(kind, id: id)
        }
        return (resource, nil)
    }

    /// A change to members only, which needs no compare-and-swap: rows commute with every other write.
    private func changeMembers(_ group: StoredResource, _ change: MembershipChange, projection: Projection) async throws
        -> ResourceResponse
    {
        let modified = max(Self.toMilliseconds(clock()), group.lastModified)
        guard
            let version = try await resources.changeMembers(
                ofGroup: group.id, telling(change, group: group), modified: modified, events: [], in: organization)
        else {
            throw Self.notFound(.group, id: group.id)
        }
        var updated = group
        updated.version = version
        updated.lastModified = modified
        return try await respond(updated, projection: projection)
    }

    /// A name that identifies a resource must be one people can tell apart (see `IdentityName.problem`). Checked
    /// when a name is given, so that a name stored before the rule never blocks other changes to its resource.
    private func checkName(_ body: JSONObject, kind: ResourceKind) throws {
        let attribute = kind.uniqueAttribute
        guard let name = body[attribute]?.stringValue, let problem = IdentityName.problem(name) else { return }
        throw SCIMError.invalidValue("\"\(attribute)\" \(problem).")
    }

    private func checkSize(_ resource: StoredResource) throws {
        let count = resource.indexedValues.count
        guard count <= limits.maxValuesPerResource else {
            throw SCIMError.invalidValue(
                "A \(resource.kind.rawValue) may hold at most \(limits.maxValuesPerResource) values; this one has \(count)."
            )
        }
    }

    static let maxAttempts = 8

    /// Times are kept to the millisecond, so a response and a later read show the same instant.
    static func toMilliseconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }

    static func stale(_ version: Int) -> SCIMError {
        .preconditionFailed("The resource has changed: its current version is W/\"\(version)\".")
    }

    /// Takes `members` out of a group's body: they are kept as rows, not in the body.
    static func splitMembers(_ body: JSONObject, kind: ResourceKind) -> (JSONObject, [String]) {
        guard kind == .group else { return (body, []) }
        var stored = body
        let members = stored.removeValue(forKey: "members")?.arrayValue ?? []
        var seen = Set<String>()
        let ids = members.compactMap { $0["value"]?.stringValue }.filter { seen.insert($0).inserted }
        return (stored, ids)
    }

    /// The change from members `old` (as read before the write) to exactly `new`: the store applies `new` against
    /// the rows as they are when it writes.
    static func replacing(_ old: [String], with new: [String]) -> MembershipChange {
        var change = difference(from: old, to: new)
        change.exactly = new
        return change
    }

    static func difference(from old: [String], to new: [String]) -> MembershipChange {
        let oldSet = Set(old)
        let newSet = Set(new)
        return MembershipChange(
            added: new.filter { !oldSet.contains($0) }, removed: old.filter { !newSet.contains($0) })
    }
}
