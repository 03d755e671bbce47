/// The kinds of custom user field an admin can define, and the SCIM attribute type each becomes (issue #6).
///
/// Raw values are kebab-case so the console's forms and the command line can use them as they are.
public enum CustomFieldType: String, Sendable, Hashable, CaseIterable {
    case text
    case multilineText = "multiline-text"
    case number
    case display
    case hidden
    case url
    case select
    case multiSelect = "multi-select"
    case toggle
    case date
    case currency

    /// The name the console shows.
    public var label: String {
        switch self {
        case .text: "Single-line text"
        case .multilineText: "Multi-line text"
        case .number: "Number"
        case .display: "Display"
        case .hidden: "Hidden"
        case .url: "URL"
        case .select: "Select"
        case .multiSelect: "Multi-select"
        case .toggle: "Toggle"
        case .date: "Date"
        case .currency: "Currency"
        }
    }

    /// The SCIM data type (RFC 7643 §2.3) of the field's attribute; a number field is text, as the issue maps it.
    public var attributeType: AttributeType {
        switch self {
        case .text, .multilineText, .number, .display, .hidden, .url, .select, .multiSelect: .string
        case .toggle: .boolean
        case .date: .dateTime
        case .currency: .integer
        }
    }

    /// Whether the attribute holds a list of values.
    public var isMultiValued: Bool { self == .multiSelect }

    /// Whether values must be among the field's options (compared case-insensitively).
    public var hasOptions: Bool { self == .select || self == .multiSelect }

    /// The data type to pick for the attribute in Okta's Profile Editor, for the console's help text.
    ///
    /// Okta has no date type: a date field is an Okta "string" holding an xsd:dateTime such as 2026-01-31T00:00:00Z.
    public var oktaType: String {
        switch attributeType {
        case .boolean: "boolean"
        case .integer: "integer"
        default: isMultiValued ? "string array" : "string"
        }
    }
}
