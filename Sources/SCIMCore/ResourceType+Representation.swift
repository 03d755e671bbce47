import Foundation

/// The server-maintained facts of a stored resource (RFC 7643 §3.1 `meta`).
public struct ResourceMeta: Sendable, Hashable {
    public var created: Date
    public var lastModified: Date
    public var version: Int
    public var location: String

    public init(created: Date, lastModified: Date, version: Int, location: String) {
        self.created = created
        self.lastModified = lastModified
        self.version = version
        self.location = location
    }

    /// RFC 7644 §3.14: the entity tag of this version, weak because representations vary with projection.
    public var etag: String { "W/\"\(version)\"" }
}

extension ResourceType {
    /// The full representation of a resource: `schemas`, `id`, `externalId`, core attributes in schema order,
    /// extensions, then `meta`. `derived` holds attributes computed at read time (`members`, `groups`).
    public func representation(id: String, body: JSONObject, derived: JSONObject = [:], meta: ResourceMeta)
        -> JSONObject
    {
        // Every name is added once, in order, so members are appended without looking for them first.
        var schemaIDs: [JSON] = [.string(schema.id)]
        var result: JSONObject = ["schemas": [], "id": .string(id)]
        if let externalId = body["externalId"] { result.append(newKey: "externalId", externalId) }
        for attribute in schema.attributes {
            if let value = body[attribute.name] ?? derived[attribute.name] { result.append(newKey: attribute.name, value) }
        }
        for extensionSchema in extensions.map(\.schema) {
            // Only what the schema defines: a disabled custom field's kept value is not returned.
            let value = extensionSchema.definedMembers(of: body[extensionSchema.id]?.objectValue ?? JSONObject())
            guard !value.isEmpty else { continue }
            result.append(newKey: extensionSchema.id, .object(value))
            schemaIDs.append(.string(extensionSchema.id))
        }
        result["schemas"] = .array(schemaIDs)
        result.append(
            newKey: "meta",
            .object([
                "resourceType": .string(name),
                "created": .string(DateTime.format(meta.created)),
                "lastModified": .string(DateTime.format(meta.lastModified)),
                "location": .string(meta.location),
                "version": .string(meta.etag),
            ]))
        return result
    }

    /// The resource type's representation for `/ResourceTypes` (RFC 7643 §6).
    public func resourceTypeRepresentation(location: String) -> JSON {
        .object([
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
            "id": .string(id),
            "name": .string(name),
            "endpoint": .string(endpoint),
            "description": .string(description),
            "schema": .string(schema.id),
            "schemaExtensions": .array(
                extensions.map { .object(["schema": .string($0.schema.id), "required": .bool($0.required)]) }),
            "meta": .object(["resourceType": "ResourceType", "location": .string(location)]),
        ])
    }
}
