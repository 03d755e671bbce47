import App
import ArgumentParser
import Directory
import Foundation
import SCIMCore

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Create, list and revoke SCIM tokens.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token and print it once.")

        @Option(help: "What the token is for, such as \"Okta\".")
        var description: String

        @Flag(help: "Create the token inactive.")
        var inactive = false

        @Flag(help: "Print one JSON object.")
        var json = false

        @OptionGroup var organization: OrganizationOption
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let configuration = database.configuration
            let status: TokenStatus = inactive ? .inactive : .active
            let (description, organizationID) = (description, organization.id)
            let (secret, record, owner) = try await reportingProblems {
                try await Roster.withServices(configuration) { services in
                    let owner = try await services.organization(organizationID)
                    let (secret, record) = try await services.organizations.directory(for: owner.key).createToken(
                        description: description, status: status)
                    return (secret, record, owner)
                }
            }
            if json {
                let object: JSON = .object([
                    "id": .string(record.id), "token": .string(secret),
                    "scimEndpoint": .string(configuration.scimEndpoint),
                    "description": .string(record.description), "status": .string(record.status.rawValue),
                    "organization": .string(owner.id),
                ])
                print(object.serialized())
            } else {
                print("Token:         \(secret)")
                print("SCIM endpoint: \(configuration.scimEndpoint)")
                print("Id:            \(record.id) (\(record.status.rawValue))")
                if !owner.isDefault { print("Organization:  \(owner.name) (\(owner.id))") }
                print("The token is shown only now; Roster keeps only its hash.")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their secrets).")

        @OptionGroup var organization: OrganizationOption
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let organizationID = organization.id
            let tokens = try await reportingProblems {
                try await Roster.withServices(database.configuration) { services in
                    try await services.organizations.directory(for: services.organization(organizationID).key)
                        .tokens()
                }
            }
            if tokens.isEmpty { print("No tokens yet: roster token create --description \"Okta\"") }
            for token in tokens {
                let lastUsed = token.lastUsed.map(DateTime.format) ?? "never"
                print(
                    "\(token.id)  \(token.status.rawValue)  \(token.prefix)…  created \(DateTime.format(token.created))  "
                        + "last used \(lastUsed)  \(token.description)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke (delete) a token, of whichever organization; it stops working within 2 seconds.")

        @Argument(help: "The token's id, as `roster token list` shows it.")
        var id: String

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let id = id
            try await reportingProblems {
                try await Roster.withServices(database.configuration) { services in
                    try await services.organizations.directory(ofToken: id).deleteToken(id: id)
                }
            }
            print("Revoked token \(id).")
        }
    }
}

extension DatabaseOptions {
    var configuration: App.Configuration {
        App.Configuration(
            host: env("ROSTER_HOST") ?? "127.0.0.1", port: env("ROSTER_PORT").flatMap(Int.init) ?? 8080,
            database: database, publicURL: publicURL, databasePoolSize: poolSize)
    }
}
