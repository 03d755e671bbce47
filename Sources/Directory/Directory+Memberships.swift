import SCIMCore

extension Directory {
    /// The exact row changes a list of member edits makes, reading only the memberships of the ids named.
    func membershipChange(for edits: [MemberEdit], group id: String) async throws -> MembershipChange {
        var removeAll = false
        var added = OrderedIDs()
        var removed = OrderedIDs()
        for edit in edits {
            switch edit {
            case .removeAll:
                (removeAll, added, removed) = (true, OrderedIDs(), OrderedIDs())
            case .add(let ids):
                added.insert(ids)
                removed.remove(ids)
            case .remove(let ids):
                removed.insert(ids)
                added.remove(ids)
            }
        }
        if removeAll {
            // "Push Now" sends the whole list anyway, so comparing with the whole list costs nothing extra and
            // leaves unchanged rows (and the version) alone.
            return Self.replacing(
                try await resources.allMembers(ofGroup: id, in: organization).map(\.id), with: added.ids)
        }
        let existing = try await resources.memberIDs(ofGroup: id, among: added.ids + removed.ids, in: organization)
        return MembershipChange(
            added: added.ids.filter { !existing.contains($0) }, removed: removed.ids.filter(existing.contains))
    }

    /// A group's members as `members` elements, page by page, for responses that stream them.
    public func memberPages(ofGroup id: String, pageSize: Int = 1000) -> MemberPages {
        MemberPages(directory: self, group: id, pageSize: pageSize)
    }

    /// One element of `Group.members` or `User.groups` (RFC 7643 §4.2, §4.1.2).
    func reference(_ reference: ResourceReference, type: String) -> JSON {
        var object: JSONObject = [
            "value": .string(reference.id),
            "$ref": .string(location(reference.kind, id: reference.id)),
        ]
        if let display = reference.display { object["display"] = .string(display) }
        object["type"] = .string(type)
        return .object(object)
    }
}

/// A group's `members` elements, read from the store a page at a time as they are consumed.
public struct MemberPages: AsyncSequence, Sendable {
    public typealias Element = [JSON]
    let directory: Directory
    let group: String
    let pageSize: Int

    public struct AsyncIterator: AsyncIteratorProtocol {
        let pages: MemberPages
        var after: Int64?
        var finished = false

        public mutating func next() async throws -> [JSON]? {
            guard !finished else { return nil }
            let page = try await pages.directory.resources.members(
                ofGroup: pages.group, after: after, limit: pages.pageSize, in: pages.directory.organization)
            after = page.next
            finished = page.next == nil
            return page.members.map { pages.directory.reference($0, type: $0.kind.rawValue) }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(pages: self) }
}

/// Ids in first-seen order, with constant-time membership, so a request naming thousands of members stays linear.
struct OrderedIDs {
    private(set) var ids: [String] = []
    private var set: Set<String> = []

    mutating func insert(_ more: [String]) {
        for id in more where set.insert(id).inserted { ids.append(id) }
    }

    mutating func remove(_ gone: [String]) {
        let goneSet = Set(gone).intersection(set)
        guard !goneSet.isEmpty else { return }
        set.subtract(goneSet)
        ids.removeAll { goneSet.contains($0) }
    }
}
