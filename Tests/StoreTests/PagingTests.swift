import Directory
import Foundation
import GRDB
import RosterTestSupport
import SCIMCore
import Testing

@testable import SQLiteStore

/// An import reads the unfiltered list page after page; stores may seek to where the last page ended and take the
/// total from a kept count, but the answer must be exactly what `startIndex`/`count` over the list at that moment
/// give. The oracle is the same list through a filter every user matches (`userName pr`), which pages by offset.
@Suite struct PagingTests {
    static let everyone = try! Filter.parse("userName pr")

    static func users(_ count: Int, from first: Int = 0) -> [StoredResource] {
        (first..<first + count).map { StoreContractTests.user("user\($0)@example.com") }
    }

    /// The unfiltered page and the oracle's page, which must agree.
    static func pages(_ store: Stores, start: Int, count: Int = 10) async throws
        -> (seek: SearchResult, offset: SearchResult)
    {
        let page = Page(startIndex: start, count: count, maximum: 1000)
        return (
            try await store.search(ResourceQuery(kind: .user, filter: nil, page: page)),
            try await store.search(ResourceQuery(kind: .user, filter: everyone, page: page))
        )
    }

    static func expectSame(_ pages: (seek: SearchResult, offset: SearchResult), _ comment: Comment) {
        #expect(pages.seek.total == pages.offset.total, comment)
        #expect(pages.seek.resources.map(\.id) == pages.offset.resources.map(\.id), comment)
    }

    @Test(arguments: StoreBackend.available)
    func sequentialPagesEqualOffsetsWhileUsersComeAndGo(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.insertMany(Self.users(55))
            var start = 1
            var step = 0
            var added = 55
            while true {
                let pages = try await Self.pages(store, start: start)
                Self.expectSame(pages, "page at \(start), step \(step)")
                guard start + 10 <= pages.offset.total else { break }
                step += 1
                // Every other page: a user already read is deleted (the rest move up by one), and two are added.
                if step % 2 == 1, let gone = pages.offset.resources.first {
                    #expect(try await store.delete(.user, id: gone.id, expectedVersion: nil))
                }
                try await store.insertMany(Self.users(2, from: added))
                added += 2
                start += 10
            }
            #expect(step >= 5)
        }
    }

    @Test(arguments: StoreBackend.available)
    func aPageReadAgainAfterADeleteBeforeItMovesUp(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.insertMany(Self.users(30))
            let before = try await Self.pages(store, start: 11)
            _ = try await Self.pages(store, start: 21)
            let first = try await Self.pages(store, start: 1).offset.resources[0]
            #expect(try await store.delete(.user, id: first.id, expectedVersion: nil))
            let after = try await Self.pages(store, start: 11)
            Self.expectSame(after, "page 11 after a delete on page 1")
            #expect(after.seek.total == 29)
            #expect(after.seek.resources.first?.id == before.seek.resources[1].id)
            Self.expectSame(try await Self.pages(store, start: 21), "page 21 after a delete on page 1")
        }
    }

    @Test(arguments: StoreBackend.available)
    func pagesCarryEachUsersGroupsWhenAsked(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let users = Self.users(5)
            try await store.insertMany(users)
            let group = StoreContractTests.group("Sales")
            try await store.insert(group, members: [users[1].id, users[3].id])
            for filter in [nil, Self.everyone] {
                let result = try await store.search(
                    ResourceQuery(
                        kind: .user, filter: filter, page: Page(startIndex: 1, count: 10, maximum: 10),
                        withGroups: true))
                let groups = try #require(result.groups)
                #expect(groups == (try await store.groups(of: users.map(\.id))))
                #expect(groups[users[1].id]?.map(\.id) == [group.id])
                #expect(groups[users[0].id] == nil)
                let without = try await store.search(
                    ResourceQuery(kind: .user, filter: filter, page: Page(startIndex: 1, count: 10, maximum: 10)))
                #expect(without.groups == nil)
            }
        }
    }

    /// Another process (the CLI, a second server) deleting from the same file invalidates this one's page starts.
    @Test func aDeleteThroughAnotherConnectionMovesPagesToo() async throws {
        let path = TemporaryDatabase.path("roster-paging")
        let reader = try SQLiteStore(path: path).stores
        let writer = try SQLiteStore(path: path).stores
        try await writer.insertMany(Self.users(30))
        _ = try await Self.pages(reader, start: 1)
        let second = try await Self.pages(reader, start: 11)
        #expect(try await writer.delete(.user, id: second.seek.resources[0].id, expectedVersion: nil))
        try await writer.insertMany(Self.users(3, from: 30))
        let third = try await Self.pages(reader, start: 21)
        Self.expectSame(third, "page 21 after another connection deleted from page 11")
        #expect(third.seek.total == 32)
    }

    /// The counts start from the rows already there when the migration runs on an existing database.
    @Test func countsStartFromExistingRows() async throws {
        let path = TemporaryDatabase.path("roster-counts")
        let pool = try DatabasePool(path: path)
        try SQLiteStore.migrator.migrate(pool, upTo: "create custom user fields")
        try await pool.write { db in
            for (index, kind) in ["User", "User", "User", "Group"].enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO resources (id, kind, version, created_ms, modified_ms, unique_key, body)
                        VALUES (?, ?, 1, 0, 0, ?, '{}')
                        """,
                    arguments: ["id\(index)", kind, "name\(index)"])
            }
        }
        try pool.close()
        let store = try SQLiteStore(path: path)
        let page = Page(startIndex: 1, count: 0, maximum: 0)
        #expect(try await store.search(ResourceQuery(kind: .user, filter: nil, page: page)).total == 3)
        #expect(try await store.search(ResourceQuery(kind: .group, filter: nil, page: page)).total == 1)
    }
}
