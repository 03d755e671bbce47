import App
import ArgumentParser
import Directory
import Foundation
import SCIMCore

struct OrganizationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org",
        abstract: "Create, list, rename and delete organizations: one directory per customer company.",
        subcommands: [Create.self, List.self, Rename.self, Domains.self, Delete.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an organization with an empty directory.")

        @Option(help: "The organization's name, such as \"Acme Corp\".")
        var name: String

        @Option(name: .customLong("domain"), help: "An email domain of its people, such as acme.com (repeat it).")
        var domains: [String] = []

        @Flag(help: "Print one JSON object.")
        var json = false

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let (name, domains) = (self.name, self.domains)
            let organization = try await reportingProblems {
                try await Roster.withServices(database.configuration) { services in
                    try await services.organizations.create(name: name, domains: domains)
                }
            }
            if json {
                print(organization.json.serialized())
            } else {
                print("Created \(organization.name): \(organization.id)")
                print("Its SCIM tokens: roster token create --org \(organization.id) --description \"Okta\"")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List organizations, the default one first.")

        @Flag(help: "Print a JSON array.")
        var json = false

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let listed = try await Roster.withServices(database.configuration) { services in
                var listed: [(Organization, ResourceCounts)] = []
                for organization in try await services.organizations.list() {
                    listed.append((organization, try await services.organizations.counts(of: organization)))
                }
                return listed
            }
            if json {
                print(
                    JSON.array(
                        listed.map { organization, counts in
                            var object = organization.json.objectValue ?? [:]
                            object["users"] = .int(counts.users)
                            object["groups"] = .int(counts.groups)
                            return .object(object)
                        }
                    ).serialized())
                return
            }
            for (organization, counts) in listed {
                let domains = organization.domains.isEmpty ? "" : "  " + organization.domains.joined(separator: ", ")
                print(
                    "\(organization.id)  \(organization.name)\(organization.isDefault ? " (default)" : "")  "
                        + "\(counts.users) users, \(counts.groups) groups\(domains)")
            }
        }
    }

    struct Rename: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rename an organization.")

        @Argument(help: "The organization's id.") var id: String
        @Option(help: "Its new name.") var name: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let (id, name) = (self.id, self.name)
            let organization = try await reportingProblems {
                try await Roster.withServices(database.configuration) { services in
                    try await services.organizations.rename(id: id, to: name)
                }
            }
            print("Renamed \(organization.id) to \(organization.name).")
        }
    }

    struct Domains: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set an organization's email domains (none clears them); a domain has one organization.")

        @Argument(help: "The organization's id.") var id: String
        @Option(name: .customLong("domain"), help: "An email domain, such as acme.com (repeat it).")
        var domains: [String] = []
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let (id, domains) = (self.id, self.domains)
            let organization = try await reportingProblems {
                try await Roster.withServices(database.configuration) { services in
                    try await services.organizations.setDomains(id: id, domains)
                }
            }
            print(
                "\(organization.name): \(organization.domains.isEmpty ? "no domains" : organization.domains.joined(separator: ", "))"
            )
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete an organization with all of its people, groups, tokens, fields and activity.")

        @Argument(help: "The organization's id.") var id: String
        @Flag(help: "Confirm: everything the organization holds is deleted, and its tokens stop working.")
        var yes = false
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            guard yes else {
                throw ValidationError(
                    "Deleting \(id) deletes its people, groups, tokens, fields and activity. Run again with --yes to confirm."
                )
            }
            let id = id
            try await reportingProblems {
                try await Roster.withServices(database.configuration) { services in
                    let organization = try await services.organizations.delete(id: id)
                    print("Deleting \(organization.name): its tokens are revoked.")
                    try await OrganizationCommand.purge(organization, with: services.organizations)
                    print("Deleted \(organization.name).")
                }
            }
        }
    }

    /// Removes a deleted organization's data in short steps, as a running server would, reporting progress.
    static func purge(_ organization: Organization, with organizations: Organizations) async throws {
        var removed = 0
        var reported = ContinuousClock.now
        while try await organizations.isBeingDeleted(organization.key) {
            if let step = try await organizations.purgeStep(), step.organization == organization.key {
                removed += step.removed
            } else {
                // Nothing to do until the grace period for requests already under way has passed.
                try await Task.sleep(for: .milliseconds(200))
            }
            if ContinuousClock.now - reported > .seconds(2) {
                print("… \(removed) rows removed")
                reported = ContinuousClock.now
            }
        }
    }
}

extension Organization {
    /// `{"id":…,"name":…,"domains":[…]}`.
    var json: JSON {
        .object([
            "id": .string(id), "name": .string(name), "domains": .array(domains.map(JSON.string)),
            "default": .bool(isDefault),
        ])
    }
}
