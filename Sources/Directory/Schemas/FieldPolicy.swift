import SCIMCore

/// What happens to incoming values the schemas in force do not take: values of a disabled custom field are
/// dropped (its stored value is kept, and identity providers may still send it); values of extension attributes
/// nobody defined are dropped when the admin chose to ignore them, and refused otherwise (by the normalizer).
struct FieldPolicy: Sendable {
    let type: ResourceType
    let disabled: [CustomField]
    let ignoresUnknown: Bool
    /// The type the filter index is written with; nil for groups.
    let indexType: ResourceType?

    init(snapshot: SchemaCatalog.Snapshot, kind: ResourceKind) {
        type = snapshot.type(kind)
        disabled = kind == .user ? snapshot.disabled : []
        ignoresUnknown = snapshot.ignoresUnknownAttributes
        indexType = kind == .user ? snapshot.indexed : nil
    }

    /// A POST or PUT body, or a pathless PATCH value, without the values to drop.
    func body(_ object: JSONObject) -> JSONObject {
        guard !disabled.isEmpty || ignoresUnknown else { return object }
        var result = JSONObject()
        for (key, value) in object.members {
            if key.caseInsensitiveEquals("schemas"), let list = value.arrayValue {
                result[key] = .array(
                    list.filter { item in
                        let urn = item.stringValue ?? ""
                        return isKnownSchema(urn) || (!ignoresUnknown && disabledSchema(urn) == nil)
                    })
            } else if !String(key.prefix(4)).caseInsensitiveEquals("urn:") {
                result[key] = value
            } else if let schema = type.extensions.first(where: { $0.schema.id.caseInsensitiveEquals(key) })?.schema
                ?? disabledSchema(key)
            {
                let kept = (value.objectValue ?? JSONObject()).members.filter { member in
                    !isDisabled(schema: schema.id, name: member.key)
                        && !(ignoresUnknown && schema.attribute(named: member.key) == nil)
                }
                if value.objectValue == nil {
                    result[key] = value
                } else if !kept.isEmpty {
                    result[key] = .object(JSONObject(kept))
                }
            } else if let path = try? AttributePath.parse(key), let urn = path.schema {
                if isDisabled(schema: urn, name: path.name) { continue }
                if ignoresUnknown && type.resolve(path) == nil { continue }
                result[key] = value
            } else if !ignoresUnknown {
                result[key] = value
            }
        }
        return result
    }

    /// A PATCH request without operations on dropped attributes, and with pathless values filtered.
    func patch(_ request: PatchRequest) -> PatchRequest {
        guard !disabled.isEmpty || ignoresUnknown else { return request }
        var operations: [PatchOperation] = []
        for var operation in request.operations {
            // A path naming an extension whole: its value is an object of the extension's attributes, filtered as
            // a pathless value's are.
            if let path = operation.path, path.filter == nil, path.attribute.subAttribute == nil,
                let schema = path.attribute.schema,
                case let urn = "\(schema):\(path.attribute.name)", isKnownSchema(urn) || disabledSchema(urn) != nil
            {
                if let value = operation.value?.objectValue {
                    operation.value = body([urn: .object(value)])[urn] ?? .object([:])
                }
                operations.append(operation)
                continue
            }
            if let path = operation.path?.attribute, let urn = path.schema {
                if isDisabled(schema: urn, name: path.name) { continue }
                if ignoresUnknown && type.resolve(path) == nil { continue }
            }
            if operation.path == nil, let value = operation.value?.objectValue {
                operation.value = .object(body(value))
            }
            operations.append(operation)
        }
        return PatchRequest(operations: operations)
    }

    /// A stored body ready to be patched: without extension values the schema lacks (a disabled field's kept
    /// value, put back afterwards, or one a deleted field left behind), which would otherwise fail every PATCH.
    func patchable(_ stored: JSONObject) -> JSONObject {
        indexType == nil ? stored : type.withoutUnknownExtensionAttributes(stored)
    }

    /// A new body with the values the disabled fields held in the old one.
    func keepingDisabledValues(of old: JSONObject, in new: JSONObject) -> JSONObject {
        guard !disabled.isEmpty else { return new }
        var result = new
        CustomField.carryOver(disabled: disabled, from: old, into: &result)
        return result
    }

    private func isDisabled(schema: String, name: String) -> Bool {
        disabled.contains { $0.schemaID.caseInsensitiveEquals(schema) && $0.attributeName.caseInsensitiveEquals(name) }
    }

    /// Roster's extension, when its only fields are disabled and so it is not among the type's extensions.
    private func disabledSchema(_ urn: String) -> Schema? {
        guard disabled.contains(where: { $0.schemaID.caseInsensitiveEquals(urn) }) else { return nil }
        return Schema.rosterUser(fields: [])
    }

    private func isKnownSchema(_ urn: String) -> Bool {
        type.allSchemas.contains { $0.id.caseInsensitiveEquals(urn) }
    }
}
