/// `attrPath = [URI ":"] ATTRNAME *1subAttr` (RFC 7644 §3.4.2.2, Figure 1).
public struct AttributePath: Sendable, Hashable, CustomStringConvertible {
    /// The schema URN when the path is fully qualified, as written.
    public var schema: String?
    public var name: String
    public var subAttribute: String?

    public init(schema: String? = nil, name: String, subAttribute: String? = nil) {
        self.schema = schema
        self.name = name
        self.subAttribute = subAttribute
    }

    public var description: String {
        var text = schema.map { $0 + ":" } ?? ""
        text += name
        if let subAttribute { text += "." + subAttribute }
        return text
    }
}

/// A PATCH operation's target: `attrPath / valuePath [subAttr]` (RFC 7644 §3.5.2).
public struct PatchPath: Sendable, Hashable, CustomStringConvertible {
    /// The attribute; its `subAttribute` is set for `name.familyName`-style paths.
    public var attribute: AttributePath
    /// The value filter of `emails[type eq "work"]`, whose paths are relative to the attribute.
    public var filter: Filter?
    /// The sub-attribute after a value filter, as in `emails[type eq "work"].value`.
    public var subAttributeAfterFilter: String?

    public init(attribute: AttributePath, filter: Filter? = nil, subAttributeAfterFilter: String? = nil) {
        self.attribute = attribute
        self.filter = filter
        self.subAttributeAfterFilter = subAttributeAfterFilter
    }

    public var description: String {
        var text = attribute.description
        if let filter { text += "[\(filter)]" }
        if let subAttributeAfterFilter { text += "." + subAttributeAfterFilter }
        return text
    }
}
