import App
import ArgumentParser
import Directory
import Foundation
import SCIMCore

struct ApplicationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "app",
        abstract: "Register the applications Roster serves (the feed's readers, the webhooks' owners).",
        subcommands: [Create.self, List.self, Remove.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register an application and print its secret once.")

        @Option(help: "The application's name, such as \"Helpdesk\".")
        var name: String

        @Option(name: .customLong("redirect-uri"), help: "A sign-in redirect URI (repeatable), matched exactly.")
        var redirectURIs: [String] = []

        @Flag(help: "Print one JSON object.")
        var json = false

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let configuration = database.configuration
            let (name, redirectURIs) = (name, redirectURIs)
            let (record, secret) = try await database.withApplications { applications in
                try await applications.create(name: name, redirectURIs: redirectURIs)
            }
            if json {
                let object: JSON = .object([
                    "id": .string(record.id), "clientId": .string(record.clientID), "clientSecret": .string(secret),
                    "name": .string(record.name), "eventsUrl": .string(configuration.baseURL + "/api/v1/events"),
                    "securityEventsUrl": .string(configuration.baseURL + "/api/v1/security-events"),
                ])
                print(object.serialized())
            } else {
                print("Application:   \(record.name) (\(record.id))")
                print("Client id:     \(record.clientID)")
                print("Client secret: \(secret)")
                print("Event feed:    \(configuration.baseURL)/api/v1/events (Authorization: Bearer <client secret>)")
                print("SCIM events:   POST \(configuration.baseURL)/api/v1/security-events (RFC 8936 polling)")
                print("The secret is shown only now; Roster keeps only its hash.")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List applications (never their secrets).")

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let applications = try await database.withApplications { applications in
                try await applications.list()
            }
            if applications.isEmpty { print("No applications yet: roster app create --name \"Helpdesk\"") }
            for application in applications {
                print(
                    "\(application.id)  \(application.clientID)  created \(DateTime.format(application.created))  "
                        + application.name)
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove an application: its secret stops working and its webhooks stop.")

        @Argument(help: "The application's id, as `roster app list` shows it.")
        var id: String

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let id = id
            let removed = try await database.withApplications { applications in
                try await applications.remove(id: id)
            }
            guard removed else { throw ValidationError("There is no application \(id).") }
            print("Removed application \(id).")
        }
    }
}

struct WebhookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook", abstract: "Add, list, enable and remove an application's webhook endpoints.",
        subcommands: [Add.self, List.self, Enable.self, RotateSecret.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an endpoint; it receives the events written from now on, signed with the secret printed.")

        @Option(name: .customLong("app"), help: "The application's id.")
        var application: String

        @Option(help: "Where events are POSTed: https, unless --allow-insecure.")
        var url: String

        @Option(name: .customLong("type"), help: "An event type it takes (repeatable); all when none is given.")
        var types: [String] = []

        @Flag(help: "Allow plain http and private or loopback addresses: an application running beside Roster.")
        var allowInsecure = false

        @Flag(help: "Print one JSON object.")
        var json = false

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let (application, url, types, allowInsecure) = (application, url, types, allowInsecure)
            let endpoint = try await database.withApplications { applications in
                try await applications.addWebhook(
                    application: application, url: url, types: types, allowInsecure: allowInsecure)
            }
            if json {
                let object: JSON = .object([
                    "id": .string(endpoint.id), "secret": .string(endpoint.secrets[0]), "url": .string(endpoint.url),
                    "types": .array(endpoint.types.map(JSON.string)),
                ])
                print(object.serialized())
            } else {
                print("Webhook:        \(endpoint.id) → \(endpoint.url)")
                print("Signing secret: \(endpoint.secrets[0])")
                print(
                    "Events are signed as Standard Webhooks does it (webhook-id, webhook-timestamp, webhook-signature)."
                )
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List endpoints with their state.")

        @Option(name: .customLong("app"), help: "Only this application's.")
        var application: String?

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let application = application
            let endpoints = try await database.withApplications { applications in
                try await applications.webhooks(of: application)
            }
            if endpoints.isEmpty { print("No webhooks yet: roster webhook add --app ID --url https://…") }
            for endpoint in endpoints {
                let state =
                    endpoint.enabled
                    ? (endpoint.failingSince.map { "failing since \(DateTime.format($0))" } ?? "enabled")
                    : "disabled: \(endpoint.disabledReason ?? "by an operator")"
                let types = endpoint.types.isEmpty ? "all events" : endpoint.types.joined(separator: ",")
                print("\(endpoint.id)  app \(endpoint.application)  \(endpoint.url)  \(types)  \(state)")
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enable an endpoint again (or --disable it); waiting events are retried at once.")

        @Argument(help: "The endpoint's id.")
        var id: String

        @Flag(help: "Disable it instead.")
        var disable = false

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let (id, disable) = (id, disable)
            let changed = try await database.withApplications { applications in
                try await applications.setWebhook(
                    id: id, enabled: !disable, reason: disable ? "Disabled by an operator." : nil)
            }
            guard changed else { throw ValidationError("There is no webhook \(id).") }
            print(disable ? "Disabled webhook \(id)." : "Enabled webhook \(id).")
        }
    }

    struct RotateSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-secret",
            abstract: """
                Give an endpoint a new signing secret, printed once; deliveries carry two signatures (new and old) \
                until --finish.
                """)

        @Argument(help: "The endpoint's id.")
        var id: String

        @Flag(help: "Stop signing with the old secret (once the receiver checks the new one).")
        var finish = false

        @Flag(help: "Print one JSON object.")
        var json = false

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let (id, finish) = (id, finish)
            let secret = try await database.withApplications { applications -> String? in
                if finish {
                    try await applications.finishRotation(webhook: id)
                    return nil
                }
                return try await applications.rotateSecret(webhook: id)
            }
            if let secret {
                if json {
                    print(JSON.object(["id": .string(id), "secret": .string(secret)]).serialized())
                } else {
                    print("New signing secret: \(secret)")
                    print(
                        "Deliveries are signed with it and with the old one until: roster webhook rotate-secret \(id) --finish"
                    )
                }
            } else {
                print("Webhook \(id) signs with its newest secret only.")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an endpoint.")

        @Argument(help: "The endpoint's id.")
        var id: String

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let id = id
            let removed = try await database.withApplications { applications in
                try await applications.removeWebhook(id: id)
            }
            guard removed else { throw ValidationError("There is no webhook \(id).") }
            print("Removed webhook \(id).")
        }
    }
}

extension DatabaseOptions {
    /// Runs `body` with this database's applications, a refusal reported as a usage error.
    func withApplications<T: Sendable>(_ body: @Sendable (Applications) async throws -> T) async throws -> T {
        let configuration = self.configuration
        return try await reportingProblems {
            try await Roster.withServices(configuration) { services in
                try await body(services.organizations.applications)
            }
        }
    }
}
