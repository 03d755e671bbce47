extension Schema {
    /// The Enterprise User extension with the enabled enterprise-namespace fields after its standard attributes.
    public static func enterpriseUser(fields: [CustomField]) -> Schema {
        var schema = enterpriseUser
        schema.append(fields, in: .enterprise)
        return schema
    }

    /// Roster's own user extension, holding the enabled roster-namespace fields among `fields`.
    public static func rosterUser(fields: [CustomField]) -> Schema {
        var schema = Schema(
            id: CustomFieldNamespace.rosterUserExtensionID, name: "RosterUser",
            description: "Roster custom user fields", attributes: [])
        schema.append(fields, in: .roster)
        return schema
    }

    /// Appends the attributes of the enabled fields of `namespace`; a name the schema already has keeps its first
    /// definition, so fields stored before a naming rule existed can never define an attribute twice.
    private mutating func append(_ fields: [CustomField], in namespace: CustomFieldNamespace) {
        for field in fields where field.enabled && field.namespace == namespace {
            guard attribute(named: field.attributeName) == nil else { continue }
            attributes.append(field.attribute)
        }
    }
}
