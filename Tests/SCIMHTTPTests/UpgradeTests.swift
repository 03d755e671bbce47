import Directory
import Foundation
import HTTPTypes
import RosterTestSupport
import SCIMCore
import Testing

/// A database written by the release before organizations (Tests/Fixtures: a SQLite file and a PostgreSQL dump,
/// with what was made in them) migrates on start into the default organization and loses nothing: every token
/// keeps working with the endpoint it was given, every resource keeps its id, body and ETag, and memberships,
/// custom fields and their values, the schema setting, the activity log and the administrator all remain.
@Suite struct UpgradeTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    static let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    static let roster = "urn:ietf:params:scim:schemas:extension:roster:2.0:User"

    @Test(arguments: StoreBackend.servable)
    func aDatabaseOfTheReleaseBeforeOrganizationsUpgradesWithoutLoss(backend: StoreBackend) async throws {
        let (database, facts) = try await Self.restore(on: backend)
        try await TestServer.run(on: backend, tokenCacheSeconds: 2, rateLimit: nil, database: database) {
            server, scim in
            let organizations = server.services.organizations
            let listed = try await organizations.list()
            #expect(listed.count == 1 && listed.first?.isDefault == true)
            #expect(try await organizations.defaultDirectory.schemas().ignoresUnknownAttributes)
            try await Self.tokensStillWork(facts, scim)
            try await Self.resourcesKeepTheirBodiesAndETags(facts, scim)
            try await Self.fieldsAndUniquenessStillHold(facts, scim)
            try await Self.activityAndTheAdministratorRemain(facts, server)
            // Another organization may now hold the same names.
            let acme = try await organizations.create(name: "Acme")
            let directory = organizations.directory(for: acme.key)
            _ = try await directory.create(.user, body: .object(["userName": "alice@example.com"]))
            #expect(try await directory.counts() == ResourceCounts(users: 1, groups: 0))
        }
    }

    static func tokensStillWork(_ facts: JSON, _ scim: SCIMClient) async throws {
        for name in ["okta", "entra"] {
            let token = try #require(facts["tokens"]?[name]?["token"]?.stringValue)
            let list = try await scim.get("Users?startIndex=1&count=100", authorization: "Bearer \(token)")
            #expect(list.status == 200 && list["totalResults"] == 4, "\(name): \(list.text)")
        }
        let spare = try #require(facts["tokens"]?["spare"]?["token"]?.stringValue)
        #expect(try await scim.get("Users", authorization: "Bearer \(spare)").status == 401, "inactive stays inactive")
    }

    static func resourcesKeepTheirBodiesAndETags(_ facts: JSON, _ scim: SCIMClient) async throws {
        let token = try #require(facts["tokens"]?["okta"]?["token"]?.stringValue)
        for (name, fact) in facts["resources"]?.objectValue?.members ?? [] {
            let id = try #require(fact["id"]?.stringValue)
            let path = "\(fact["representation"]?["meta"]?["resourceType"] == "Group" ? "Groups" : "Users")/\(id)"
            let reply = try await scim.get(path, authorization: "Bearer \(token)")
            #expect(reply.status == 200 && reply.headers[.eTag] == fact["etag"]?.stringValue, "\(name)")
            // The fixture's server had another address; what it answered is otherwise the same.
            let was = try #require(fact["representation"]).serialized()
            let oldBase = try #require(Self.base(of: was))
            let newBase = try #require(Self.base(of: reply.text))
            let expected = try JSON.parse(Array(was.replacingOccurrences(of: oldBase, with: newBase).utf8))
            #expect(reply.json.map(Self.sorted) == Self.sorted(expected), "\(name)")
            let etag = try #require(fact["etag"]?.stringValue)
            let unchanged = try await scim.get(path, authorization: "Bearer \(token)", headers: [.ifNoneMatch: etag])
            #expect(unchanged.status == 304, "\(name): its ETag is still current")
        }
        let alice = try #require(facts["resources"]?["alice"]?["id"]?.stringValue)
        let etag = try #require(facts["resources"]?["alice"]?["etag"]?.stringValue)
        let patched = try await scim.send(
            .patch, "Users/\(alice)",
            body: #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"#
                + #""Operations":[{"op":"replace","path":"title","value":"Lead"}]}"#,
            authorization: "Bearer \(token)", headers: [.ifMatch: etag])
        #expect(patched.status == 200, "a write at the old version succeeds: \(patched.text)")
        let deleted = try #require(facts["deleted"]?.stringValue)
        #expect(try await scim.get("Users/\(deleted)", authorization: "Bearer \(token)").status == 404)
    }

    /// A value with every object's members in name order, to compare what two writers ordered differently.
    static func sorted(_ json: JSON) -> JSON {
        switch json {
        case .object(let object):
            return .object(
                JSONObject(object.members.sorted { $0.key < $1.key }.map { (key: $0.key, value: sorted($0.value)) }))
        case .array(let array): return .array(array.map(sorted))
        default: return json
        }
    }

    /// The base URL a representation's `meta.location` was written with.
    static func base(of text: String) -> String? {
        guard let json = try? JSON.parse(Array(text.utf8)), let location = json["meta"]?["location"]?.stringValue
        else { return nil }
        for endpoint in ["/Users/", "/Groups/"] where location.contains(endpoint) {
            return location.components(separatedBy: endpoint).first
        }
        return nil
    }

    static func fieldsAndUniquenessStillHold(_ facts: JSON, _ scim: SCIMClient) async throws {
        let token = try #require(facts["tokens"]?["okta"]?["token"]?.stringValue)
        let schema = try await scim.get("Schemas/\(Self.enterprise)", authorization: "Bearer \(token)")
        #expect(schema["attributes"]?.arrayValue?.contains { $0["name"] == "cost-center-code" } == true)
        let filter =
            "\(Self.enterprise):cost-center-code eq \"CC-1\""
            .addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let found = try await scim.get("Users?filter=\(filter)", authorization: "Bearer \(token)")
        #expect(found["Resources"]?.arrayValue?.first?["id"] == facts["resources"]?["alice"]?["id"])
        let badge = "\(Self.roster):badge-level eq \"Gold\"".addingPercentEncoding(
            withAllowedCharacters: .alphanumerics)
        #expect(
            try await scim.get("Users?filter=\(badge ?? "")", authorization: "Bearer \(token)")["totalResults"] == 1)
        let team = try #require(facts["resources"]?["engineering"]?["id"]?.stringValue)
        let members = try await scim.get("Groups/\(team)", authorization: "Bearer \(token)")["members"]?.arrayValue
        #expect(Set(members?.compactMap { $0["value"]?.stringValue } ?? []).count == 2)
        let duplicate = try await scim.send(
            .post, "Users",
            body: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ALICE@example.com"}"#,
            authorization: "Bearer \(token)")
        duplicate.expectError(409, scimType: "uniqueness")
    }

    static func activityAndTheAdministratorRemain(_ facts: JSON, _ server: TestServer) async throws {
        let directory = server.services.organizations.defaultDirectory
        let everything = try await directory.activity(ActivityQuery(limit: 1000), unattributed: true)
        let attributed = try await directory.activity(ActivityQuery(limit: 1000))
        #expect(everything.count >= 19, "the fixture's requests are all there")
        #expect(everything.contains { $0.status == 401 && $0.organization == nil }, "a wrong token's request")
        #expect(!attributed.contains { $0.status == 401 })
        #expect(attributed.contains { $0.status == 409 && $0.tokenName == "Okta" })
        let alice = try #require(facts["resources"]?["alice"]?["id"]?.stringValue)
        #expect(try await directory.provenance(of: alice)?.createdBy == "Okta")
        let name = try #require(facts["admin"]?["username"]?.stringValue)
        let password = try #require(facts["admin"]?["password"]?.stringValue)
        #expect(try await server.services.accounts.verify(username: name, password: password)?.username == name)
    }

    /// A copy of the backend's fixture, restored as a database of its own, and what was made in it.
    static func restore(on backend: StoreBackend) async throws -> (String, JSON) {
        let name = backend == .postgres ? "release-2026-12-04.postgres" : "release-2026-12-04.sqlite"
        let facts = try JSON.parse(Array(try Data(contentsOf: fixtures.appendingPathComponent(name + ".json"))))
        if backend == .postgres {
            return (try await PostgresTestDatabase.restore(fixtures.appendingPathComponent(name + ".sql")), facts)
        }
        let copy = try await backend.newLocation()
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent(name), to: URL(fileURLWithPath: copy))
        return (copy, facts)
    }
}
