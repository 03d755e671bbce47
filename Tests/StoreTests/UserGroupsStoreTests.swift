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
            let expected = [0, 1, 3, 4].map {
                ResourceReference(id: groups[$0].id, kind: .group, display: "Team \($0)")
            }
            #expect(references == expected)

            let (alone, none) = try #require(try await store.fetchUserWithGroups(id: loner.id))
            #expect(alone.id == loner.id && none.isEmpty)
            #expect(try await store.fetchUserWithGroups(id: "nobody") == nil)
            #expect(try await store.fetchUserWithGroups(id: groups[0].id) == nil, "a group is not a user")
        }
    }

    /// Okta and Entra look a user up by `userName eq` before every push: the first page of a lookup by a unique
    /// attribute is one statement of its own (SQLite); it answers what the general query path answers.
    @Test(arguments: StoreBackend.available)
    func aLookupByUniqueNameAnswersAsTheGeneralPathDoes(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let member = StoreContractTests.user("Member@Example.com")
            let loner = StoreContractTests.user("loner@example.com")
            try await store.insert(member, members: [])
            try await store.insert(loner, members: [])
            let groups = (0..<3).map { StoreContractTests.group("Team \($0)") }
            for group in groups.reversed() { try await store.insert(group, members: [member.id]) }
            let page = Page(startIndex: 1, count: 100, maximum: 100)
            func search(_ filter: String, _ kind: ResourceKind = .user, groups: Bool = true) async throws
                -> SearchResult
            {
                try await store.search(
                    ResourceQuery(kind: kind, filter: try Filter.parse(filter), page: page, withGroups: groups))
            }
            for (name, kind) in [
                ("MEMBER@example.COM", ResourceKind.user), ("loner@example.com", .user), ("nobody", .user),
            ] {
                let quick = try await search(#"userName eq "\#(name)""#)
                let general = try await search(#"userName eq "\#(name)" and userName pr"#)
                #expect(quick.total == general.total && quick.resources.map(\.id) == general.resources.map(\.id))
                #expect(quick.resources.map(\.body) == general.resources.map(\.body))
                #expect(quick.groups == general.groups, "\(name), \(kind)")
            }
            let found = try await search(#"userName eq "member@example.com""#)
            #expect(found.total == 1 && found.resources.map(\.id) == [member.id])
            #expect(
                found.groups?[member.id]?.map(\.id) == groups.reversed().map(\.id), "in the order groups were created")
            #expect(try await search(#"userName eq "loner@example.com""#).groups == [:])
            let missing = try await search(#"userName eq "nobody""#)
            #expect(missing.total == 0 && missing.resources.isEmpty)
            let byID = try await search(#"id eq "\#(groups[1].id)""#, .group, groups: false)
            #expect(byID.total == 1 && byID.resources.map(\.id) == [groups[1].id] && byID.groups == nil)
            #expect(try await search(#"id eq "\#(groups[1].id)""#).total == 0, "a group is not a user")
            let second = try await store.search(
                ResourceQuery(
                    kind: .user, filter: try Filter.parse(#"userName eq "loner@example.com""#),
                    page: Page(startIndex: 2, count: 100, maximum: 100), withGroups: true))
            #expect(second.total == 1 && second.resources.isEmpty, "past the only match, the total still counts it")
        }
    }
}
