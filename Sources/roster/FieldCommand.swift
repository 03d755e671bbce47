import App
import ArgumentParser
import Directory
import Foundation
import SCIMCore

struct FieldCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "field", abstract: "Add, list and remove custom user fields.",
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a custom user field to the SCIM schema.")

        @Option(help: "The field's name, such as \"Some User's Field\" (SCIM name: some-users-field).")
        var name: String

        @Option(help: "One of: \(CustomFieldType.allCases.map(\.rawValue).joined(separator: ", ")).")
        var type: String = CustomFieldType.text.rawValue

        @Option(name: .customLong("option"), help: "An option of a select or multi-select field (repeat it).")
        var options: [String] = []

        @Option(help: "enterprise (urn:…:enterprise:2.0:User, the default) or roster (urn:…:roster:2.0:User).")
        var namespace: String = CustomFieldNamespace.enterprise.rawValue

        @OptionGroup var organization: OrganizationOption
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            guard let type = CustomFieldType(rawValue: type) else { throw ValidationError("Unknown type \(type).") }
            guard let namespace = CustomFieldNamespace(rawValue: namespace) else {
                throw ValidationError("The namespace is enterprise or roster.")
            }
            let (name, options, organizationID) = (self.name, self.options, organization.id)
            let field = try await reportingProblems {
                try await Roster.withServices(database.configuration) { services in
                    try await services.directory(organizationID).addField(
                        label: name, type: type, options: options, namespace: namespace)
                }
            }
            print("Added \(field.label): External name \(field.attributeName), External namespace \(field.schemaID)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List custom user fields.")

        @OptionGroup var organization: OrganizationOption
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let organizationID = organization.id
            let fields = try await reportingProblems {
                try await Roster.withServices(database.configuration) { services in
                    try await services.directory(organizationID).customFields()
                }
            }
            if fields.isEmpty { print("No custom fields yet: roster field add --name \"Cost Center Code\"") }
            for field in fields {
                print(
                    [
                        field.attributeName, field.label, field.type.rawValue, field.schemaID,
                        field.enabled ? "enabled" : "disabled",
                    ]
                    .joined(separator: "\t"))
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a custom user field and remove its values from every user.")

        @Argument(help: "The field's SCIM name (or id).")
        var name: String

        @Flag(help: "Confirm that every user's value of this field is removed.")
        var yes = false

        @OptionGroup var organization: OrganizationOption
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            guard yes else {
                throw ValidationError(
                    "Deleting \(name) removes its value from every user. Run again with --yes to confirm.")
            }
            let (name, organizationID) = (self.name, organization.id)
            let cleared = try await reportingProblems {
                try await Roster.withServices(database.configuration) { services in
                    let directory = try await services.directory(organizationID)
                    guard
                        let field = try await directory.customFields().first(where: {
                            $0.id == name || $0.attributeName.caseInsensitiveEquals(name)
                        })
                    else { throw SCIMError.notFound("There is no custom field \(name).") }
                    return try await directory.deleteField(id: field.id)
                }
            }
            print("Deleted \(name); removed its value from \(cleared) users.")
        }
    }
}
