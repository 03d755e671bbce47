import Directory
import Foundation
import RosterTestSupport
import SCIMCore
import Testing

/// Writes that run at the same moment (on SQLite they share one transaction, each in a savepoint) succeed or fail
/// each on its own: a refused write never takes another down with it, and nothing refused is written.
@Suite struct ConcurrentWriteTests {
    @Test(arguments: StoreBackend.available)
    func concurrentInsertsWithCollidingNamesLandOnceEach(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let outcomes = await withTaskGroup(of: (name: String, landed: Bool).self) { tasks in
                for index in 0..<80 {
                    let name = "user\(index % 40)@example.com"
                    tasks.addTask {
                        do {
                            try await store.insert(StoreContractTests.user(name), members: [])
                            return (name, true)
                        } catch let error as SCIMError where error.scimType == "uniqueness" {
                            return (name, false)
                        } catch {
                            Issue.record("unexpected \(error)")
                            return (name, false)
                        }
                    }
                }
                return await tasks.reduce(into: []) { $0.append($1) }
            }
            let landed = Dictionary(grouping: outcomes.filter(\.landed), by: \.name).mapValues(\.count)
            #expect(landed.count == 40)
            #expect(landed.values.allSatisfy { $0 == 1 })
            let page = Page(startIndex: 1, count: 100, maximum: 100)
            let stored = try await store.search(ResourceQuery(kind: .user, filter: nil, page: page))
            #expect(stored.total == 40)
            #expect(Set(stored.resources.compactMap { $0.body["userName"]?.stringValue }).count == 40)
        }
    }

    @Test(arguments: StoreBackend.available)
    func concurrentCompareAndSwapsLetExactlyOneWin(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let user = StoreContractTests.user("alice@example.com")
            try await store.insert(user, members: [])
            let wins = try await withThrowingTaskGroup(of: Bool.self) { tasks in
                for index in 0..<20 {
                    tasks.addTask {
                        var changed = user
                        changed.version = 2
                        changed.body["title"] = .string("title \(index)")
                        return try await store.update(changed, expectedVersion: 1, members: MembershipChange())
                    }
                }
                return try await tasks.reduce(into: 0) { $0 += $1 ? 1 : 0 }
            }
            #expect(wins == 1)
            let stored = try #require(try await store.fetch(.user, id: user.id))
            #expect(stored.version == 2)
            #expect(stored.body["title"] != nil)
        }
    }

    /// A user's `groups` change when a group it is in is deleted, so its version (its ETag) changes too; a write
    /// that read the user before the delete then loses its compare-and-swap instead of answering stale groups.
    @Test(arguments: StoreBackend.available)
    func deletingAGroupGivesItsMembersANewVersion(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let (member, other, group) = try await Self.salesWithAlice(store)
            let before = try #require(try await store.fetch(.user, id: member.id)).version
            #expect(try await store.delete(.group, id: group.id, expectedVersion: nil))
            #expect(try await store.fetch(.user, id: member.id)?.version == before + 1)
            #expect(try await store.fetch(.user, id: other.id)?.version == 1)
            var stale = member
            stale.version = before + 1
            #expect(try await store.update(stale, expectedVersion: before, members: MembershipChange()) == false)
        }
    }

    /// A user's `groups` and a group's `members` show the other side's display name: renaming one gives what
    /// shows it a new version (a new ETag), and a write that changes no name touches nothing else.
    @Test(arguments: StoreBackend.available)
    func renamingGivesWhatShowsTheNameANewVersion(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let (member, other, group) = try await Self.salesWithAlice(store)
            func version(_ kind: ResourceKind, _ id: String) async throws -> Int? {
                try await store.fetch(kind, id: id)?.version
            }
            func update(_ resource: StoredResource, _ change: (inout JSONObject) -> Void) async throws {
                var changed = try #require(try await store.fetch(resource.kind, id: resource.id))
                change(&changed.body)
                changed.version += 1
                let expected = changed.version - 1
                #expect(try await store.update(changed, expectedVersion: expected, members: MembershipChange()))
            }

            let joined = try #require(try await version(.user, member.id))  // joining the group renewed it
            try await update(group) { $0["externalId"] = .string("sales-1") }
            #expect(try await version(.user, member.id) == joined, "no name changed")
            try await update(group) { $0["displayName"] = .string("Sales EMEA") }
            #expect(try await version(.user, member.id) == joined + 1)
            #expect(try await version(.user, other.id) == 1)
            #expect(try await version(.group, group.id) == 3)

            try await update(member) { $0["title"] = .string("Engineer") }
            #expect(try await version(.group, group.id) == 3, "no name changed")
            try await update(member) { $0["displayName"] = .string("Alice Smith") }
            #expect(try await version(.group, group.id) == 4)
            #expect(try await version(.user, member.id) == joined + 3)
        }
    }

    /// Alice in the Sales group, and Bob in none.
    static func salesWithAlice(_ store: Stores) async throws -> (
        member: StoredResource, other: StoredResource, group: StoredResource
    ) {
        let member = StoreContractTests.user("alice@example.com")
        let other = StoreContractTests.user("bob@example.com")
        try await store.insertMany([member, other])
        let group = StoreContractTests.group("Sales")
        try await store.insert(group, members: [member.id])
        return (member, other, group)
    }
}
