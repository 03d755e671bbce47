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

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let configuration = database.configuration
            let status: TokenStatus = inactive ? .inactive : .active
            let description = description
            let (secret, record) = try await Roster.withStore(configuration) { store in
                try await Roster.directory(configuration, store: store).createToken(
                    description: description, status: status)
            }
            if json {
                let object: JSON = .object([
                    "id": .string(record.id), "token": .string(secret),
                    "scimEndpoint": .string(configuration.scimEndpoint),
                    "description": .string(record.description), "status": .string(record.status.rawValue),
                ])
                print(object.serialized())
            } else {
                print("Token:         \(secret)")
                print("SCIM endpoint: \(configuration.scimEndpoint)")
                print("Id:            \(record.id) (\(record.status.rawValue))")
                print("The token is shown only now; Roster keeps only its hash.")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their secrets).")

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let tokens = try await Roster.withStore(database.configuration) { try await $0.tokens() }
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
        static let configuration = CommandConfiguration(abstract: "Revoke (delete) a token; it stops working at once.")

        @Argument(help: "The token's id, as `roster token list` shows it.")
        var id: String

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let id = id
            guard try await Roster.withStore(database.configuration, { try await $0.deleteToken(id: id) }) else {
                throw ValidationError("No token with id \(id).")
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
