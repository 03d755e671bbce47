import Foundation
import RosterTestSupport
import SCIMCore
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `roster org` and `--org`: an operator adds a customer organization, gives its identity provider a token, and
/// later deletes it, with or without a server running.
@Suite(.serialized) struct OrganizationCLITests {
    static func roster(_ arguments: [String], expectSuccess: Bool = true) async throws -> String {
        try await RosterCLITests.roster(arguments, expectSuccess: expectSuccess)
    }

    static func json(_ arguments: [String]) async throws -> JSON {
        try JSON.parse(Array(try await roster(arguments).utf8))
    }

    @Test func organizationsAreCreatedListedRenamedAndGivenDomains() async throws {
        let database = RosterCLITests.temporaryDatabase()
        let acme = try await Self.json([
            "org", "create", "--name", "Acme", "--domain", "acme.com", "--domain", "@ACME.io", "--json",
            "--database", database,
        ])
        let id = try #require(acme["id"]?.stringValue)
        #expect(acme["name"] == "Acme" && acme["domains"] == ["acme.com", "acme.io"])
        let refused = try await Self.roster(
            ["org", "create", "--name", "ACME", "--database", database], expectSuccess: false)
        #expect(refused.isEmpty, "the refusal goes to standard error")
        _ = try await Self.roster(
            ["org", "create", "--name", "Globex", "--domain", "acme.com", "--database", database], expectSuccess: false)

        let listed = try await Self.json(["org", "list", "--json", "--database", database])
        #expect(listed.arrayValue?.map { $0["name"] } == ["Default", "Acme"])
        #expect(listed.arrayValue?.first?["default"] == true && listed.arrayValue?.last?["users"] == 0)

        try await Self.roster(["org", "rename", id, "--name", "Acme Corp", "--database", database])
        try await Self.roster(["org", "domains", id, "--domain", "acme.com", "--database", database])
        let text = try await Self.roster(["org", "list", "--database", database])
        #expect(text.contains("Acme Corp") && text.contains("acme.com") && !text.contains("acme.io"), "\(text)")
        try await Self.roster(
            ["org", "rename", "no-such-id", "--name", "X", "--database", database], expectSuccess: false)
        try await Self.roster(["token", "list", "--org", "no-such-id", "--database", database], expectSuccess: false)
    }

    /// `roster setup-link create --org ID --json` prints the link once; list and revoke follow; bad input is refused.
    @Test func setupLinksAreCreatedListedAndRevokedFromTheShell() async throws {
        let database = RosterCLITests.temporaryDatabase()
        let acme = try await Self.json(["org", "create", "--name", "Acme", "--json", "--database", database])
        let id = try #require(acme["id"]?.stringValue)
        let link = try await Self.json([
            "setup-link", "create", "--org", id, "--expires-in", "2d", "--json", "--database", database,
            "--public-url", "https://roster.example.com",
        ])
        let url = try #require(link["url"]?.stringValue)
        #expect(url.hasPrefix("https://roster.example.com/portal/open?link=rsl_"))
        let expires = try #require(link["expires"]?.stringValue.flatMap(DateTime.parse))
        #expect(abs(expires.timeIntervalSinceNow - 2 * 86400) < 600)
        let listed = try await Self.json(["setup-link", "list", "--org", id, "--json", "--database", database])
        #expect(listed.arrayValue?.count == 1 && listed.arrayValue?.first?["valid"] == true)
        #expect(!(try await Self.roster(["setup-link", "list", "--org", id, "--database", database]).contains("rsl_")))
        let linkID = try #require(link["id"]?.stringValue)
        try await Self.roster(["setup-link", "revoke", "--org", id, linkID, "--database", database])
        let after = try await Self.json(["setup-link", "list", "--org", id, "--json", "--database", database])
        #expect(after.arrayValue?.first?["valid"] == false && after.arrayValue?.first?["revoked"] != nil)
        for arguments in [
            ["setup-link", "create", "--org", id, "--expires-in", "7x"],
            ["setup-link", "create", "--org", id, "--expires-in", "91d"],
            ["setup-link", "create", "--org", "no-such-id"],
        ] {
            try await Self.roster(arguments + ["--database", database], expectSuccess: false)
        }
    }

    /// A token made with `--org` reads and writes that organization's directory only, at the one SCIM endpoint;
    /// fields made with `--org` are its alone; deleting the organization stops its token on the running server.
    @Test func aTokenOfAnOrganizationWorksInItsDirectoryOnlyUntilTheOrganizationIsDeleted() async throws {
        let database = RosterCLITests.temporaryDatabase()
        let id = try #require(
            try await Self.json(["org", "create", "--name", "Acme", "--json", "--database", database])["id"]?
                .stringValue)
        let created = try await Self.json([
            "token", "create", "--org", id, "--description", "Acme Okta", "--json", "--database", database,
            "--public-url", "https://roster.example.com",
        ])
        #expect(created["organization"] == .string(id))
        #expect(created["scimEndpoint"] == "https://roster.example.com/scim/v2")
        let theirs = try #require(created["token"]?.stringValue)
        let ours = try await RosterCLITests.createToken("Okta", database: database)
        #expect(try await Self.roster(["token", "list", "--org", id, "--database", database]).contains("Acme Okta"))
        #expect(!(try await Self.roster(["token", "list", "--database", database]).contains("Acme Okta")))

        try await Self.roster(["field", "add", "--org", id, "--name", "Badge", "--database", database])
        #expect(try await Self.roster(["field", "list", "--org", id, "--database", database]).contains("badge"))
        #expect(!(try await Self.roster(["field", "list", "--database", database]).contains("badge")))

        let server = try RunningServer(arguments: ["serve", "--port", "0", "--database", database])
        defer { server.stop() }
        let base = "http://127.0.0.1:\(try await server.waitForPort())/scim/v2"
        let user = #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bob@acme.com"}"#
        let (status, body) = try await RosterCLITests.send(
            "POST", URL(string: "\(base)/Users")!, token: theirs, body: user)
        #expect(status == 201)
        let bob = try #require(body?["id"]?.stringValue)
        #expect(
            try await RosterCLITests.send("GET", URL(string: "\(base)/Users/\(bob)")!, token: ours, body: "").0 == 404)
        let count = try await RosterCLITests.send("GET", URL(string: "\(base)/Users?count=0")!, token: ours, body: "")
        #expect(count.1?["totalResults"] == 0)

        try await Self.roster(["org", "delete", id, "--database", database], expectSuccess: false)
        let deleted = try await Self.roster(["org", "delete", id, "--yes", "--database", database])
        #expect(deleted.contains("Deleted Acme"), "\(deleted)")
        // The server forgets the token within its cache lifetime.
        try await Task.sleep(for: .seconds(2.5))
        #expect(try await RosterCLITests.send("GET", URL(string: "\(base)/Users")!, token: theirs, body: "").0 == 401)
        #expect(try await RosterCLITests.send("GET", URL(string: "\(base)/Users")!, token: ours, body: "").0 == 200)
        let listed = try await Self.json(["org", "list", "--json", "--database", database])
        #expect(listed.arrayValue?.map { $0["name"] } == ["Default"])
        let defaultID = try #require(listed.arrayValue?.first?["id"]?.stringValue)
        try await Self.roster(["org", "delete", defaultID, "--yes", "--database", database], expectSuccess: false)
    }
}
