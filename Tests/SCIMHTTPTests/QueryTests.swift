import Foundation
import HTTPTypes
import Hummingbird
import SCIMCore
import Testing

/// Filtering, sorting, paging and projection over HTTP (RFC 7644 §3.4.2, §3.4.3), with the query patterns
/// Entra ID and Okta send (idp-behaviour.md §1.4–1.5, §2.2, §2.5).
@Suite struct QueryTests {
    static func encoded(_ filter: String) -> String {
        filter.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? filter
    }

    static func ids(_ reply: SCIMReply) -> [String] {
        reply["Resources"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
    }

    @Test func entraFiltersOnWorkEmailAndUnquotedExternalId() async throws {
        try await TestServer.run { _, client in
            let id = try await client.createUser(
                "jyoung@contoso.com",
                extra: #","externalId":"jyoung","emails":[{"type":"work","value":"Jyoung@Contoso.com","primary":true}]"#
            )
            _ = try await client.createUser(
                "other@contoso.com", extra: #","emails":[{"type":"home","value":"jyoung@contoso.com"}]"#)
            let byEmail = try await client.get(
                "Users?filter=" + Self.encoded(#"emails[type eq "work"].value eq "jyoung@contoso.com""#))
            #expect(byEmail.status == 200, "\(byEmail.text)")
            #expect(Self.ids(byEmail) == [id])
            let unquoted = try await client.get("Users?filter=" + Self.encoded("externalId eq jyoung"))
            #expect(Self.ids(unquoted) == [id])
            let both = try await client.get(
                "Users?filter=" + Self.encoded(#"userName eq "JYOUNG@contoso.com" and externalId eq "jyoung""#))
            #expect(Self.ids(both) == [id])
            let caseExact = try await client.get("Users?filter=" + Self.encoded(#"externalId eq "JYOUNG""#))
            #expect(caseExact["totalResults"] == 0)
        }
    }

    /// Entra's Logic App pagination test: at least 11 users, `count=5`, `startIndex = page * 5 + 1`.
    @Test func entraPaginationReturnsConsecutivePages() async throws {
        try await TestServer.run { _, client in
            var created: [String] = []
            for index in 0..<11 { created.append(try await client.createUser("page\(index)@contoso.com")) }
            var seen: [String] = []
            for page in 0..<3 {
                let reply = try await client.get("Users?startIndex=\(page * 5 + 1)&count=5")
                #expect(reply["startIndex"] == .int(page * 5 + 1))
                #expect(reply["totalResults"] == 11)
                #expect(reply["itemsPerPage"] == .int(page < 2 ? 5 : 1))
                seen += Self.ids(reply)
            }
            #expect(seen == created)
        }
    }

    @Test func sortByAnyAttributeInEitherOrder() async throws {
        try await TestServer.run { _, client in
            let carol = try await client.createUser("carol", extra: #","name":{"familyName":"Zimmer"}"#)
            let alice = try await client.createUser("alice", extra: #","name":{"familyName":"adams"}"#)
            let bob = try await client.createUser("bob", extra: #","name":{"familyName":"Miller"}"#)
            let ascending = try await client.get("Users?sortBy=name.familyName")
            #expect(Self.ids(ascending) == [alice, bob, carol])
            let descending = try await client.get("Users?sortBy=userName&sortOrder=descending")
            #expect(Self.ids(descending) == [carol, bob, alice])
            try await client.get("Users?sortBy=shoeSize").expectError(400, scimType: "invalidValue")
            try await client.get("Users?sortBy=userName&sortOrder=sideways").expectError(400, scimType: "invalidValue")
        }
    }

    @Test func countAboveTheMaximumIsClampedAndZeroGivesOnlyTheTotal() async throws {
        try await TestServer.run { _, client in
            _ = try await client.createUser("a")
            _ = try await client.createUser("b")
            let clamped = try await client.get("Users?count=1000000")
            #expect(clamped.status == 200)
            #expect(clamped["itemsPerPage"] == 2)
            let zero = try await client.get("Users?count=0")
            #expect(zero["totalResults"] == 2)
            #expect(zero["itemsPerPage"] == 0)
            #expect(zero["Resources"] == .array([]))
        }
    }

    @Test func filtersOnEveryOperatorReachTheStore() async throws {
        try await TestServer.run { _, client in
            let ann = try await client.createUser(
                "ann@example.com",
                extra:
                    #","title":"Engineer","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"42","department":"R&D"}"#
            )
            let bob = try await client.createUser(
                "bob@example.com", extra: #","title":"Sales 50% lead","active":false"#)
            let cases: [(String, [String])] = [
                (#"title co "engin""#, [ann]),
                (#"title co "50%""#, [bob]),
                (#"title co "_""#, []),
                (#"title sw "sales""#, [bob]),
                (#"userName ew "@EXAMPLE.com""#, [ann, bob]),
                (#"title pr and not (active eq false)"#, [ann]),
                (#"active eq "False""#, [bob]),
                (#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "42""#, [ann]),
                (#"meta.created gt "2000-01-01T00:00:00Z""#, [ann, bob]),
                (#"meta.resourceType eq "User""#, [ann, bob]),
                (#"title eq null"#, []),
                (#"USERNAME Eq "BOB@example.com" OR title Sw "eng""#, [ann, bob]),
            ]
            for (filter, expected) in cases {
                let reply = try await client.get("Users?filter=" + Self.encoded(filter))
                #expect(reply.status == 200, "\(filter): \(reply.text)")
                #expect(Self.ids(reply) == expected, "\(filter)")
            }
        }
    }

    @Test func groupFiltersOnMembersUseTheMembershipRows() async throws {
        try await TestServer.run { _, client in
            let alice = try await client.createUser("alice")
            let team = try await client.createGroup("Team", members: [alice])
            _ = try await client.createGroup("Empty")
            let byMember = try await client.get("Groups?filter=" + Self.encoded(#"members[value eq "\#(alice)"]"#))
            #expect(Self.ids(byMember) == [team])
            let dotted = try await client.get("Groups?filter=" + Self.encoded(#"members.value eq "\#(alice)""#))
            #expect(Self.ids(dotted) == [team])
            let groupsOfUser = try await client.get("Users?filter=" + Self.encoded(#"groups.value eq "\#(team)""#))
            #expect(Self.ids(groupsOfUser) == [alice])
            let nonEmpty = try await client.get("Groups?filter=members%20pr")
            #expect(Self.ids(nonEmpty) == [team])
        }
    }

    @Test func searchAtTheRootSpansUsersAndGroups() async throws {
        try await TestServer.run { _, client in
            let alice = try await client.createUser("alice")
            let group = try await client.createGroup("Sales")
            let all = try await client.post(
                ".search", #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]}"#)
            #expect(all.status == 200, "\(all.text)")
            #expect(all["totalResults"] == 2)
            #expect(Self.ids(all) == [alice, group])
            let second = try await client.post(".search", #"{"startIndex":2,"count":1}"#)
            #expect(Self.ids(second) == [group])
            let filtered = try await client.post(".search", #"{"filter":"userName eq \"ALICE\""}"#)
            #expect(Self.ids(filtered) == [alice])
            try await client.post(".search", #"{"filter":"shoeSize eq 4"}"#).expectError(400, scimType: "invalidFilter")
        }
    }

    @Test func writesHonourAttributesToo() async throws {
        try await TestServer.run { _, client in
            let reply = try await client.post("Users?attributes=userName", #"{"userName":"projected","title":"x"}"#)
            #expect(reply.status == 201)
            #expect(reply.json?.objectValue?.keys.sorted() == ["id", "schemas", "userName"])
        }
    }

    /// A client that holds ids looks them up in one request: a thousand `id eq` terms in a SearchRequest, two
    /// hundred in a query string, answered from one indexed query; one term more is refused, naming the limit.
    @Test func longListsOfIdsAreOneRequest() async throws {
        try await TestServer.run { _, client in
            var ids: [String] = []
            for index in 0..<30 { ids.append(try await client.createUser("listed\(index)@example.com")) }
            let unknown = (0..<970).map { "0190abcd-0000-7000-8000-\(String(format: "%012d", $0))" }
            let filter = (ids + unknown).map { #"id eq "\#($0)""# }.joined(separator: " or ")
            let search = JSON.object([
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": .string(filter),
                "count": 100,
            ])
            let found = try await client.post("Users/.search", search.serialized())
            #expect(found.status == 200 && found["totalResults"] == 30, "\(found.text.prefix(300))")
            let short = (ids + unknown.prefix(170)).map { #"id eq "\#($0)""# }.joined(separator: " or ")
            let encoded = short.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? short
            let listed = try await client.get("Users?filter=\(encoded)&count=10")
            #expect(listed.status == 200 && listed["totalResults"] == 30)
            let tooMany = JSON.object([
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                "filter": .string(filter + #" or userName eq "x""#),
            ])
            let refused = try await client.post("Users/.search", tooMany.serialized())
            refused.expectError(400, scimType: "invalidFilter")
            #expect(refused["detail"]?.stringValue?.contains("more than 1000 comparisons") == true)
        }
    }
}
