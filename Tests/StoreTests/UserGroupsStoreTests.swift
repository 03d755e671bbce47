import Directory
import Foundation
import RosterTestSupport
import SCIMCore
import Testing

/// A user read with its groups (SQLite does it in one joined statement, one row per group): each group once,
/// in the order the groups were created, with the user's own fields intact.
struct UserGroupsStoreTests {
    @Test(arguments: StoreBackend.available)
    func aUserInSeveralGroupsIsReadWithEachOnceInOrder(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            var member = StoreContractTests.user("member@example.com")
            member.body["title"] = .string(String(repeating: "long title ", count: 200))
            let loner = StoreContractTests.user("loner@example.com")
            try await store.insert(member, members: [])
            try await store.insert(loner, members: [])
            let groups = (0..<5).map { StoreContractTests.group("Team \($0)") }
            for (index, group) in groups.enumerated() {
                // Group 2 is empty: the join must neither list it nor repeat the user for it.
                try await store.insert(group, members: index == 2 ? [] : [member.id])
            }
            let (user, references) = try #require(try await store.fetchUserWithGroups(id: member.id))
            #expect(user.id == member.id && user.body == member.body)
            #expect(user.version == member.version + 4, "joining each of four groups renews the user's version")
            let expected = [0, 1, 3, 4].map { ResourceReference(id: groups[$0].id, kind: .group, display: "Team \($0)") }
            #expect(references == expected)

            let (alone, none) = try #require(try await store.fetchUserWithGroups(id: loner.id))
            #expect(alone.id == loner.id && none.isEmpty)
            #expect(try await store.fetchUserWithGroups(id: "nobody") == nil)
            #expect(try await store.fetchUserWithGroups(id: groups[0].id) == nil, "a group is not a user")
        }
    }
}
