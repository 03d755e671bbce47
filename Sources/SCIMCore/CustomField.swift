/// A user field an admin defines in the console, provisioned as a SCIM attribute of a user extension (issue #6).
///
/// `attributeName` is derived from the label once, when the field is created; renaming the label keeps it, so the
/// identity providers' mappings keep working.
public struct CustomField: Sendable, Hashable {
    public var id: String
    public var label: String
    public var attributeName: String
    public var type: CustomFieldType
    /// The allowed values of a select or multi-select field; ignored for other types.
    public var options: [String]
    public var namespace: CustomFieldNamespace
    /// A disabled field is not part of the schema, but the values users already have are kept.
    public var enabled: Bool

    public init(
        id: String, label: String, attributeName: String, type: CustomFieldType, options: [String] = [],
        namespace: CustomFieldNamespace = .enterprise, enabled: Bool = true
    ) {
        self.id = id
        self.label = label
        self.attributeName = attributeName
        self.type = type
        self.options = options
        self.namespace = namespace
        self.enabled = enabled
    }

    /// A new field, its attribute name derived from the label; throws when the label gives no valid name.
    public init(
        id: String, label: String, type: CustomFieldType, options: [String] = [],
        namespace: CustomFieldNamespace = .enterprise, enabled: Bool = true
    ) throws(SCIMError) {
        let name = try Self.attributeName(forLabel: label)
        self.init(
            id: id, label: label, attributeName: name, type: type, options: options, namespace: namespace,
            enabled: enabled)
    }

    /// The URN of the schema the attribute belongs to.
    public var schemaID: String { namespace.schemaID }

    /// The fully qualified path, such as `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:some-field`.
    public var path: AttributePath { AttributePath(schema: schemaID, name: attributeName) }

    /// The attribute's definition, with every characteristic spelled out for `/Schemas`.
    public var attribute: Attribute {
        Attribute(
            name: attributeName,
            type: type.attributeType,
            multiValued: type.isMultiValued,
            description: "The custom user field \"\(label)\" (\(type.label.lowercased())).",
            required: false,
            caseExact: false,
            mutability: .readWrite,
            returned: .default,
            uniqueness: .none,
            canonicalValues: type.hasOptions ? options : [],
            canonicalOnly: type.hasOptions
        )
    }
}

/// The user extension schema a custom field lives in.
public enum CustomFieldNamespace: String, Sendable, Hashable, CaseIterable {
    /// The Enterprise User extension, the default: what admins type as Okta's "External namespace".
    case enterprise
    /// Roster's own user extension, for admins who keep the enterprise schema standard.
    case roster

    /// The URN of Roster's own user extension schema.
    public static let rosterUserExtensionID = "urn:ietf:params:scim:schemas:extension:roster:2.0:User"

    /// The schema URN, as identity providers name it in bodies and paths.
    public var schemaID: String {
        switch self {
        case .enterprise: Schema.enterpriseUser.id
        case .roster: Self.rosterUserExtensionID
        }
    }
}
