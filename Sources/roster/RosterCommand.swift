import App
import ArgumentParser
import Directory
import Foundation
import Logging
import SCIMCore

@main
struct RosterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "A SCIM 2.0 provisioning server: identity providers create and update your users here.",
        subcommands: [
            Serve.self, TokenCommand.self, OrganizationCommand.self, SetupLinkCommand.self, AdminCommand.self,
            FieldCommand.self, ApplicationCommand.self, WebhookCommand.self, KeysCommand.self, SSOCommand.self, Migrate.self,
        ],
        defaultSubcommand: Serve.self)
}

/// Options shared by every command that opens the database.
struct DatabaseOptions: ParsableArguments {
    @Option(
        help:
            "SQLite file path, or postgres://user:password@host:port/database[?sslmode=require]. Environment: ROSTER_DATABASE."
    )
    var database: String = env("ROSTER_DATABASE") ?? "./roster.sqlite"

    @Option(
        name: .customLong("database-pool-size"),
        help: "Most PostgreSQL connections. Environment: ROSTER_DATABASE_POOL_SIZE.")
    var poolSize: Int = env("ROSTER_DATABASE_POOL_SIZE").flatMap(Int.init) ?? 10

    @Option(name: .customLong("public-url"), help: "URL Roster is reached at. Environment: ROSTER_PUBLIC_URL.")
    var publicURL: String? = env("ROSTER_PUBLIC_URL")

    @Option(
        name: .customLong("sqlite-map-mib"),
        help: """
            MiB of the SQLite file read through a memory map: faster reads, but mapped pages count as the \
            server's memory (default 0). Environment: ROSTER_SQLITE_MAP_MIB.
            """)
    var sqliteMapMiB: Int = env("ROSTER_SQLITE_MAP_MIB").flatMap(Int.init) ?? 0
}

func env(_ name: String) -> String? {
    ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create or update the database schema, then exit (serve does this on start too).")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await Roster.withStores(database.configuration) { _ in }
        print("Database \(Roster.redacted(database.database)) is up to date.")
    }
}

/// `--org ID`: the organization a command works in; the default one when omitted.
struct OrganizationOption: ParsableArguments {
    @Option(
        name: .customLong("org"),
        help: "The organization's id, as `roster org list` shows it (default: the default organization).")
    var id: String?
}

extension Services {
    /// The organization with this id, or the default one for nil.
    func organization(_ id: String?) async throws -> Organization {
        guard let id else { return try await organizations.organization(key: .default) }
        return try await organizations.organization(id: id)
    }

    /// The directory of the organization with this id, or of the default one for nil.
    func directory(_ id: String?) async throws -> Directory {
        guard let id else { return organizations.defaultDirectory }
        return try await organizations.directory(id: id)
    }
}

/// A refusal (a name that collides, an unknown id) is the operator's to fix: its detail, not a stack of types.
func reportingProblems<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as SCIMError where error.status < 500 {
        throw ValidationError(error.detail)
    }
}
