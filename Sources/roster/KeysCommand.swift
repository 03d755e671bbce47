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
            for state in keys {
                let stands =
                    if state.isSigning {
                        "signing"
                    } else if let from = state.signsFrom {
                        "published, signs from \(DateTime.format(from))"
                    } else if let superseded = state.superseded {
                        "superseded \(DateTime.format(superseded))" + (state.isPublished ? ", still published" : "")
                    } else {
                        ""
                    }
                print("\(state.key.id)  RS256  created \(DateTime.format(state.key.created))  \(stands)")
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: """
                Make a new signing key: published at once, it signs after 6 minutes (once verifiers' cached key \
                sets have expired); the one before stays published for a week.
                """)

        @Flag(help: "Sign with it at once (a leaked key): verifiers with a cached key set fail until they refetch.")
        var now = false

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let configuration = database.configuration
            let immediately = now
            let (id, from) = try await reportingProblems {
                try await Roster.withServices(configuration) {
                    try await $0.organizations.rotateSigningKey(immediately: immediately)
                }
            }
            print("New key \(id), published now; it signs from \(DateTime.format(from)) on every instance.")
        }
    }
}
