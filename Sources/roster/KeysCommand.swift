import App
import ArgumentParser
import Directory
import Foundation
import SCIMCore

/// The keys Roster signs security events (and sign-in tokens) with, published at `/.well-known/jwks.json`.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "List or rotate the keys Roster signs with (published at /.well-known/jwks.json).",
        subcommands: [List.self, Rotate.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List signing keys, newest first (never private).")

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let configuration = database.configuration
            let keys = try await reportingProblems {
                try await Roster.withServices(configuration) { try await $0.organizations.signingKeys() }
            }
            if keys.isEmpty { print("No signing key yet: Roster makes one when it first signs.") }
            for key in keys {
                let state = key.retired.map { "retired \(DateTime.format($0))" } ?? "signing"
                print("\(key.id)  RS256  created \(DateTime.format(key.created))  \(state)")
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a new signing key; the one before stays published for a week so what it signed verifies.")

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let configuration = database.configuration
            let id = try await reportingProblems {
                try await Roster.withServices(configuration) { try await $0.organizations.rotateSigningKey() }
            }
            print("Signing with \(id); every instance uses it within a minute.")
        }
    }
}
