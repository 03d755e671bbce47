import Directory
import Foundation
import RosterTestSupport
import SCIMCore
import SQLiteStore
import Testing

/// The store answers every filter exactly as in-memory evaluation does (RFC 7644 §3.4.2.2), over a generated
/// population with varied names, emails, types, dates, booleans, numbers and extension values.
@Suite struct FilterSQLEquivalenceTests {
    static let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

    /// A deterministic generator, so a failure reproduces.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state
        }
    }

    static let givenNames = ["Ann", "anne", "Bob", "Émile", "zoë", "Ωmega", "50%_off", "back\\slash"]
    static let families = ["Smith", "SMITH", "de la Cruz", "O'Brien", "Ng", ""]
    static let domains = ["example.com", "Example.COM", "contoso.com", "atko.com"]
    static let emailTypes = ["work", "home", "other"]

    static func population(count: Int) -> [JSONObject] {
        var random = Generator(state: 42)
        return (0..<count).map { index in
            var body: JSONObject = ["userName": .string("user\(index)@\(domains.randomElement(using: &random)!)")]
            let given = givenNames.randomElement(using: &random)!
            let family = families.randomElement(using: &random)!
            var name: JSONObject = ["givenName": .string(given)]
            if !family.isEmpty { name["familyName"] = .string(family) }
            body["name"] = .object(name)
            if Bool.random(using: &random) { body["displayName"] = .string("\(given) \(family)") }
            body["active"] = .bool(Bool.random(using: &random))
            if index % 3 != 0 { body["externalId"] = .string(index % 2 == 0 ? "EXT-\(index)" : "ext-\(index)") }
            let emailCount = Int.random(in: 0...2, using: &random)
            body["emails"] = .array(
                (0..<emailCount).map { ordinal in
                    .object([
                        "value": .string("\(given.lowercased())\(ordinal)@\(domains.randomElement(using: &random)!)"),
                        "type": .string(emailTypes.randomElement(using: &random)!),
                        "primary": .bool(ordinal == 0),
                    ])
                })
            var extensionValues: JSONObject = [
                "employeeNumber": .string(String(Int.random(in: 1...30, using: &random)))
            ]
            if Bool.random(using: &random) {
                extensionValues["department"] = .string(["Sales", "sales", "R&D"].randomElement(using: &random)!)
            }
            if index % 4 == 0 { extensionValues["manager"] = .object(["value": .string("mgr-\(index % 8)")]) }
            body[enterprise] = .object(extensionValues)
            return body
        }
    }

    static let filters: [String] = [
        #"userName eq "USER7@EXAMPLE.COM""#,
        #"userName sw "user1""#, #"userName ew "example.com""#, #"userName co "R2""#,
        #"userName gt "user5" and userName lt "user7""#,
        #"name.givenName eq "ANN""#, #"name.givenName co "%""#, #"name.givenName co "_""#,
        #"name.givenName co "\\""#, #"name.givenName sw "é""#, #"name.familyName pr"#,
        #"not (name.familyName pr)"#, #"name.familyName eq null"#, #"name.familyName ne "smith""#,
        #"displayName pr or active eq true"#, #"active eq false and name.givenName eq "bob""#,
        #"active eq "True""#, #"active ne true"#,
        #"externalId eq "EXT-4""#, #"externalId eq "ext-4""#, #"externalId sw "ext""#, #"externalId pr"#,
        #"emails pr"#, #"emails co "contoso""#, #"emails eq "ann0@example.com""#,
        #"emails[type eq "work"]"#, #"emails[type eq "work" and value co "@contoso"]"#,
        #"emails[type eq "home" or primary eq true]"#, #"emails[not (type eq "work")]"#,
        #"emails.type eq "other""#, #"emails.primary eq true and emails.type eq "home""#,
        #"emails[primary eq "True"]"#,
        #"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "7""#,
        #"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "SALES""#,
        #"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "mgr-4""#,
        #"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager eq "mgr-0""#,
        #"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager pr"#,
        #"employeeNumber gt "3""#,
        #"meta.resourceType eq "User""#, #"meta.resourceType eq "Group""#,
        #"meta.created gt "2020-01-01T00:00:00Z""#, #"meta.lastModified lt "2020-01-01T00:00:00Z""#,
        #"(userName sw "user2" or userName sw "user3") and not (active eq true)"#,
        #"id pr and userName ne "nobody""#,
        #"not (externalId eq "EXT-4")"#, #"not (externalId sw "ext" or active eq true)"#,
        #"not (title eq "x")"#, #"not (emails[type eq "work"])"#, #"not (name.familyName co "i")"#,
    ]

    /// Every store equals in-memory evaluation, so SQLite and PostgreSQL give the same ids for the same filters.
    @Test(arguments: StoreBackend.available)
    func sqlResultsEqualInMemoryEvaluation(backend: StoreBackend) async throws {
        try await backend.withStore { store in try await Self.compareWithEvaluation(store: store) }
    }

    static func compareWithEvaluation(store: Stores) async throws {
        let directory = store.organizations().defaultDirectory
        for body in population(count: 120) {
            _ = try await directory.create(.user, body: .object(body))
        }
        let everyone = try await directory.list(
            .user, filter: nil, page: Page(startIndex: 1, count: 1000, maximum: 1000))
        #expect(everyone.totalResults == 120)
        var informative = 0
        for text in filters {
            let filter = try Filter.parse(text)
            try filter.validate(against: .user)
            let expected = everyone.resources.compactMap { resource -> String? in
                guard let object = resource.objectValue, filter.matches(object, in: .user) else { return nil }
                return object["id"]?.stringValue
            }
            let actual = try await directory.list(
                .user, filter: text, page: Page(startIndex: 1, count: 1000, maximum: 1000))
            let ids = actual.resources.compactMap { $0["id"]?.stringValue }
            #expect(ids == expected, "\(text): SQL found \(ids.count), evaluation \(expected.count)")
            #expect(actual.totalResults == expected.count, "\(text)")
            if expected.count > 0 && expected.count < 120 { informative += 1 }
        }
        // The population is varied enough that most filters split it, so the comparison means something.
        #expect(informative >= filters.count * 3 / 4, "only \(informative) filters split the population")
    }

    @Test(
        arguments: StoreBackend.available,
        [
            "name.givenName", "userName", "emails",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "meta.created", "active",
        ])
    func sortedPagesNeverOverlapOrSkip(backend: StoreBackend, sortBy: String) async throws {
        try await backend.withStore { store in try await Self.checkSortedPages(store: store, sortBy: sortBy) }
    }

    static func checkSortedPages(store: Stores, sortBy: String) async throws {
        let directory = store.organizations().defaultDirectory
        for body in population(count: 40) { _ = try await directory.create(.user, body: .object(body)) }
        for ascending in [true, false] {
            let sort = Sort(path: try AttributePath.parse(sortBy), ascending: ascending)
            let all = try await directory.list(
                .user, filter: nil, sort: sort, page: Page(startIndex: 1, count: 100, maximum: 100))
            var paged: [JSON] = []
            for start in stride(from: 1, through: 40, by: 7) {
                paged += try await directory.list(
                    .user, filter: nil, sort: sort, page: Page(startIndex: start, count: 7, maximum: 100)
                ).resources
            }
            #expect(paged.count == 40)
            #expect(paged.map { $0["id"] } == all.resources.map { $0["id"] })
            #expect(Set(paged.compactMap { $0["id"]?.stringValue }).count == 40)
        }
    }

    @Test(arguments: StoreBackend.available)
    func sortOrdersByValueWithMissingValuesLastWhenAscending(backend: StoreBackend) async throws {
        try await backend.withStore { store in try await Self.checkMissingValuesOrder(store: store) }
    }

    static func checkMissingValuesOrder(store: Stores) async throws {
        let directory = store.organizations().defaultDirectory
        for (name, title) in [("c", "Zed"), ("a", nil), ("b", "alpha"), ("d", "Mid")] {
            var body: JSONObject = ["userName": .string(name)]
            if let title { body["title"] = .string(title) }
            _ = try await directory.create(.user, body: .object(body))
        }
        let page = Page(startIndex: 1, count: 10, maximum: 10)
        let ascending = try await directory.list(
            .user, filter: nil, sort: Sort(path: AttributePath(name: "title"), ascending: true), page: page)
        #expect(ascending.resources.compactMap { $0["userName"]?.stringValue } == ["b", "d", "c", "a"])
        let descending = try await directory.list(
            .user, filter: nil, sort: Sort(path: AttributePath(name: "title"), ascending: false), page: page)
        #expect(descending.resources.compactMap { $0["userName"]?.stringValue } == ["a", "c", "d", "b"])
    }
}
