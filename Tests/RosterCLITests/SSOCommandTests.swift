import Foundation
import RosterTestSupport
import SCIMCore
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `roster sso`: a SAML connection made from an identity provider's metadata (written by `scripts/saml-idp.py`)
/// or from its three values, the values to paste into the identity provider, the SP metadata served at its URL,
/// and the connections going with their organization.
@Suite(.serialized) struct SSOCommandTests {
    /// The identity provider's metadata and certificate files.
    static func identityProvider() async throws -> (metadata: String, certificate: String) {
        let python = try #require(WebhookDeliveryTests.python, "set ROSTER_WEBHOOK_PYTHON (see .ci/run)")
        let folder = try await SAMLIdentityProvider.write(
            python: python, acs: "https://x", audience: "https://x", requestID: "_r"
        ).path
        return (folder + "/idp-metadata.xml", folder + "/idp.pem")
    }

    @Test(.enabled(if: WebhookDeliveryTests.python != nil || WebhookDeliveryTests.required))
    func connectionsAreAddedListedServedAndRemoved() async throws {
        let (metadata, certificate) = try await Self.identityProvider()
        let database = RosterCLITests.temporaryDatabase()
        let organization = try JSON.parse(
            Array(
                try await RosterCLITests.roster(["org", "create", "--name", "Acme", "--json", "--database", database])
                    .utf8))
        let org = try #require(organization["id"]?.stringValue)
        let added = try JSON.parse(
            Array(
                try await RosterCLITests.roster([
                    "sso", "add", "--org", org, "--idp-metadata", metadata, "--json", "--database", database,
                    "--public-url", "https://roster.example.com",
                ]).utf8))
        let id = try #require(added["id"]?.stringValue)
        #expect(added["organization"] == .string(org))
        #expect(added["entityId"] == .string("https://roster.example.com/sso/saml/\(id)"))
        #expect(added["acsUrl"] == .string("https://roster.example.com/sso/saml/\(id)/acs"))
        #expect(added["metadataUrl"] == .string("https://roster.example.com/sso/saml/\(id)/metadata"))
        #expect(added["idpEntityId"] == "https://idp.example.com")

        // The same identity provider from its three values; the values pasted for Okta are printed.
        let manual = try await RosterCLITests.roster([
            "sso", "add", "--org", org, "--idp-sso-url", "https://idp.example.com/sso/redirect", "--idp-entity-id",
            "https://idp.example.com", "--idp-certificate", certificate, "--database", database,
        ])
        #expect(manual.contains("Single sign-on URL:") && manual.contains("Audience URI:"), "\(manual)")
        let listed = try await RosterCLITests.roster(["sso", "list", "--org", org, "--database", database])
        #expect(listed.split(separator: "\n").filter { !$0.hasPrefix(" ") }.count == 2, "\(listed)")
        #expect(listed.contains("no sign-in yet"), "\(listed)")

        // Refused clearly: no identity provider, half of one, a metadata URL that cannot be fetched, plain http, a bad
        // certificate.
        for arguments in [
            ["sso", "add", "--org", org],
            ["sso", "add", "--org", org, "--idp-sso-url", "https://idp.example.com/sso"],
            ["sso", "add", "--org", org, "--idp-metadata-url", "https://idp.example.com/metadata"],
            [
                "sso", "add", "--org", org, "--idp-sso-url", "http://idp.example.com/sso", "--idp-entity-id", "x",
                "--idp-certificate", certificate,
            ],
            [
                "sso", "add", "--org", org, "--idp-sso-url", "https://idp.example.com/sso", "--idp-entity-id", "x",
                "--idp-certificate", metadata,
            ],
            ["sso", "add", "--org", "no-such-org", "--idp-metadata", metadata],
        ] {
            try await RosterCLITests.roster(arguments + ["--database", database], expectSuccess: false)
        }

        // The SP metadata at its URL names the ACS URL.
        let server = try RunningServer(arguments: [
            "serve", "--port", "0", "--database", database, "--public-url", "https://roster.example.com",
        ])
        defer { server.stop() }
        let port = try await server.waitForPort()
        let (data, response) = try await URLSession.shared.data(
            from: URL(string: "http://127.0.0.1:\(port)/sso/saml/\(id)/metadata")!)
        let xml = String(decoding: data, as: UTF8.self)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(xml.contains(#"Location="https://roster.example.com/sso/saml/\#(id)/acs""#), "\(xml)")
        #expect(xml.contains(#"entityID="https://roster.example.com/sso/saml/\#(id)""#))
        let (_, missing) = try await URLSession.shared.data(
            from: URL(string: "http://127.0.0.1:\(port)/sso/saml/nope/metadata")!)
        #expect((missing as? HTTPURLResponse)?.statusCode == 404)

        try await RosterCLITests.roster(["sso", "remove", id, "--database", database])
        try await RosterCLITests.roster(["sso", "remove", id, "--database", database], expectSuccess: false)
        // An organization's deletion ends its sign-ins at once.
        try await RosterCLITests.roster(["org", "delete", org, "--yes", "--database", database])
        let after = try await RosterCLITests.roster(["sso", "list", "--database", database])
        #expect(after.contains("No SAML connections"), "\(after)")
    }
}
