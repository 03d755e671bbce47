/// Applies PATCH operations to a resource in stored form (RFC 7644 §3.5.2), all or nothing.
public struct Patcher: Sendable {
    public let resourceType: ResourceType
    let normalizer: Normalizer

    public init(_ resourceType: ResourceType) {
        self.resourceType = resourceType
        self.normalizer = Normalizer(resourceType)
    }

    /// The document after every operation; throws without a partial result when any operation fails.
    public func applying(_ request: PatchRequest, to document: JSONObject) throws(SCIMError) -> JSONObject {
        var result = document
        for operation in request.operations {
            try apply(operation, to: &result)
        }
        return result
    }

    func apply(_ operation: PatchOperation, to document: inout JSONObject) throws(SCIMError) {
        guard let path = operation.path else {
            try applyWithoutPath(operation, to: &document)
            return
        }
        if let schema = wholeExtension(path) {
            try apply(operation.op, value: operation.value, toExtension: schema, in: &document)
            return
        }
        let target = try resolve(path)
        try apply(operation.op, value: operation.value, at: target, to: &document)
    }

    /// RFC 7644 §3.5.2.1/§3.5.2.3: without a path the value's attributes are applied to the resource. Keys may be
    /// plain names, dotted paths (`name.givenName`) or URN-qualified paths, as Entra ID sends them; an extension
    /// URN key holds an object of that extension's attributes. `id`, `meta` and `schemas` are ignored (Okta
    /// echoes the group's `id` in every rename).
    private func applyWithoutPath(_ operation: PatchOperation, to document: inout JSONObject) throws(SCIMError) {
        guard let object = operation.value?.objectValue else {
            throw .invalidValue("An operation without a path needs an object value.")
        }
        for (key, value) in object.members {
            if ["schemas", "id", "meta"].contains(where: key.caseInsensitiveEquals) { continue }
            if let schema = resourceType.extensions.first(where: { $0.schema.id.caseInsensitiveEquals(key) }) {
                guard let members = value.objectValue else {
                    throw .invalidValue("\"\(key)\" must be an object of extension attributes.")
                }
                for (name, memberValue) in members.members {
                    let path = PatchPath(attribute: AttributePath(schema: schema.schema.id, name: name))
                    try apply(operation.op, value: memberValue, at: try resolve(path), to: &document)
                }
                continue
            }
            let path = PatchPath(attribute: try AttributePath.parse(key))
            try apply(operation.op, value: value, at: try resolve(path), to: &document)
        }
    }

    /// The extension a path names whole (`"path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"`),
    /// which addresses the extension's complex value.
    private func wholeExtension(_ path: PatchPath) -> Schema? {
        guard path.filter == nil, path.attribute.subAttribute == nil else { return nil }
        let urn = path.attribute.schema.map { "\($0):\(path.attribute.name)" } ?? path.attribute.name
        return resourceType.extensions.first { $0.schema.id.caseInsensitiveEquals(urn) }?.schema
    }

    /// An operation on an extension as a whole (RFC 7644 §3.5.2: a complex attribute): `add` and `replace` set
    /// each attribute the value names and leave the others; `remove` without a value removes every attribute of
    /// the extension the client may change.
    private func apply(_ op: PatchOperation.Op, value: JSON?, toExtension schema: Schema, in document: inout JSONObject)
        throws(SCIMError)
    {
        switch op {
        case .add, .replace:
            guard let members = value?.objectValue else {
                throw .invalidValue("A value for \"\(schema.id)\" must be an object of its attributes.")
            }
            for (name, memberValue) in members.members {
                if ["schemas", "id", "meta"].contains(where: name.caseInsensitiveEquals) { continue }
                let path = PatchPath(attribute: AttributePath(schema: schema.id, name: name))
                try apply(op, value: memberValue, at: try resolve(path), to: &document)
            }
        case .remove:
            guard value == nil || value == .null else {
                throw .invalidValue("Removing \"\(schema.id)\" takes no value.")
            }
            let present = document.members.first { $0.key.caseInsensitiveEquals(schema.id) }?.value.objectValue
            for name in present?.keys ?? [] {
                let path = PatchPath(attribute: AttributePath(schema: schema.id, name: name))
                try apply(.remove, value: nil, at: try resolve(path), to: &document)
            }
        }
    }

    private func resolve(_ path: PatchPath) throws(SCIMError) -> PatchTarget {
        guard let resolved = resourceType.resolve(path.attribute) else {
            throw .invalidPath("Unknown attribute \"\(path.attribute)\" in path \"\(path)\".")
        }
        var subAfterFilter: Attribute?
        if let filter = path.filter {
            guard resolved.attribute.multiValued, resolved.attribute.type == .complex, resolved.subAttribute == nil
            else {
                throw .invalidPath("\"\(path.attribute)\" cannot take a value filter.")
            }
            try Filter.valuePath(path.attribute, filter).validate(against: resourceType)
            if let name = path.subAttributeAfterFilter {
                guard let sub = resolved.attribute.subAttribute(named: name) else {
                    throw .invalidPath("Unknown sub-attribute \"\(name)\" in path \"\(path)\".")
                }
                subAfterFilter = sub
            }
        }
        let leaf = subAfterFilter ?? resolved.leaf
        if resolved.attribute.mutability == .readOnly || leaf.mutability == .readOnly {
            throw .mutability("\"\(path)\" is read-only.")
        }
        let container = resolved.isCore(in: resourceType) ? nil : resolved.schema.id
        return PatchTarget(
            resolved: resolved, container: container, filter: path.filter, subAfterFilter: subAfterFilter,
            description: path.description)
    }
}

/// Where an operation lands: the attribute, its container (nil for core, else the extension URN), and any filter.
struct PatchTarget {
    var resolved: ResolvedAttribute
    var container: String?
    var filter: Filter?
    var subAfterFilter: Attribute?
    var description: String

    var attribute: Attribute { resolved.attribute }

    func read(_ document: JSONObject) -> JSON? {
        guard let container else { return document[attribute.name] }
        return document[container]?[attribute.name]
    }

    func write(_ value: JSON?, to document: inout JSONObject) {
        let stored = (value?.isEmptyValue ?? true) ? nil : value
        guard let container else {
            document[attribute.name] = stored
            return
        }
        var object = document[container]?.objectValue ?? JSONObject()
        object[attribute.name] = stored
        document[container] = object.isEmpty ? nil : .object(object)
    }
}
