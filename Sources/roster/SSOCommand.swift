import App
import ArgumentParser
import Directory
import Events
import Foundation
import SCIMCore

/// SAML connections: an organization's identity provider, and the values to paste into it.
struct SSOCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sso", abstract: "Add, list and remove organizations' SAML single sign-on connections.",
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: """
                Add a SAML connection to an organization, from its identity provider's metadata or from its SSO \\
                URL, entity ID and certificate; print what to paste into the identity provider.
                """)

        @Option(name: .customLong("org"), help: "The organization's id.")
        var organization: String

        @Option(name: .customLong("idp-metadata"), help: "A file holding the identity provider's metadata XML.")
        var metadataFile: String?

        @Option(
            name: .customLong("idp-metadata-url"),
            help: "The metadata's https URL, fetched now and again each day (new signing certificates are taken).")
        var metadataURL: String?

        @Flag(
            name: .customLong("idp-metadata-allow-private"),
            help:
                "Let the metadata URL be http and name a loopback or private address (an identity provider beside Roster)."
        )
        var allowPrivateMetadata = false

        @Option(help: "PEM certificates the metadata URL's TLS may chain to besides the system's (a private CA).")
        var caFile: String?

        @Option(name: .customLong("idp-sso-url"), help: "The identity provider's single sign-on URL (https).")
        var ssoURL: String?

        @Option(name: .customLong("idp-entity-id"), help: "The identity provider's entity ID (issuer).")
        var entityID: String?

        @Option(
            name: .customLong("idp-certificate"),
            help: "A PEM file of the identity provider's signing certificate(s); several while it rotates.")
        var certificateFile: String?

        @Flag(name: .customLong("just-in-time"), help: "Create a person the directory does not hold at sign-in.")
        var justInTime = false

        @Option(
            name: .customLong("idp-initiated-app"),
            help: "Accept sign-ins started at the identity provider, landing on this application.")
        var idpInitiatedApplication: String?

        @Flag(name: .customLong("allow-sha1"), help: "Accept SHA-1 signatures (an old identity provider).")
        var allowSHA1 = false

        @Flag(help: "Print one JSON object.")
        var json = false

        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            let manual = [ssoURL, entityID, certificateFile].compactMap { $0 }.count
            let sources = (metadataFile != nil ? 1 : 0) + (metadataURL != nil ? 1 : 0) + (manual > 0 ? 1 : 0)
            guard sources == 1, manual == 0 || manual == 3 else {
                throw ValidationError(
                    "Give --idp-metadata FILE, --idp-metadata-url URL, or all of --idp-sso-url, --idp-entity-id and --idp-certificate."
                )
            }
        }

        func run() async throws {
            let source: IdentityProviderSource
            if let metadataFile {
                source = .metadata(try Data(contentsOf: URL(fileURLWithPath: metadataFile)))
            } else if let metadataURL {
                source = .metadataURL(metadataURL, allowPrivate: allowPrivateMetadata)
            } else if let ssoURL, let entityID, let certificateFile {
                source = .manual(
                    ssoURL: ssoURL, entityID: entityID,
                    certificatesPEM: try String(contentsOf: URL(fileURLWithPath: certificateFile), encoding: .utf8))
            } else {
                throw ValidationError("No identity provider given.")
            }
            let configuration = database.configuration
            let (organization, justInTime, application, sha1) = (
                organization, justInTime, idpInitiatedApplication, allowSHA1
            )
            let fetcher = HTTPMetadataFetcher(trust: WebhookTrust(extraRootsFile: caFile))
            let connection = try await reportingProblems {
                try await Roster.withServices(configuration) { services in
                    try await services.organizations.connections.add(
                        organization: organization, identityProvider: source, justInTime: justInTime,
                        idpInitiatedApplication: application, allowSHA1: sha1, fetcher: fetcher)
                }
            }
            let urls = connection.urls(publicURL: configuration.baseURL)
            if json {
                print(
                    JSON.object([
                        "id": .string(connection.id), "organization": .string(organization),
                        "entityId": .string(urls.entityID), "acsUrl": .string(urls.acsURL),
                        "metadataUrl": .string(urls.metadataURL), "idpEntityId": .string(connection.idpEntityID),
                    ]).serialized())
            } else {
                print("Connection:            \(connection.id)")
                print("Identity provider:     \(connection.idpEntityID)")
                print("Single sign-on URL:    \(urls.acsURL)   (Okta; Entra ID: Reply URL)")
                print("Audience URI:          \(urls.entityID)   (Okta; Entra ID: Identifier)")
                print("SP metadata:           \(urls.metadataURL)")
                print("Name ID format:        EmailAddress; application username: Email")
                print("Attribute statements:  email, first_name, last_name, name")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List SAML connections.")

        @Option(name: .customLong("org"), help: "Only this organization's.")
        var organization: String?

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let configuration = database.configuration
            let organization = organization
            let connections = try await reportingProblems {
                try await Roster.withServices(configuration) { services in
                    try await services.organizations.connections.list(organization: organization)
                }
            }
            if connections.isEmpty { print("No SAML connections yet: roster sso add --org ID --idp-metadata FILE") }
            for connection in connections {
                let urls = connection.urls(publicURL: configuration.baseURL)
                print("\(connection.id)  \(connection.idpEntityID)  ACS \(urls.acsURL)")
                if let attempt = connection.lastAttempt {
                    let time = ISO8601DateFormatter().string(from: attempt.time)
                    print(
                        attempt.succeeded
                            ? "    last sign-in \(time): \(attempt.text)"
                            : "    last sign-in \(time) refused: \(attempt.text)")
                } else {
                    print("    no sign-in yet")
                }
                if let url = connection.idpMetadataURL {
                    print(
                        "    metadata from \(url)"
                            + (connection.metadataError.map { "; last fetch failed: \($0)" } ?? ""))
                }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a SAML connection: its sign-ins stop.")

        @Argument(help: "The connection's id, as `roster sso list` shows it.")
        var id: String

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let configuration = database.configuration
            let id = id
            let removed = try await reportingProblems {
                try await Roster.withServices(configuration) { try await $0.organizations.connections.remove(id: id) }
            }
            guard removed else { throw ValidationError("There is no SAML connection \(id).") }
            print("Removed SAML connection \(id).")
        }
    }
}
