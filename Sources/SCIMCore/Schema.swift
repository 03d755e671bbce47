/// A SCIM schema (RFC 7643 §7): an id URN, a name and its attribute definitions.
public struct Schema: Sendable, Hashable {
    public var id: String
    public var name: String
    public var description: String
    public var attributes: [Attribute] {
        didSet { hiddenByDefault = Self.hidden(in: attributes) }
    }
    /// The attributes a response leaves out unless asked for by name (`returned: never` or `request`), kept up to
    /// date with `attributes` so that rendering a resource does not search the schema for them.
    public private(set) var hiddenByDefault: [String]

    public init(id: String, name: String, description: String, attributes: [Attribute]) {
        self.id = id
        self.name = name
        self.description = description
        self.attributes = attributes
        self.hiddenByDefault = Self.hidden(in: attributes)
    }

    static func hidden(in attributes: [Attribute]) -> [String] {
        attributes.filter { $0.returned == .never || $0.returned == .request }.map(\.name)
    }

    /// The attribute named `name`, compared case-insensitively (RFC 7643 §2.1).
    public func attribute(named name: String) -> Attribute? {
        attributes.first { $0.name.caseInsensitiveEquals(name) }
    }
}

/// An attribute definition with every characteristic of RFC 7643 §2.2 and §7.
public struct Attribute: Sendable, Hashable {
    public var name: String
    public var type: AttributeType
    public var multiValued: Bool
    public var description: String
    public var required: Bool
    public var caseExact: Bool
    public var mutability: Mutability
    public var returned: Returned
    public var uniqueness: Uniqueness
    public var canonicalValues: [String]
    /// Whether only `canonicalValues` are accepted (compared case-insensitively). RFC 7643 makes most canonical
    /// values suggestions (`emails.type` may be anything); it fixes a few, such as `members.type`.
    public var canonicalOnly: Bool
    public var referenceTypes: [String]
    public var subAttributes: [Attribute]

    public init(
        name: String,
        type: AttributeType = .string,
        multiValued: Bool = false,
        description: String,
        required: Bool = false,
        caseExact: Bool = false,
        mutability: Mutability = .readWrite,
        returned: Returned = .default,
        uniqueness: Uniqueness = .none,
        canonicalValues: [String] = [],
        canonicalOnly: Bool = false,
        referenceTypes: [String] = [],
        subAttributes: [Attribute] = []
    ) {
        self.name = name
        self.type = type
        self.multiValued = multiValued
        self.description = description
        self.required = required
        self.caseExact = caseExact
        self.mutability = mutability
        self.returned = returned
        self.uniqueness = uniqueness
        self.canonicalValues = canonicalValues
        self.canonicalOnly = canonicalOnly
        self.referenceTypes = referenceTypes
        self.subAttributes = subAttributes
    }

    public func subAttribute(named name: String) -> Attribute? {
        subAttributes.first { $0.name.caseInsensitiveEquals(name) }
    }
}

/// RFC 7643 §2.3 data types.
public enum AttributeType: String, Sendable, Hashable {
    case string, boolean, decimal, integer, dateTime, reference, binary, complex
}

/// RFC 7643 §7 "mutability".
public enum Mutability: String, Sendable, Hashable {
    case readOnly, readWrite, immutable, writeOnly
}

/// RFC 7643 §7 "returned".
public enum Returned: String, Sendable, Hashable {
    case always, never, `default`, request
}

/// RFC 7643 §7 "uniqueness".
public enum Uniqueness: String, Sendable, Hashable {
    case none, server, global
}
