import Directory
import Foundation
import SCIMCore
import Testing

/// RFC 9865 cursor paging: pages by keyset that never skip or repeat a resource while the directory changes,
/// cursors that cannot be forged, altered or carried to another query or organization, and the errors it defines.
@Suite(.serialized) struct CursorPagingTests {
    static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    /// Reads every page of `query` (which has its `count`) by cursor; `between` runs after each page.
    static func readAll(
        _ scim: SCIMClient, _ query: String, between: (Int) async throws -> Void = { _ in }
    ) async throws -> (names: [String], pages: [SCIMReply]) {
        var names: [String] = []
        var pages: [SCIMReply] = []
        var cursor = ""
        for page in 0..<200 {
            let reply = try await scim.get("\(query)&cursor=\(cursor)")
            #expect(reply.status == 200, "\(reply.text.prefix(400))")
            pages.append(reply)
            for resource in reply["Resources"]?.arrayValue ?? [] {
                names.append(resource["userName"]?.stringValue ?? resource["displayName"]?.stringValue ?? "?")
            }
            guard let next = reply["nextCursor"]?.stringValue else { break }
            cursor = next
            try await between(page)
        }
        return (names, pages)
    }

    @Test func everyUserThatExistsThroughoutIsReadOnceWhileOthersComeAndGo() async throws {
        try await TestServer.run { server, scim in
            var ids: [String: String] = [:]
            for index in 0..<40 {
                let name = String(format: "u%02d@example.com", index)
                // A third have a title, so sorting by it mixes present and missing keys.
                ids[name] = try await scim.createUser(name, extra: index % 3 == 0 ? #","title":"T\#(index % 4)""# : "")
            }
            // Deleted during the read: some before their page, some after; created during it: some that sort
            // before the reader's position, some after.
            let doomed = ["u03@example.com", "u17@example.com", "u29@example.com", "u38@example.com"]
            let stable = Set(ids.keys).subtracting(doomed)
            for query in [
                "Users?count=6", "Users?count=6&sortBy=userName", "Users?count=6&sortBy=userName&sortOrder=descending",
                "Users?count=5&sortBy=name.givenName", "Users?count=6&filter=" + Self.encoded("userName sw \"u\""),
                "Users?count=4&sortBy=title", "Users?count=4&sortBy=title&sortOrder=descending",
                "Users?count=7&sortBy=externalId&sortOrder=descending", "Users?count=6&sortBy=meta.created",
            ] {
                var created = 0
                var deleted = Set<String>()
                let (names, pages) = try await Self.readAll(scim, query) { page in
                    if page < doomed.count, let id = ids[doomed[page]] {
                        #expect(try await scim.delete("Users/\(id)").status == 204)
                        deleted.insert(doomed[page])
                    }
                    for prefix in ["a", "z"] where page < 6 {
                        _ = try await scim.createUser("\(prefix)-new-\(created)-\(query.count)@example.com")
                        created += 1
                    }
                }
                let read = names.filter { !$0.contains("-new-") }
                #expect(Set(read).isSuperset(of: stable), "\(query): missing \(stable.subtracting(read).sorted())")
                #expect(read.count == Set(read).count, "\(query): a user was read twice: \(read)")
                #expect(names.count == Set(names).count, "\(query): a user was read twice")
                #expect(pages.first?["previousCursor"] == nil, "the first page has no previous cursor")
                #expect(pages.first?["startIndex"] == nil, "a cursor page has no startIndex")
                #expect(pages.last?["nextCursor"] == nil, "\(query): \(pages.count) pages")
                if query.contains("sortBy=userName&sortOrder=descending") {
                    let old = read.filter { $0.hasPrefix("u") }
                    #expect(old == old.sorted(by: >), "pages follow the sort order: \(old)")
                }
                if query.contains("sortBy=title") {
                    // Present titles in order, missing ones last ascending and first descending.
                    let titles = pages.flatMap { $0["Resources"]?.arrayValue ?? [] }.map {
                        $0["title"]?.stringValue ?? "~"
                    }
                    let descending = query.contains("descending")
                    #expect(titles == (descending ? titles.sorted(by: >) : titles.sorted()), "\(query): \(titles)")
                }
                // Put the doomed users back for the next query.
                for name in deleted { ids[name] = try await scim.createUser(name) }
            }
            _ = server
        }
    }

    /// The same with writers running while the reader pages, not between its pages.
    @Test func aReaderRacingWritersSeesEveryLastingUserOnce() async throws {
        try await TestServer.run { _, scim in
            var lasting = Set<String>()
            for index in 0..<60 {
                let name = String(format: "stay%02d@example.com", index)
                _ = try await scim.createUser(name)
                lasting.insert(name)
            }
            for (pass, query) in ["Users?count=7", "Users?count=7&sortBy=userName", "Users?count=7&sortBy=title"]
                .enumerated()
            {
                let churn = Task { () -> Int in
                    var round = 0
                    while !Task.isCancelled {
                        // Names that sort before, among and after the lasting ones.
                        guard
                            let ids = try? await ["a", "stay50x", "z"].asyncMap({ prefix in
                                try await scim.createUser("\(prefix)-churn-\(pass)-\(round)@example.com")
                            })
                        else { break }
                        for id in ids { _ = try? await scim.delete("Users/\(id)") }
                        round += 1
                        // Steady writers, not a flood: the other suites share the machine and the database.
                        try? await Task.sleep(for: .milliseconds(20))
                    }
                    return round
                }
                // The reader starts once the writers have.
                try await Task.sleep(for: .milliseconds(50))
                let (names, _) = try await Self.readAll(scim, query)
                churn.cancel()
                #expect(await churn.value > 0, "the writers ran while the reader paged")
                let read = names.filter { !$0.contains("-churn-") }
                #expect(Set(read) == lasting, "\(query): missing \(lasting.subtracting(read).sorted())")
                #expect(read.count == lasting.count, "\(query): a lasting user was read twice")
            }
        }
    }

    @Test func previousCursorsWalkBackToTheFirstPage() async throws {
        try await TestServer.run { _, scim in
            for index in 0..<11 { _ = try await scim.createUser(String(format: "p%02d@example.com", index)) }
            let query = "Users?count=4&sortBy=userName&attributes=userName"
            let (_, pages) = try await Self.readAll(scim, query)
            #expect(pages.count == 3)
            #expect(pages.map { $0["itemsPerPage"]?.intValue } == [4, 4, 3])
            #expect(pages.allSatisfy { $0["totalResults"] == 11 })
            let last = try #require(pages.last)
            let back = try await scim.get("\(query)&cursor=\(try #require(last["previousCursor"]?.stringValue))")
            #expect(back["Resources"] == pages[1]["Resources"], "\(back.text)")
            let first = try await scim.get("\(query)&cursor=\(try #require(back["previousCursor"]?.stringValue))")
            #expect(first["Resources"] == pages[0]["Resources"])
            #expect(first["previousCursor"] == nil, "back at the first page")
            #expect(first["nextCursor"] != nil)
            // The page before a page whose predecessor shrank is the first page, full.
            let second = pages[1]
            let firstIDs = try #require(pages[0]["Resources"]?.arrayValue).compactMap { $0["id"]?.stringValue }
            #expect(try await scim.delete("Users/\(firstIDs[0])").status == 204)
            let refilled = try await scim.get("\(query)&cursor=\(try #require(second["previousCursor"]?.stringValue))")
            #expect(refilled["itemsPerPage"] == 4)
            #expect(refilled["previousCursor"] == nil)
        }
    }

    /// Pages the byte budget cuts short, walked forwards and back: every user both ways. And a sort value as long
    /// as a value may be still makes a cursor Roster accepts.
    @Test func shortPagesAndLongSortValues() async throws {
        try await TestServer.run(limits: Directory.Limits(maxPageBytes: 3000)) { _, scim in
            var names: [String] = []
            for index in 0..<30 {
                let name = String(format: "cut%02d@example.com", index)
                names.append(name)
                _ = try await scim.createUser(name, extra: #","title":"\#(String(repeating: "x", count: 700))""#)
            }
            let query = "Users?count=10&sortBy=userName&attributes=userName"
            let (forward, pages) = try await Self.readAll(scim, query)
            #expect(forward == names)
            #expect(pages.count > 3, "the byte budget cut the pages short")
            var backward: [String] = []
            var page = try #require(pages.last)
            backward = (page["Resources"]?.arrayValue ?? []).compactMap { $0["userName"]?.stringValue }
            while let previous = page["previousCursor"]?.stringValue {
                page = try await scim.get("\(query)&cursor=\(previous)")
                backward = (page["Resources"]?.arrayValue ?? []).compactMap { $0["userName"]?.stringValue } + backward
            }
            #expect(backward == names, "\(backward)")
        }
        try await TestServer.run { _, scim in
            let certificate = Data(repeating: 7, count: 12_000).base64EncodedString()
            for index in 0..<3 {
                _ = try await scim.createUser(
                    "cert\(index)@example.com", extra: #","x509Certificates":[{"value":"\#(certificate)\#(index)"}]"#)
            }
            let (names, _) = try await Self.readAll(scim, "Users?count=1&sortBy=x509Certificates.value")
            #expect(names.count == 3, "\(names)")
        }
    }

    @Test func searchAndRootSearchPageByCursor() async throws {
        try await TestServer.run { _, scim in
            var users: [String] = []
            for index in 0..<5 { users.append(try await scim.createUser("s\(index)@example.com")) }
            for index in 0..<4 { _ = try await scim.createGroup("Team \(index)", members: [users[index]]) }
            // Typed search.
            var cursor = ""
            var seen: [String] = []
            repeat {
                let body =
                    #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"#
                    + #""filter":"userName sw \"s\"","cursor":"\#(cursor)","count":2}"#
                let reply = try await scim.post("Users/.search", body)
                #expect(reply.status == 200, "\(reply.text)")
                seen += (reply["Resources"]?.arrayValue ?? []).compactMap { $0["userName"]?.stringValue }
                cursor = reply["nextCursor"]?.stringValue ?? ""
            } while !cursor.isEmpty
            #expect(seen.sorted() == (0..<5).map { "s\($0)@example.com" })
            // Across types: users then groups, pages that straddle them.
            var ids: [String] = []
            var totals: Set<Int> = []
            repeat {
                let body =
                    #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"#
                    + #""cursor":"\#(cursor)","count":4}"#
                let reply = try await scim.post(".search", body)
                #expect(reply.status == 200, "\(reply.text)")
                #expect(reply["previousCursor"] == nil)
                totals.insert(reply["totalResults"]?.intValue ?? -1)
                ids += (reply["Resources"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
                cursor = reply["nextCursor"]?.stringValue ?? ""
            } while !cursor.isEmpty
            #expect(ids.count == 9 && Set(ids).count == 9, "\(ids)")
            #expect(Array(ids.prefix(5)) == users)
            #expect(totals == [9])
            // A page that ends exactly at the last user still says groups follow.
            let five = try await scim.post(".search", #"{"cursor":"","count":5}"#)
            let rest = try await scim.post(
                ".search", #"{"cursor":"\#(try #require(five["nextCursor"]?.stringValue))","count":5}"#)
            #expect(rest["itemsPerPage"] == 4)
            #expect(rest["nextCursor"] == nil)
        }
    }

    @Test func forgedAlteredAndForeignCursorsAreRefused() async throws {
        try await TestServer.run { server, scim in
            for index in 0..<5 { _ = try await scim.createUser("f\(index)@example.com") }
            _ = try await scim.createGroup("Team")
            let first = try await scim.get("Users?count=2&cursor")
            #expect(first.status == 200, "\(first.text)")
            let cursor = try #require(first["nextCursor"]?.stringValue)
            #expect(cursor.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }, "unreserved only")
            #expect(try await scim.get("Users?count=2&cursor=\(cursor)").status == 200)
            // One character changed, wherever it is (the last one too: base64 has spare bits there).
            for index in cursor.indices.map({ cursor.distance(from: cursor.startIndex, to: $0) }) {
                var characters = Array(cursor)
                characters[index] = characters[index] == "A" ? "B" : "A"
                try await scim.get("Users?count=2&cursor=\(String(characters))").expectError(
                    400, scimType: "invalidCursor")
            }
            for forged in [
                "abc", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "%2F%2F",
                String(repeating: "A", count: 9000),
            ] {
                try await scim.get("Users?count=2&cursor=\(forged)").expectError(400, scimType: "invalidCursor")
            }
            // Another query: endpoint, filter or sort.
            try await scim.get("Groups?count=2&cursor=\(cursor)").expectError(400, scimType: "invalidCursor")
            try await scim.get("Users?count=2&sortBy=userName&cursor=\(cursor)").expectError(
                400, scimType: "invalidCursor")
            try await scim.get("Users?count=2&filter=\(Self.encoded("active eq true"))&cursor=\(cursor)").expectError(
                400, scimType: "invalidCursor")
            // Another page size, an impossible one, both ways of paging at once.
            try await scim.get("Users?count=3&cursor=\(cursor)").expectError(400, scimType: "invalidCount")
            try await scim.get("Users?count=1001&cursor").expectError(400, scimType: "invalidCount")
            try await scim.get("Users?count=many&cursor").expectError(400, scimType: "invalidCount")
            try await scim.get("Users?startIndex=2&cursor").expectError(400, scimType: "invalidValue")
            #expect(try await scim.get("Users?count=-4&cursor")["itemsPerPage"] == 0, "a negative count is 0")
            // Another organization's token with this organization's cursor.
            let acme = try await server.services.organizations.create(name: "Acme", domains: [])
            let token = try await server.services.organizations.directory(for: acme.key).createToken(
                description: "Acme", status: .active
            ).secret
            let other = SCIMClient(client: scim.client, token: token)
            _ = try await other.createUser("f0@example.com")
            try await other.get("Users?count=2&cursor=\(cursor)").expectError(400, scimType: "invalidCursor")
            // ServiceProviderConfig says so.
            let config = try await scim.get("ServiceProviderConfig")
            #expect(config["pagination"]?["cursor"] == true)
            #expect(config["pagination"]?["index"] == true)
            #expect(config["pagination"]?["defaultPaginationMethod"] == "index")
            #expect(config["pagination"]?["cursorTimeout"] == 3600)
        }
    }

    @Test func aCursorExpiresAfterTheTimeout() async throws {
        try await TestServer.run(limits: Directory.Limits(cursorTimeout: 0)) { _, scim in
            for index in 0..<3 { _ = try await scim.createUser("e\(index)@example.com") }
            let first = try await scim.get("Users?count=1&cursor=")
            let cursor = try #require(first["nextCursor"]?.stringValue)
            try await Task.sleep(for: .milliseconds(1100))
            try await scim.get("Users?count=1&cursor=\(cursor)").expectError(400, scimType: "expiredCursor")
        }
    }
}

extension Array where Element: Sendable {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
