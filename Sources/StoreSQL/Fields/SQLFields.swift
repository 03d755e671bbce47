import Directory
import Foundation
import SCIMCore

/// An organization's custom user fields and its schema setting, on either dialect.
public struct SQLFields: FieldStore {
    let database: any SQLDatabase

    public init(_ database: any SQLDatabase) {
        self.database = database
    }

    static let columns = "id, label, attribute_name, namespace, type, options, enabled"

    public func customFields(in organization: OrganizationKey) async throws -> [CustomField] {
        // A row this version cannot read (an unknown type or namespace, from a later release) is left out.
        try await database.rows(
            BoundStatement(
                "SELECT \(Self.columns) FROM custom_fields WHERE org_pk = ? ORDER BY created_ms, id",
                [.integer(organization.rawValue)])
        ).compactMap(Self.field)
    }

    public func insertCustomField(_ field: CustomField, in organization: OrganizationKey) async throws {
        do {
            try await database.write(
                BoundStatement(
                    """
                    INSERT INTO custom_fields (org_pk, id, label, attribute_name, attribute_key, namespace, type, options, \
                    enabled, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [
                        .integer(organization.rawValue), .text(field.id), .text(field.label),
                        .text(field.attributeName), .text(Folding.fold(field.attributeName)),
                        .text(field.namespace.rawValue), .text(field.type.rawValue), .text(Self.options(field.options)),
                        SQLValue(field.enabled), SQLValue(Date()),
                    ]))
        } catch is SQLUniqueViolation {
            throw SCIMError.uniqueness("A custom field with the SCIM name \(field.attributeName) already exists.")
        }
    }

    public func updateCustomField(_ field: CustomField, in organization: OrganizationKey) async throws -> Bool {
        try await !database.write(
            BoundStatement(
                "UPDATE custom_fields SET label = ?, options = ?, enabled = ? WHERE id = ? AND org_pk = ? RETURNING id",
                [
                    .text(field.label), .text(Self.options(field.options)), SQLValue(field.enabled), .text(field.id),
                    .integer(organization.rawValue),
                ])
        ).isEmpty
    }

    public func deleteCustomField(id: String, in organization: OrganizationKey) async throws -> Bool {
        try await !database.write(
            BoundStatement(
                "DELETE FROM custom_fields WHERE id = ? AND org_pk = ? RETURNING id",
                [.text(id), .integer(organization.rawValue)])
        ).isEmpty
    }

    public func ignoresUnknownAttributes(in organization: OrganizationKey) async throws -> Bool {
        try await database.first(
            BoundStatement(
                "SELECT ignores_unknown FROM organizations WHERE pk = ?", [.integer(organization.rawValue)])
        ) { $0.bool(0) } ?? false
    }

    public func setIgnoresUnknownAttributes(_ ignores: Bool, in organization: OrganizationKey) async throws {
        try await database.write(
            BoundStatement(
                "UPDATE organizations SET ignores_unknown = ? WHERE pk = ?",
                [SQLValue(ignores), .integer(organization.rawValue)]))
    }

    static func options(_ options: [String]) -> String {
        JSON.array(options.map(JSON.string)).serialized()
    }

    static func field(_ row: SQLRow) -> CustomField? {
        guard let id = row.text(0), let label = row.text(1), let attributeName = row.text(2),
            let namespace = row.text(3).flatMap(CustomFieldNamespace.init(rawValue:)),
            let type = row.text(4).flatMap(CustomFieldType.init(rawValue:)), let options = row.text(5)
        else { return nil }
        let parsed = (try? JSON.parse(Array(options.utf8)))?.arrayValue?.compactMap(\.stringValue) ?? []
        return CustomField(
            id: id, label: label, attributeName: attributeName, type: type, options: parsed, namespace: namespace,
            enabled: row.bool(6) ?? true)
    }
}
