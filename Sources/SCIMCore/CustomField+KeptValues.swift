extension ResourceType {
    /// A stored body without the extension attributes this type does not define (the kept values of disabled or
    /// deleted custom fields), so that it can be patched and normalized again; `CustomField.carryOver` puts the
    /// disabled fields' values back afterwards.
    public func withoutUnknownExtensionAttributes(_ body: JSONObject) -> JSONObject {
        var result = JSONObject()
        for (key, value) in body.members {
            if let schema = extensions.first(where: { $0.schema.id.caseInsensitiveEquals(key) })?.schema {
                let defined = schema.definedMembers(of: value.objectValue ?? JSONObject())
                if !defined.isEmpty { result[key] = .object(defined) }
            } else if !String(key.prefix(4)).caseInsensitiveEquals("urn:") {
                result[key] = value
            }
        }
        return result
    }
}

extension CustomField {
    /// Copies the values that the disabled fields among `fields` hold in the stored body `old` into `new`, so that a
    /// PUT or PATCH, which cannot name a disabled field, does not erase the value it keeps. Enabled fields are
    /// skipped: the request decides their values.
    public static func carryOver(disabled fields: [CustomField], from old: JSONObject, into new: inout JSONObject) {
        for field in fields where !field.enabled {
            guard let value = old[field.schemaID]?[field.attributeName] else { continue }
            var container = new[field.schemaID]?.objectValue ?? JSONObject()
            container[field.attributeName] = value
            new[field.schemaID] = .object(container)
        }
    }
}

extension Schema {
    /// The members of a stored extension object that this schema defines, in stored order.
    func definedMembers(of object: JSONObject) -> JSONObject {
        JSONObject(object.members.filter { attribute(named: $0.key) != nil })
    }
}
