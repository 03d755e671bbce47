/// A resource type (RFC 7643 §6): its endpoint, core schema and schema extensions.
public struct ResourceType: Sendable, Hashable {
    public var id: String
    public var name: String
    public var endpoint: String
    public var description: String
    public var schema: Schema
    public var extensions: [Extension]

    public struct Extension: Sendable, Hashable {
        public var schema: Schema
        public var required: Bool

        public init(schema: Schema, required: Bool) {
            self.schema = schema
            self.required = required
        }
    }

    public init(
        id: String, name: String, endpoint: String, description: String, schema: Schema,
        extensions: [Extension] = []
    ) {
        self.id = id
        self.name = name
        self.endpoint = endpoint
        self.description = description
        self.schema = schema
        self.extensions = extensions
    }

    /// The core schema followed by every extension schema.
    public var allSchemas: [Schema] { [schema] + extensions.map(\.schema) }

    /// The schema with this URN, compared case-insensitively.
    public func schema(withID urn: String) -> Schema? {
        allSchemas.first { $0.id.caseInsensitiveEquals(urn) }
    }

    /// Resolves a path to its schema and attribute definitions, or nil when the schema has no such attribute.
    ///
    /// The common attributes `id`, `externalId` and `meta` (RFC 7643 §3.1) belong to the core schema.
    /// An unqualified name refers to the core schema (RFC 7644 §3.10); extension attributes are also
    /// found unqualified when exactly one extension defines them, which is what clients expect.
    public func resolve(_ path: AttributePath) -> ResolvedAttribute? {
        let candidates: [Schema]
        if let urn = path.schema {
            guard let schema = schema(withID: urn) else { return nil }
            candidates = [schema]
        } else {
            candidates = allSchemas
        }
        for schema in candidates {
            let common =
                schema == self.schema ? Schema.commonAttributes.first { $0.name.caseInsensitiveEquals(path.name) } : nil
            guard let attribute = common ?? schema.attribute(named: path.name) else { continue }
            guard let subName = path.subAttribute else {
                return ResolvedAttribute(schema: schema, attribute: attribute, subAttribute: nil)
            }
            guard let sub = attribute.subAttribute(named: subName) else { return nil }
            return ResolvedAttribute(schema: schema, attribute: attribute, subAttribute: sub)
        }
        return nil
    }
}

/// A path resolved against a resource type's schemas.
public struct ResolvedAttribute: Sendable, Hashable {
    public var schema: Schema
    public var attribute: Attribute
    public var subAttribute: Attribute?

    /// The definition of the leaf the path names.
    public var leaf: Attribute { subAttribute ?? attribute }

    /// Whether the attribute lives in the core schema (top level of the body) or under its URN.
    public func isCore(in resourceType: ResourceType) -> Bool { schema.id == resourceType.schema.id }

    /// The canonical path, with schema-defined spelling.
    public func canonicalPath(in resourceType: ResourceType) -> AttributePath {
        AttributePath(
            schema: isCore(in: resourceType) ? nil : schema.id, name: attribute.name, subAttribute: subAttribute?.name)
    }
}

extension ResourceType {
    /// Users, with the Enterprise User extension (RFC 7643 §4.1, §4.3) and no custom fields.
    public static let user = ResourceType.user(customFields: [])

    /// Groups of users and groups (RFC 7643 §4.2).
    public static let group = ResourceType(
        id: "Group", name: "Group", endpoint: "/Groups", description: "Groups of people.", schema: .group)
}
