import App
import ArgumentParser
import Directory
import Foundation
import SCIMCore

struct SetupLinkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup-link",
        abstract: "Links a customer's IT administrator opens to connect their organization (its tokens only).",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a setup link for one organization; its URL is printed once.")

        @Option(help: "The organization's id (roster org list).")
        var org: String

        @Option(name: .customLong("expires-in"), help: "How long it works: 30m, 12h, 7d (at most 90d).")
        var expiresIn: String = "7d"

        @Flag(help: "Print one JSON object: url, expires, id.")
        var json = false

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            guard let lifetime = SetupLinkCommand.duration(expiresIn) else {
                throw ValidationError("--expires-in takes a number and a unit: 30m, 12h or 7d.")
            }
            let configuration = database.configuration
            let organization = org
            let (link, secret) = try await reportingProblems {
                try await Roster.withServices(configuration) { services in
                    let key = try await services.organizations.organization(id: organization).key
                    do {
                        return try await services.accounts.createSetupLink(
                            for: key, lifetime: lifetime, by: "roster setup-link")
                    } catch let problem as AccountProblem {
                        throw ValidationError(problem.description)
                    }
                }
            }
            let url = "\(configuration.baseURL)/portal/open?link=\(secret)"
            let expires = DateTime.format(link.expires)
            if json {
                print(
                    JSON.object(["url": .string(url), "expires": .string(expires), "id": .string(link.id)]).serialized()
                )
            } else {
                print("Setup link (works until \(expires), shown only now):")
                print(url)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an organization's setup links.")

        @Option(help: "The organization's id.")
        var org: String

        @Flag(help: "Print a JSON array.")
        var json = false

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let organization = org
            let links = try await reportingProblems {
                try await Roster.withServices(database.configuration) { services in
                    let key = try await services.organizations.organization(id: organization).key
                    return try await services.accounts.setupLinks(of: key)
                }
            }
            let now = Date()
            if json {
                print(JSON.array(links.map { SetupLinkCommand.json($0, now: now) }).serialized())
                return
            }
            for link in links {
                let state = link.revoked != nil ? "revoked" : link.isValid(at: now) ? "valid" : "expired"
                print(
                    "\(link.id)  \(state)  expires \(DateTime.format(link.expires))  used \(link.uses) times"
                        + (link.lastUsed.map { ", last \(DateTime.format($0))" } ?? ""))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a setup link at once.")

        @Option(help: "The organization's id.")
        var org: String

        @Argument(help: "The link's id (roster setup-link list).")
        var id: String

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let (organization, id) = (org, self.id)
            let revoked = try await reportingProblems {
                try await Roster.withServices(database.configuration) { services in
                    let key = try await services.organizations.organization(id: organization).key
                    return try await services.accounts.revokeSetupLink(id: id, of: key)
                }
            }
            guard revoked else { throw ValidationError("The organization has no setup link \(id).") }
            print("Revoked \(id).")
        }
    }

    /// `30m`, `12h`, `7d` in seconds.
    static func duration(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let number = Double(text.dropLast()), number > 0, number.isFinite else {
            return nil
        }
        switch unit {
        case "m": return number * 60
        case "h": return number * 3600
        case "d": return number * 86400
        default: return nil
        }
    }

    static func json(_ link: SetupLink, now: Date) -> JSON {
        var object: JSONObject = [
            "id": .string(link.id), "created": .string(DateTime.format(link.created)),
            "expires": .string(DateTime.format(link.expires)), "createdBy": .string(link.createdBy),
            "uses": .int(link.uses), "valid": .bool(link.isValid(at: now)),
        ]
        if let revoked = link.revoked { object["revoked"] = .string(DateTime.format(revoked)) }
        if let used = link.lastUsed { object["lastUsed"] = .string(DateTime.format(used)) }
        return .object(object)
    }
}
