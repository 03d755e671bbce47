import Directory
import Foundation
import HTTPTypes
import RosterTestSupport
import SCIMCore
import Testing

/// Organization A's token never reads, finds, counts, changes or references anything of organization B: every
/// endpoint, method and query form is tried with B's ids and names, and each answers as it would for an id or
/// name that exists nowhere.
@Suite struct OrganizationIsolationTests {
    static let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

    /// What organization B holds, seen from its own token.
    struct Other: Sendable {
        let client: SCIMClient
        let bob: String
        let team: String
    }

    /// B: a user bob in a group, a custom field in each namespace; A: alice in a group of her own.
    static func twoOrganizations(_ server: TestServer, _ scim: SCIMClient) async throws -> Other {
        let organizations = server.services.organizations
        let acme = try await organizations.create(name: "Acme", domains: ["acme.com"])
        let directory = organizations.directory(for: acme.key)
        let token = try await directory.createToken(description: "Acme Okta", status: .active).secret
        _ = try await directory.addField(label: "Badge", type: .text, options: [], namespace: .enterprise)
        _ = try await directory.addField(label: "Shoe Size", type: .number, options: [], namespace: .roster)
        let other = SCIMClient(client: scim.client, token: token)
        let bob = try await other.createUser(
            "bob@acme.com", extra: #","externalId":"ext-bob","emails":[{"value":"bob@acme.com","type":"work"}]"#)
        let team = try await other.createGroup("Acme team", members: [bob])
        let alice = try await scim.createUser("alice@example.com")
        _ = try await scim.createGroup("Home team", members: [alice])
        return Other(client: other, bob: bob, team: team)
    }

    @Test func anotherOrganizationsIdsAreNotFoundByAnyMethod() async throws {
        try await TestServer.run { server, scim in
            let other = try await Self.twoOrganizations(server, scim)
            let before = try await other.client.get("Users/\(other.bob)")
            let nowhere = "01900000-0000-7000-8000-000000000000"
            for (kind, id) in [("Users", other.bob), ("Groups", other.team)] {
                let user = #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x@example.com"}"#
                let group = #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"X"}"#
                let patch =
                    #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"#
                    + #""Operations":[{"op":"replace","path":"displayName","value":"Taken"}]}"#
                let attempts: [(String, () async throws -> SCIMReply, () async throws -> SCIMReply)] = [
                    ("GET", { try await scim.get("\(kind)/\(id)") }, { try await scim.get("\(kind)/\(nowhere)") }),
                    (
                        "GET If-None-Match",
                        { try await scim.get("\(kind)/\(id)", headers: [.ifNoneMatch: #"W/"1""#]) },
                        { try await scim.get("\(kind)/\(nowhere)", headers: [.ifNoneMatch: #"W/"1""#]) }
                    ),
                    (
                        "PUT", { try await scim.put("\(kind)/\(id)", kind == "Users" ? user : group) },
                        { try await scim.put("\(kind)/\(nowhere)", kind == "Users" ? user : group) }
                    ),
                    (
                        "PATCH If-Match", { try await scim.patch("\(kind)/\(id)", patch, headers: [.ifMatch: "*"]) },
                        { try await scim.patch("\(kind)/\(nowhere)", patch, headers: [.ifMatch: "*"]) }
                    ),
                    (
                        "PATCH", { try await scim.patch("\(kind)/\(id)", patch) },
                        { try await scim.patch("\(kind)/\(nowhere)", patch) }
                    ),
                    (
                        "DELETE", { try await scim.delete("\(kind)/\(id)") },
                        { try await scim.delete("\(kind)/\(nowhere)") }
                    ),
                ]
                for (method, theirs, unknown) in attempts {
                    let (reply, control) = (try await theirs(), try await unknown())
                    #expect(reply.status == 404, "\(method) \(kind): \(reply.text)")
                    #expect(
                        reply.text.replacingOccurrences(of: id, with: "ID")
                            == control.text.replacingOccurrences(of: nowhere, with: "ID"), "\(method) \(kind)")
                }
            }
            let after = try await other.client.get("Users/\(other.bob)")
            #expect(after.headers[.eTag] == before.headers[.eTag] && after.text == before.text, "bob is untouched")
            #expect(try await other.client.get("Groups/\(other.team)").status == 200)
        }
    }

    @Test(arguments: [
        ("Users", #"userName eq "bob@acme.com""#), ("Users", #"id eq "BOB""#), ("Users", #"externalId eq "ext-bob""#),
        ("Users", #"emails.value co "acme.com""#), ("Users", #"emails[type eq "work" and value sw "bob"]"#),
        ("Users", #"groups.value eq "TEAM""#), ("Users", #"groups[value eq "TEAM"]"#),
        ("Groups", #"displayName eq "Acme team""#), ("Groups", #"members.value eq "BOB""#),
        ("Groups", #"members[value eq "BOB"]"#), ("Groups", #"id eq "TEAM""#),
    ])
    func filtersSearchesAndCountsSeeOneOrganization(endpoint: String, filter: String) async throws {
        try await TestServer.run { server, scim in
            let other = try await Self.twoOrganizations(server, scim)
            let text = filter.replacingOccurrences(of: "BOB", with: other.bob)
                .replacingOccurrences(of: "TEAM", with: other.team)
            let encoded = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
            // The same filter finds B's resource through B's own token, so it is a filter that finds something.
            #expect(try await other.client.get("\(endpoint)?filter=\(encoded)")["totalResults"] == 1, "\(text)")
            #expect(try await scim.get("\(endpoint)?filter=\(encoded)")["totalResults"] == 0, "\(text)")
            let body = JSON.object([
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": .string(text),
            ]).serialized()
            #expect(try await scim.post("\(endpoint)/.search", body)["totalResults"] == 0)
            #expect(try await scim.post(".search", body)["totalResults"] == 0)
        }
    }

    @Test func listsCountsSortingAndRootSearchSeeOneOrganization() async throws {
        try await TestServer.run { server, scim in
            let other = try await Self.twoOrganizations(server, scim)
            for client in [scim, other.client] {
                let users = try await client.get("Users?sortBy=userName&count=10")
                #expect(users["totalResults"] == 1 && users["Resources"]?.arrayValue?.count == 1)
                #expect(try await client.get("Groups?count=0")["totalResults"] == 1)
                #expect(try await client.get("Users?startIndex=2&count=1")["Resources"]?.arrayValue?.isEmpty ?? true)
                let root = try await client.post(
                    ".search", #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]}"#)
                #expect(root["totalResults"] == 2)
            }
            let alice = try await scim.get("Users?count=1")["Resources"]?.arrayValue?.first
            #expect(alice?["userName"] == "alice@example.com")
            #expect(alice?["groups"]?.arrayValue?.map { $0["display"] } == ["Home team"])
        }
    }

    @Test func anotherOrganizationsUserIsNeverAMemberNorShownAsAManager() async throws {
        try await TestServer.run { server, scim in
            let other = try await Self.twoOrganizations(server, scim)
            let nowhere = "01900000-0000-7000-8000-000000000000"
            let group = try await scim.createGroup("Builders")
            func add(_ id: String) -> String {
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"#
                    + #""Operations":[{"op":"add","path":"members","value":[{"value":"\#(id)"}]}]}"#
            }
            func put(_ id: String) -> String {
                #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Builders","#
                    + #""members":[{"value":"\#(id)"}]}"#
            }
            func post(_ id: String) -> String {
                #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"New \#(id.prefix(4))","#
                    + #""members":[{"value":"\#(id)"}]}"#
            }
            let attempts: [(String) async throws -> SCIMReply] = [
                { try await scim.patch("Groups/\(group)", add($0)) },
                { try await scim.put("Groups/\(group)", put($0)) },
                { try await scim.post("Groups", post($0)) },
            ]
            for attempt in attempts {
                let (theirs, unknown) = (try await attempt(other.bob), try await attempt(nowhere))
                theirs.expectError(400, scimType: "invalidValue")
                #expect(
                    theirs.text.replacingOccurrences(of: other.bob, with: "ID")
                        == unknown.text.replacingOccurrences(of: nowhere, with: "ID"))
            }
            #expect(try await scim.get("Groups/\(group)")["members"]?.arrayValue?.isEmpty ?? true)
            #expect(try await other.client.get("Users/\(other.bob)")["groups"]?.arrayValue?.count == 1)

            // A manager is kept as sent, with nothing of the user it names: as for an id that names nobody.
            let managed = try await scim.createUser(
                "carol@example.com", extra: #","\#(Self.enterprise)":{"manager":{"value":"\#(other.bob)"}}"#)
            let ghost = try await scim.createUser(
                "dave@example.com", extra: #","\#(Self.enterprise)":{"manager":{"value":"\#(nowhere)"}}"#)
            let manager = try await scim.get("Users/\(managed)")[Self.enterprise]?["manager"]
            let control = try await scim.get("Users/\(ghost)")[Self.enterprise]?["manager"]
            #expect(manager == .object(["value": .string(other.bob)]))
            #expect(control == .object(["value": .string(nowhere)]))
        }
    }

    @Test func schemasShowTheTokensOrganizationsFieldsOnly() async throws {
        try await TestServer.run { server, scim in
            let other = try await Self.twoOrganizations(server, scim)
            func names(_ client: SCIMClient) async throws -> [String] {
                let schema = try await client.get("Schemas/\(Self.enterprise)")
                return schema["attributes"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            }
            #expect(try await names(other.client).contains("badge"))
            #expect(try await !names(scim).contains("badge"))
            let extensions = { (client: SCIMClient) async throws -> [String] in
                try await client.get("ResourceTypes/User")["schemaExtensions"]?.arrayValue?.compactMap {
                    $0["schema"]?.stringValue
                } ?? []
            }
            #expect(
                try await extensions(other.client).contains("urn:ietf:params:scim:schemas:extension:roster:2.0:User"))
            #expect(try await !extensions(scim).contains("urn:ietf:params:scim:schemas:extension:roster:2.0:User"))
            let schemas = try await scim.get("Schemas")["Resources"]?.arrayValue?.compactMap { $0["id"]?.stringValue }
            #expect(!(schemas ?? []).contains("urn:ietf:params:scim:schemas:extension:roster:2.0:User"))
            // B's field is an unknown attribute to A.
            let refused = try await scim.post(
                "Users",
                #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"e@example.com","#
                    + #""\#(Self.enterprise)":{"badge":"gold"}}"#)
            #expect(refused.status == 400 && refused.text.contains("badge"), "\(refused.text)")
        }
    }

    @Test func eachOrganizationsActivityIsItsOwn() async throws {
        try await TestServer.run { server, scim in
            let other = try await Self.twoOrganizations(server, scim)
            _ = try await scim.get("Users/\(other.bob)")
            let organizations = server.services.organizations
            let ours = try await organizations.defaultDirectory.activity(ActivityQuery(limit: 100))
            let acme = try await organizations.list().first { !$0.isDefault }
            let theirs = try await organizations.directory(for: try #require(acme).key).activity(
                ActivityQuery(limit: 100))
            #expect(ours.allSatisfy { $0.organization == .default } && !ours.isEmpty)
            #expect(theirs.allSatisfy { $0.organization == acme?.key } && !theirs.isEmpty)
            #expect(!ours.contains { $0.tokenName == "Acme Okta" })
            #expect(!theirs.contains { $0.path.contains("Users/\(other.bob)") && $0.status == 404 })
            let provenance = try await organizations.defaultDirectory.provenance(of: other.bob)
            #expect(provenance == nil)
            #expect(try await organizations.directory(for: try #require(acme).key).provenance(of: other.bob) != nil)
        }
    }
}
