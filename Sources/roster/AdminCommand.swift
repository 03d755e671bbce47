import Admin
import App
import ArgumentParser
import Directory
import Foundation

struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin", abstract: "Manage administrators of the admin console.",
        subcommands: [Create.self, List.self, Remove.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an administrator; the password is read from the first line of standard input.")

        @Argument(help: "The administrator's name, used to sign in.")
        var username: String

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            guard let password = readLine(strippingNewline: true), !password.isEmpty else {
                throw ValidationError(
                    "Give the password on standard input, e.g. printf '%s\\n' \"$PASSWORD\" | roster admin create \(username)"
                )
            }
            var configuration = database.configuration
            configuration.passwordCost = passwordCost()
            let username = username
            let settings = configuration
            do {
                let admin = try await Roster.withServices(settings) { services in
                    try await services.accounts.create(username: username, password: password)
                }
                print("Administrator \(admin.username) created. Sign in at \(settings.consoleURL)")
            } catch let problem as AccountProblem {
                throw ValidationError(problem.description)
            }
        }
    }
}

extension AdminCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List administrators, oldest first.")

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let admins = try await Roster.withServices(database.configuration) { try await $0.accounts.all() }
            for admin in admins {
                print("\(admin.username)\tadded \(ISO8601DateFormatter().string(from: admin.created))")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove an administrator and end their sessions; the last one cannot be removed.")

        @Argument(help: "The administrator's name.")
        var username: String

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let username = username
            let outcome = try await Roster.withServices(database.configuration) { services -> AdminRemoval in
                guard let admin = try await services.accounts.named(username) else { return .notFound }
                return try await services.accounts.remove(id: admin.id)
            }
            switch outcome {
            case .removed: print("Administrator \(username) removed.")
            case .last: throw ValidationError("\(username) is the last administrator; create another first.")
            case .notFound: throw ValidationError("There is no administrator named \(username).")
            }
        }
    }
}

/// The bcrypt cost, from ROSTER_PASSWORD_COST (4 to 31) or 12.
func passwordCost() -> UInt8 {
    env("ROSTER_PASSWORD_COST").flatMap(UInt8.init).map { min(31, max(4, $0)) } ?? 12
}
