import App
import ArgumentParser
import Directory
import Foundation
import Logging

@main
struct RosterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "A SCIM 2.0 provisioning server: identity providers create and update your users here.",
        subcommands: [Serve.self, TokenCommand.self],
        defaultSubcommand: Serve.self)
}

/// Options shared by every command that opens the database.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "SQLite file path. Environment: ROSTER_DATABASE.")
    var database: String = env("ROSTER_DATABASE") ?? "./roster.sqlite"

    @Option(name: .customLong("public-url"), help: "URL Roster is reached at. Environment: ROSTER_PUBLIC_URL.")
    var publicURL: String? = env("ROSTER_PUBLIC_URL")
}

func env(_ name: String) -> String? {
    ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
}
