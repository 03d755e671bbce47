import Directory
import Foundation
import RosterTestSupport
import SCIMCore
import SQLiteStore
import Testing

/// The store contract: every store gives these answers. Runs on a SQLite file, an in-memory SQLite database,
/// and PostgreSQL when `ROSTER_TEST_POSTGRES_URL` is set.
@Suite struct StoreContractTests {
    static func user(_ userName: String, id: String = UUID().uuidString, externalId: String? = nil) -> StoredResource {
        var body: JSONObject = ["userName": .string(userName)]
        if let externalId { body["externalId"] = .string(externalId) }
        let now = Date(timeIntervalSince1970: 1_800_000_000.123)
        return StoredResource(id: id, kind: .user, version: 1, created: now, lastModified: now, body: body)
    }

    static func group(_ displayName: String, id: String = UUID().uuidString) -> StoredResource {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        return StoredResource(
            id: id, kind: .group, version: 1, created: now, lastModified: now,
            body: ["displayName": .string(displayName)])
    }

    static func page(_ start: Int = 1, _ count: Int = 100) -> Page {
        Page(startIndex: start, count: count, maximum: 1000)
    }

    @Test(arguments: StoreBackend.available)
    func insertedResourceReadsBackExactly(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let user = Self.user("Alice@Example.com", externalId: "00u1")
            try await store.insert(user, members: [])
            let fetched = try await store.fetch(.user, id: user.id)
            #expect(fetched == user)
            #expect(try await store.fetch(.group, id: user.id) == nil)
        }
    }

    @Test(arguments: StoreBackend.available)
    func userNamesAreUniqueCaseInsensitively(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.insert(Self.user("alice@example.com"), members: [])
            await #expect(throws: SCIMError.self) {
                try await store.insert(Self.user("ALICE@example.com"), members: [])
            }
            #expect(try await store.search(ResourceQuery(kind: .user, filter: nil, page: Self.page())).total == 1)
        }
    }

    @Test(arguments: StoreBackend.available)
    func aUserAndAGroupMayShareAName(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.insert(Self.user("sales"), members: [])
            try await store.insert(Self.group("sales"), members: [])
        }
    }

    @Test(arguments: StoreBackend.available)
    func updateSucceedsOnlyAtTheExpectedVersion(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            var user = Self.user("bob")
            try await store.insert(user, members: [])
            user.version = 2
            user.body["displayName"] = "Bob"
            #expect(try await store.update(user, expectedVersion: 1, members: MembershipChange()))
            user.version = 3
            #expect(try await store.update(user, expectedVersion: 1, members: MembershipChange()) == false)
            #expect(try await store.fetch(.user, id: user.id)?.version == 2)
            #expect(try await store.fetch(.user, id: user.id)?.body["displayName"] == "Bob")
        }
    }

    /// An update writes only what changed (on SQLite, the changed index rows and columns): after each one, every
    /// value the resource now has is found and none it had before is.
    @Test(arguments: StoreBackend.available)
    func updatesLeaveTheIndexAsAFreshInsertWould(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            var user = Self.user("dana@example.com", externalId: "ext-1")
            user.body["title"] = "Engineer"
            user.body["active"] = true
            user.body["emails"] = [.object(["value": "dana@example.com"]), .object(["value": "d@example.com"])]
            try await store.insert(user, members: [])
            let other = Self.user("erin@example.com", externalId: "ext-9")
            try await store.insert(other, members: [])
            func found(_ filter: String) async throws -> [String] {
                try await store.search(ResourceQuery(kind: .user, filter: Filter.parse(filter), page: Self.page()))
                    .resources.map(\.id)
            }
            let changes: [(String, (inout JSONObject) -> Void)] = [
                ("title", { $0["title"] = "Manager" }),
                (
                    "an email",
                    {
                        $0["emails"] = [
                            .object(["value": "dana@example.com"]), .object(["value": "dana@work.example"]),
                        ]
                    }
                ),
                ("active", { $0["active"] = false }),
                ("externalId", { $0["externalId"] = "ext-2" }),
                ("the userName", { $0["userName"] = "dana.b@example.com" }),
                ("nothing indexed", { $0["displayName"] = "Dana" }),
                ("emails dropped", { $0["emails"] = nil }),
            ]
            for (version, (what, change)) in changes.enumerated() {
                var changed = user
                change(&changed.body)
                changed.version = user.version + 1
                changed.keepsUniqueKey = changed.uniqueKey == user.uniqueKey
                #expect(try await store.update(changed, expectedVersion: user.version, members: MembershipChange()))
                user = changed
                let expected = [user.id]
                let title = user.body["title"]?.stringValue ?? ""
                #expect(try await found(#"title eq "\#(title)""#) == expected, "after \(what), version \(version + 2)")
                #expect(try await found(#"title eq "Engineer""#).isEmpty, "after \(what)")
                #expect(try await found(#"userName eq "\#(user.body["userName"]?.stringValue ?? "")""#) == expected)
                #expect(try await found(#"externalId eq "\#(user.externalId ?? "")""#) == expected, "after \(what)")
                #expect(try await found(#"externalId eq "ext-1""#) == (user.externalId == "ext-1" ? expected : []))
                #expect(try await found(#"active eq \#(user.body["active"]?.boolValue ?? true)"#) == expected)
                let emails = user.body["emails"]?.arrayValue?.compactMap { $0["value"]?.stringValue } ?? []
                #expect(try await found(#"emails.value eq "d@example.com""#).isEmpty == (version >= 1), "after \(what)")
                #expect(
                    try await found(#"emails.value eq "dana@work.example""#)
                        == (emails.contains("dana@work.example") ? expected : []))
                #expect(try await found(#"emails.value pr"#) == (emails.isEmpty ? [] : expected), "after \(what)")
                let stored = try await store.fetch(.user, id: user.id)
                #expect(stored?.body == user.body && stored?.version == user.version && stored?.created == user.created)
            }
            #expect(try await found(#"userName eq "dana@example.com""#).isEmpty)
            #expect(try await found(#"externalId eq "ext-9""#) == [other.id])
        }
    }

    @Test(arguments: StoreBackend.available)
    func renamingOntoATakenUserNameIsAUniquenessError(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.insert(Self.user("carol"), members: [])
            var dave = Self.user("dave")
            try await store.insert(dave, members: [])
            dave.body["userName"] = "Carol"
            dave.version = 2
            await #expect(throws: SCIMError.uniqueness("A user with this userName already exists.")) {
                try await store.update(dave, expectedVersion: 1, members: MembershipChange())
            }
            #expect(try await store.fetch(.user, id: dave.id)?.body["userName"] == "dave")
        }
    }

    @Test(arguments: StoreBackend.available)
    func membershipsAreRowsThatFollowTheirResources(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let alice = Self.user("alice")
            let bob = Self.user("bob")
            try await store.insert(alice, members: [])
            try await store.insert(bob, members: [])
            var group = Self.group("Engineering")
            try await store.insert(group, members: [alice.id, bob.id])
            #expect(try await store.allMembers(ofGroup: group.id).map(\.id) == [alice.id, bob.id])
            #expect(try await store.groups(of: [alice.id])[alice.id]?.map(\.id) == [group.id])

            group.version = 2
            let change = MembershipChange(added: [alice.id], removed: [bob.id])
            #expect(try await store.update(group, expectedVersion: 1, members: change))
            #expect(try await store.allMembers(ofGroup: group.id).map(\.id) == [alice.id])

            #expect(try await store.delete(.user, id: alice.id, expectedVersion: nil))
            #expect(try await store.allMembers(ofGroup: group.id).isEmpty)
        }
    }

    @Test(arguments: StoreBackend.available)
    func anUnknownMemberUndoesTheWholeInsert(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let alice = Self.user("alice")
            try await store.insert(alice, members: [])
            let group = Self.group("Ghosts")
            await #expect(throws: SCIMError.self) { try await store.insert(group, members: [alice.id, "no-such-id"]) }
            #expect(try await store.fetch(.group, id: group.id) == nil)
            #expect(try await store.groups(of: [alice.id]).isEmpty)
        }
    }

    @Test(arguments: StoreBackend.available)
    func searchFiltersOnIndexedColumnsAndPagesInCreationOrder(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            var ids: [String] = []
            for index in 1...5 {
                let user = Self.user("user\(index)@example.com", externalId: "ext-\(index)")
                ids.append(user.id)
                try await store.insert(user, members: [])
            }
            let page = try await store.search(ResourceQuery(kind: .user, filter: nil, page: Self.page(2, 2)))
            #expect(page.total == 5)
            #expect(page.resources.map(\.id) == Array(ids[1...2]))

            let byName = try Filter.parse(#"userName eq "USER3@EXAMPLE.COM""#)
            #expect(
                try await store.search(ResourceQuery(kind: .user, filter: byName, page: Self.page())).resources.map(
                    \.id) == [ids[2]])

            let byExternal = try Filter.parse(#"externalId eq "EXT-4" or externalId eq "ext-5""#)
            #expect(
                try await store.search(ResourceQuery(kind: .user, filter: byExternal, page: Self.page())).resources.map(
                    \.id) == [ids[4]])

            let excluding = try Filter.parse(#"not (id eq "\#(ids[0])") and userName ne "user2@example.com""#)
            #expect(try await store.search(ResourceQuery(kind: .user, filter: excluding, page: Self.page())).total == 3)

            let beyond = try await store.search(ResourceQuery(kind: .user, filter: nil, page: Self.page(9, 2)))
            #expect(beyond.total == 5 && beyond.resources.isEmpty)
            let none = try await store.search(ResourceQuery(kind: .user, filter: nil, page: Self.page(1, 0)))
            #expect(none.total == 5 && none.resources.isEmpty)
        }
    }

    @Test(arguments: StoreBackend.available)
    func filtersOnUnknownAttributesAreRefusedNotGuessed(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let filter = try Filter.parse(#"shoeSize eq "44""#)
            await #expect(throws: SCIMError.self) {
                try await store.search(ResourceQuery(kind: .user, filter: filter, page: Self.page()))
            }
        }
    }

    @Test(arguments: StoreBackend.available)
    func tokensAreFoundByHashAndChangeStatus(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let (secret, record) = TokenSecret.generate(
                description: "Okta", status: .active, id: "t1", organization: .default,
                now: Date(timeIntervalSince1970: 1_800_000_000))
            try await store.insertToken(record)
            #expect(try await store.token(withHash: TokenSecret.hash(secret)) == record)
            #expect(try await store.token(withHash: TokenSecret.hash(secret + "x")) == nil)
            #expect(try await store.setTokenStatus(id: "t1", status: .inactive))
            #expect(try await store.tokens().map(\.status) == [.inactive])
            try await store.recordTokenUse(id: "t1", at: Date(timeIntervalSince1970: 1_800_000_100))
            #expect(try await store.tokens().first?.lastUsed == Date(timeIntervalSince1970: 1_800_000_100))
            #expect(try await store.deleteToken(id: "t1"))
            #expect(try await store.deleteToken(id: "t1") == false)
            #expect(try await store.tokens().isEmpty)
        }
    }
}

extension StoreContractTests {
    @Test(arguments: StoreBackend.available)
    func membersComeInStablePagesAndCandidatesAreCheckedByIndex(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            var ids: [String] = []
            for index in 0..<25 {
                let user = Self.user("member\(index)")
                ids.append(user.id)
                try await store.insert(user, members: [])
            }
            let group = Self.group("Big")
            try await store.insert(group, members: ids)
            var paged: [String] = []
            var after: Int64?
            var pages = 0
            repeat {
                let page = try await store.members(ofGroup: group.id, after: after, limit: 10)
                paged += page.members.map(\.id)
                after = page.next
                pages += 1
            } while after != nil
            #expect(paged == ids)
            #expect(pages == 3)
            let found = try await store.memberIDs(ofGroup: group.id, among: [ids[3], "stranger", ids[24]])
            #expect(found == [ids[3], ids[24]])
        }
    }

    @Test(arguments: StoreBackend.available)
    func removeAllEmptiesTheGroupBeforeAdding(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let alice = Self.user("alice")
            let bob = Self.user("bob")
            try await store.insert(alice, members: [])
            try await store.insert(bob, members: [])
            var group = Self.group("Team")
            try await store.insert(group, members: [alice.id])
            group.version = 2
            #expect(
                try await store.update(
                    group, expectedVersion: 1, members: MembershipChange(removeAll: true, added: [bob.id])))
            #expect(try await store.allMembers(ofGroup: group.id).map(\.id) == [bob.id])
        }
    }
}
