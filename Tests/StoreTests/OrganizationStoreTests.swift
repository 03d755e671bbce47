import Directory
import Foundation
import RosterTestSupport
import SCIMCore
import Testing

/// Organizations through the directory's rules, on every store: names and domains, and a deletion that removes
/// everything of one organization in short steps and nothing of another.
@Suite struct OrganizationStoreTests {
    @Test(arguments: StoreBackend.available)
    func everyDatabaseHasADefaultOrganizationThatCannotBeDeleted(backend: StoreBackend) async throws {
        try await backend.withStore { stores in
            let organizations = stores.organizations()
            let listed = try await organizations.list()
            #expect(listed.count == 1)
            let only = try #require(listed.first)
            #expect(only.isDefault && only.key == .default && only.name == "Default")
            await #expect(throws: SCIMError.self) { try await organizations.delete(id: only.id) }
            #expect(try await organizations.list() == listed)
        }
    }

    @Test(arguments: StoreBackend.available)
    func namesAreUniqueWhateverTheirCaseAndDomainsBelongToOneOrganization(backend: StoreBackend) async throws {
        try await backend.withStore { stores in
            let organizations = stores.organizations()
            let acme = try await organizations.create(name: "  Acme Corp ", domains: ["@ACME.com", "acme.io."])
            #expect(acme.name == "Acme Corp" && acme.domains == ["acme.com", "acme.io"])
            let taken = await #expect(throws: SCIMError.self) { try await organizations.create(name: "ACME corp") }
            #expect(taken?.status == 409)
            let domain = await #expect(throws: SCIMError.self) {
                try await organizations.create(name: "Globex", domains: ["globex.com", "Acme.com"])
            }
            #expect(
                domain?.status == 409 && domain?.detail.contains("acme.com") == true, "\(String(describing: domain))")
            #expect(try await organizations.list().map(\.name) == ["Default", "Acme Corp"], "nothing half-made")
            for bad in ["localhost", "10.0.0.1", "exa mple.com", "-x.com", "x..com", ""] {
                await #expect(throws: SCIMError.self, "\(bad)") {
                    try await organizations.create(name: "Bad \(bad)", domains: [bad])
                }
            }
            await #expect(throws: SCIMError.self) { try await organizations.create(name: "   ") }

            let globex = try await organizations.create(name: "Globex", domains: ["globex.com"])
            let renamed = try await organizations.rename(id: globex.id, to: "Globex Inc")
            #expect(try await organizations.organization(id: globex.id) == renamed)
            await #expect(throws: SCIMError.self) { try await organizations.rename(id: globex.id, to: "acme CORP") }
            await #expect(throws: SCIMError.self) { try await organizations.setDomains(id: globex.id, ["acme.io"]) }
            let moved = try await organizations.setDomains(id: acme.id, ["acme.com"])
            #expect(moved.domains == ["acme.com"])
            #expect(try await organizations.setDomains(id: globex.id, ["acme.io", "globex.com"]).domains.count == 2)
            // A domain names its one organization (the lookup sign-in makes for a login_hint).
            #expect(try await stores.organizations.organization(domain: "ACME.io")?.id == globex.id)
            #expect(try await stores.organizations.organization(domain: "acme.com")?.id == acme.id)
            #expect(try await stores.organizations.organization(domain: "nobody.example") == nil)
        }
    }

    @Test(arguments: StoreBackend.available)
    func theSameNamesLiveInTwoOrganizationsWithoutMeeting(backend: StoreBackend) async throws {
        try await backend.withStore { stores in
            let organizations = stores.organizations()
            let acme = organizations.directory(for: try await organizations.create(name: "Acme").key)
            let home = organizations.defaultDirectory
            let ours = try await home.create(.user, body: .object(["userName": "alice@example.com"]))
            let theirs = try await acme.create(.user, body: .object(["userName": "ALICE@example.com"]))
            let ourID = try #require(ours.representation["id"]?.stringValue)
            let theirID = try #require(theirs.representation["id"]?.stringValue)
            await #expect(throws: SCIMError.self) {
                try await acme.create(.user, body: .object(["userName": "alice@example.com"]))
            }
            _ = try await acme.create(.group, body: .object(["displayName": "Sales"]))
            _ = try await home.create(.group, body: .object(["displayName": "sales"]))

            await #expect(throws: SCIMError.self) { try await home.get(.user, id: theirID) }
            await #expect(throws: SCIMError.self) { try await acme.get(.user, id: ourID) }
            let page = Page(startIndex: 1, count: 100, maximum: 100)
            let found = try await home.list(.user, filter: #"userName eq "alice@example.com""#, page: page)
            #expect(found.resources.compactMap { $0["id"]?.stringValue } == [ourID])
            #expect(try await acme.list(.user, filter: nil, page: page).totalResults == 1)
            #expect(try await acme.counts() == ResourceCounts(users: 1, groups: 1))
            #expect(try await home.counts() == ResourceCounts(users: 1, groups: 1))

            // A member of another organization is, to this one, an id that names nothing.
            let refused = await #expect(throws: SCIMError.self) {
                try await acme.create(
                    .group, body: .object(["displayName": "Mixed", "members": [.object(["value": .string(ourID)])]]))
            }
            let nowhere = await #expect(throws: SCIMError.self) {
                try await acme.create(
                    .group, body: .object(["displayName": "Ghost", "members": [.object(["value": "no-such-id"])]]))
            }
            #expect(
                refused?.detail.replacingOccurrences(of: ourID, with: "X")
                    == nowhere?.detail.replacingOccurrences(of: "no-such-id", with: "X"))
        }
    }

    @Test(arguments: StoreBackend.available)
    func deletingAnOrganizationRemovesAllOfItAndNothingElse(backend: StoreBackend) async throws {
        try await backend.withStore { stores in
            let later = Mutexed(0.0)
            let organizations = Organizations(
                stores: stores, baseURL: "https://roster.example.com/scim/v2",
                clock: { Date().addingTimeInterval(later.value) })
            let home = organizations.defaultDirectory
            let doomed = try await organizations.create(name: "Initech", domains: ["initech.com"])
            let directory = organizations.directory(for: doomed.key)
            try await Self.populate(home, users: 30, prefix: "home")
            try await Self.populate(directory, users: 120, prefix: "gone")
            _ = try await directory.addField(label: "Cost Center", type: .text, options: [], namespace: .enterprise)
            let (secret, _) = try await directory.createToken(description: "Okta", status: .active)
            let homeToken = try await home.createToken(description: "Okta", status: .active).secret
            let before = try await Self.snapshot(home)

            try await organizations.delete(id: doomed.id)
            await #expect(throws: SCIMError.self) {
                try await organizations.authenticate(authorization: "Bearer \(secret)")
            }
            #expect(try await organizations.list().map(\.name) == ["Default"])
            _ = try await organizations.create(name: "initech", domains: ["initech.com"])  // name and domain are free

            // Small steps: 120 users, 2 groups and their rows go in many transactions, not one.
            var steps = 0
            while try await organizations.isBeingDeleted(doomed.key) {
                if let step = try await organizations.purgeStep(limit: 25) {
                    #expect(step.removed <= 100)
                    steps += 1
                } else {
                    // Nothing to do until the grace for requests already under way has passed: as if it had.
                    later.update { $0 += Organizations.deletionGrace + 1 }
                }
            }
            #expect(steps >= 6)
            #expect(try await directory.counts() == ResourceCounts(users: 0, groups: 0))
            #expect(try await stores.tokens(in: doomed.key).isEmpty)
            #expect(try await stores.customFields(in: doomed.key).isEmpty)
            #expect(try await Self.snapshot(home) == before, "the default organization is untouched")
            #expect(
                try await organizations.authenticate(authorization: "Bearer \(homeToken)").1.organization == .default)
        }
    }

    /// Users with a group of them, as an identity provider would make them.
    static func populate(_ directory: Directory, users: Int, prefix: String) async throws {
        var ids: [JSON] = []
        for index in 0..<users {
            let user = try await directory.create(
                .user,
                body: .object([
                    "userName": .string("\(prefix)\(index)@example.com"), "title": "Engineer",
                    "emails": [.object(["value": .string("\(prefix)\(index)@example.com"), "type": "work"])],
                ]))
            ids.append(.object(["value": user.representation["id"] ?? .null]))
        }
        _ = try await directory.create(
            .group, body: .object(["displayName": .string("\(prefix) all"), "members": .array(ids)]))
        _ = try await directory.create(.group, body: .object(["displayName": .string("\(prefix) none")]))
    }

    /// Every user and group of a directory, whole, with their versions.
    static func snapshot(_ directory: Directory) async throws -> [JSON] {
        let page = Page(startIndex: 1, count: 1000, maximum: 1000)
        let members = Projection(attributes: [AttributePath(name: "members")], excludedAttributes: [])
        return try await directory.list(.user, filter: nil, page: page).resources
            + directory.list(.group, filter: nil, page: page, projection: members).resources
    }
}
