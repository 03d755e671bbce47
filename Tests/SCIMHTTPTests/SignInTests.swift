import Directory
import Foundation
import RosterTestSupport
import SCIMCore
import Testing

/// Accepting a SAML response at a connection (responses signed by signxml through `scripts/saml-idp.py`): the
/// person is the organization's SCIM user by userName or email; each response signs in once, on every instance
/// (the replay cache is in the database); a deactivated or unknown person is refused; a just-in-time connection
/// creates the person, only with one of the organization's domains.
///
/// Runs when `ROSTER_WEBHOOK_PYTHON` names a Python with signxml (CI sets it).
@Suite(.serialized) struct SignInTests {
    static let python = ProcessInfo.processInfo.environment["ROSTER_WEBHOOK_PYTHON"]
    static let required = ProcessInfo.processInfo.environment["ROSTER_REQUIRE_WEBHOOK_RECEIVER"] == "1"

    /// Runs the identity provider script: responses for `connection`, signed with the key kept in `keys`.
    static func responses(
        for connection: SAMLConnection?, keys: URL, copies: Int = 4, nameID: String = "ann@example.com"
    ) async throws -> [String: Data] {
        let python = try #require(python, "set ROSTER_WEBHOOK_PYTHON (see .ci/run)")
        let urls = connection?.urls(publicURL: TestServer.publicURL)
        let out = try await SAMLIdentityProvider.write(
            python: python, acs: urls?.acsURL ?? "https://x", audience: urls?.entityID ?? "https://x",
            requestID: "_req1", options: ["--key-dir", keys.path, "--copies", String(copies), "--nameid", nameID])
        defer { try? FileManager.default.removeItem(at: out) }
        return try SAMLIdentityProvider.files(in: out)
    }

    /// The metadata of the identity provider whose key is kept in `keys`.
    static func metadata(keys: URL) async throws -> Data {
        try #require(try await responses(for: nil, keys: keys, copies: 0)["idp-metadata"])
    }

    static func refusal(_ body: () async throws -> SignedInPerson) async -> String? {
        do {
            _ = try await body()
            return nil
        } catch let refusal as SignInRefusal {
            return refusal.description
        } catch {
            return "unexpected: \(error)"
        }
    }

    @Test(.enabled(if: python != nil || required))
    func aResponseSignsInTheOrganizationsPersonOnce() async throws {
        try await TestServer.run { server, scim in
            let keys = FileManager.default.temporaryDirectory.appendingPathComponent("roster-idp-\(UUID())")
            defer { try? FileManager.default.removeItem(at: keys) }
            let organizations = server.services.organizations
            let home = try await organizations.list()[0]
            let metadata = try await Self.metadata(keys: keys)
            let connection = try await organizations.connections.add(
                organization: home.id, identityProvider: .metadata(metadata))
            let responses = try await Self.responses(for: connection, keys: keys)
            let connections = organizations.connections

            // Nobody of that name yet: refused, and nobody is created.
            let unknown = await Self.refusal {
                try await connections.accept(try #require(responses["signed-1"]), on: connection, requestID: "_req1")
            }
            #expect(unknown?.contains("not in its directory") == true, "\(unknown ?? "accepted")")

            let ann = try await scim.createUser("Ann@Example.com")
            let person = try await connections.accept(
                try #require(responses["signed-2"]), on: connection, requestID: "_req1")
            #expect(person.userID == ann)
            #expect(person.organization == home.id)
            #expect(person.created == false)

            // The same response again, on this or any instance: refused.
            let replay = await Self.refusal {
                try await connections.accept(try #require(responses["signed-2"]), on: connection, requestID: "_req1")
            }
            #expect(replay?.contains("used already") == true, "\(replay ?? "accepted")")
            // Another browser's request: refused.
            let foreign = await Self.refusal {
                try await connections.accept(try #require(responses["signed-3"]), on: connection, requestID: "_other")
            }
            #expect(foreign?.contains("does not answer") == true, "\(foreign ?? "accepted")")
            // IdP-initiated is off unless the connection lands it on an application.
            let unsolicited = await Self.refusal {
                try await connections.accept(try #require(responses["unsolicited-1"]), on: connection, requestID: nil)
            }
            #expect(unsolicited?.contains("is off") == true, "\(unsolicited ?? "accepted")")

            // A deactivated person is told so.
            let patch =
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}"#
            #expect(try await scim.patch("Users/\(ann)", patch).status == 200)
            let deactivated = await Self.refusal {
                try await connections.accept(try #require(responses["signed-4"]), on: connection, requestID: "_req1")
            }
            #expect(deactivated?.contains("deactivated") == true, "\(deactivated ?? "accepted")")
        }
    }

    @Test(.enabled(if: python != nil || required))
    func justInTimeCreatesThePersonOnlyWithTheOrganizationsDomains() async throws {
        try await TestServer.run { server, scim in
            let keys = FileManager.default.temporaryDirectory.appendingPathComponent("roster-idp-\(UUID())")
            defer { try? FileManager.default.removeItem(at: keys) }
            let organizations = server.services.organizations
            let metadata = try await Self.metadata(keys: keys)
            let open = try await organizations.create(name: "Open")
            let closed = try await organizations.create(name: "Closed", domains: ["acme.com"])
            let connections = organizations.connections
            let openConnection = try await connections.add(
                organization: open.id, identityProvider: .metadata(metadata), justInTime: true)
            let closedConnection = try await connections.add(
                organization: closed.id, identityProvider: .metadata(metadata), justInTime: true)

            let openResponses = try await Self.responses(for: openConnection, keys: keys)
            let person = try await connections.accept(
                try #require(openResponses["signed-1"]), on: openConnection, requestID: "_req1")
            #expect(person.created)
            #expect(person.userName == "ann@example.com")
            #expect(person.givenName == "Ann")
            let again = try await connections.accept(
                try #require(openResponses["signed-2"]), on: openConnection, requestID: "_req1")
            #expect(again.userID == person.userID)
            #expect(again.created == false)
            // The person is a SCIM user of that organization, and the event says the sign-in made them.
            let user = try await organizations.directory(for: open.key).get(.user, id: person.userID)
            #expect(user.representation["userName"] == "ann@example.com")
            let feed = try await organizations.applications.feed(
                after: nil, limit: 100, types: ["user.created"], organization: open.id)
            let created = try #require(feed.events.first)
            let envelope = try JSON.parse(Array(created.envelope.utf8))
            #expect(envelope["actor"]?["type"] == "sign_in")
            #expect(envelope["actor"]?["id"] == .string(openConnection.id))

            // Deleted by an administrator, the person is not made again by the response that made them: it is
            // refused as used before anyone is created.
            try await organizations.directory(for: open.key).delete(.user, id: person.userID)
            let replayed = await Self.refusal {
                try await connections.accept(
                    try #require(openResponses["signed-1"]), on: openConnection, requestID: "_req1")
            }
            #expect(replayed?.contains("used already") == true, "\(replayed ?? "accepted")")
            let after = try await organizations.applications.feed(
                after: nil, limit: 100, types: ["user.created"], organization: open.id)
            #expect(after.events.count == 1)
            _ = scim

            let closedResponses = try await Self.responses(for: closedConnection, keys: keys)
            let refused = await Self.refusal {
                try await connections.accept(
                    try #require(closedResponses["signed-1"]), on: closedConnection, requestID: "_req1")
            }
            #expect(refused?.contains("domains") == true, "\(refused ?? "accepted")")
            #expect(try await organizations.directory(for: closed.key).counts().users == 0)
        }
    }

    /// Matching is strict where a loose match would sign in the wrong person: a secondary email is no one's
    /// name, two people with one primary email are refused, a look-alike or invisible character is refused, and
    /// a domain another organization holds is never created just in time.
    @Test(.enabled(if: python != nil || required))
    func onlyOnePersonAnswersToAName() async throws {
        try await TestServer.run { server, scim in
            let keys = FileManager.default.temporaryDirectory.appendingPathComponent("roster-idp-\(UUID())")
            defer { try? FileManager.default.removeItem(at: keys) }
            let organizations = server.services.organizations
            let home = try await organizations.list()[0]
            let metadata = try await Self.metadata(keys: keys)
            let connections = organizations.connections
            let connection = try await connections.add(organization: home.id, identityProvider: .metadata(metadata))
            let accept = { (nameID: String) async -> String? in
                await Self.refusal {
                    let responses = try await Self.responses(for: connection, keys: keys, copies: 1, nameID: nameID)
                    return try await connections.accept(
                        try #require(responses["signed-1"]), on: connection, requestID: "_req1")
                }
            }
            // A secondary address names nobody.
            _ = try await scim.createUser(
                "bob", extra: #","emails":[{"value":"bob@example.com","primary":true},{"value":"ann@example.com"}]"#)
            #expect(await accept("ann@example.com")?.contains("not in its directory") == true)
            // Two people with one primary address: refused, not the first one found.
            for name in ["dup1", "dup2"] {
                _ = try await scim.createUser(name, extra: #","emails":[{"value":"dup@example.com","primary":true}]"#)
            }
            #expect(await accept("dup@example.com")?.contains("More than one person") == true)
            // Look-alike and invisible characters are not loosely matched.
            _ = try await scim.createUser("kim@example.com")
            for lookalike in [
                "\u{212A}im@example.com", "ｋｉｍ@example.com", "ki\u{200B}m@example.com", "kim@example.com@x.org",
            ] {
                let refused = await accept(lookalike)
                #expect(refused?.contains("not a plain email") == true, "\(lookalike): \(refused ?? "accepted")")
            }
            #expect(await accept("kim@example.com") == nil, "the address itself signs in")

            // Just in time, a domain another organization holds is refused.
            _ = try await organizations.create(name: "Acme", domains: ["acme.com"])
            let open = try await organizations.create(name: "Open")
            let jit = try await connections.add(
                organization: open.id, identityProvider: .metadata(metadata), justInTime: true)
            let responses = try await Self.responses(for: jit, keys: keys, copies: 1, nameID: "ceo@acme.com")
            let refused = await Self.refusal {
                try await connections.accept(try #require(responses["signed-1"]), on: jit, requestID: "_req1")
            }
            #expect(refused?.contains("belongs to another organization") == true, "\(refused ?? "accepted")")
            #expect(try await organizations.directory(for: open.key).counts().users == 0)
        }
    }
}
