extension Patcher {
    func apply(_ op: PatchOperation.Op, value: JSON?, at target: PatchTarget, to document: inout JSONObject)
        throws(SCIMError)
    {
        if target.filter != nil {
            try applyFiltered(op, value: value, at: target, to: &document)
        } else if let sub = target.resolved.subAttribute {
            try applySubAttribute(op, sub: sub, value: value, at: target, to: &document)
        } else if target.attribute.multiValued {
            try applyMultiValued(op, value: value, at: target, to: &document)
        } else {
            try applySingle(op, value: value, at: target, to: &document)
        }
    }

    private func applySingle(
        _ op: PatchOperation.Op, value: JSON?, at target: PatchTarget, to document: inout JSONObject
    ) throws(SCIMError) {
        if op == .remove {
            target.write(nil, to: &document)
            return
        }
        var input = value ?? .null
        // Entra ID wraps single-valued complex values such as `manager` in a one-element array.
        if case .array(let values) = input, values.count == 1 { input = values[0] }
        let normalized = try normalized(input, for: target.attribute, path: target.description)
        guard target.attribute.type == .complex, let given = input.objectValue else {
            target.write(normalized, to: &document)
            return
        }
        /// RFC 7644 §3.5.2.3: "Sub-attributes that are not specified in the "value" parameter are left unchanged";
        /// those given as null or "" are cleared (RFC 7643 §2.5), not the whole attribute.
        var merged = target.read(document)?.objectValue ?? JSONObject()
        for (key, member) in given.members where Self.clears(member) {
            merged[key] = nil
        }
        target.write(.object(merged.merging(normalized?.objectValue ?? JSONObject())), to: &document)
    }

    /// `name.familyName`, or `emails.value` which applies to every element.
    private func applySubAttribute(
        _ op: PatchOperation.Op, sub: Attribute, value: JSON?, at target: PatchTarget, to document: inout JSONObject
    ) throws(SCIMError) {
        let subValue = op == .remove ? nil : try normalized(value ?? .null, for: sub, path: target.description)
        if target.attribute.multiValued {
            let elements = (target.read(document)?.arrayValue ?? []).map { element -> JSON in
                var object = element.objectValue ?? JSONObject()
                object[sub.name] = subValue
                return .object(object)
            }
            target.write(.array(elements.filter { !$0.isEmptyValue }), to: &document)
        } else {
            var object = target.read(document)?.objectValue ?? JSONObject()
            object[sub.name] = subValue
            target.write(.object(object), to: &document)
        }
    }

    private func applyMultiValued(
        _ op: PatchOperation.Op, value: JSON?, at target: PatchTarget, to document: inout JSONObject
    ) throws(SCIMError) {
        let existing = target.read(document)?.arrayValue ?? []
        var input = value ?? .null
        if input.objectValue != nil || (input.stringValue != nil && target.attribute.type != .complex) {
            input = .array([input])
        }
        let values = try normalized(input, for: target.attribute, path: target.description)?.arrayValue ?? []
        switch op {
        case .replace:
            target.write(.array(Self.keepingPrimary(at: Array(values.indices), in: values)), to: &document)
        case .add:
            var result = existing
            var touched: [Int] = []
            for new in values {
                if let index = result.firstIndex(where: { Self.sameElement($0, new, attribute: target.attribute) }) {
                    result[index] = Self.merged(result[index], new)
                    touched.append(index)
                } else {
                    result.append(new)
                    touched.append(result.count - 1)
                }
            }
            target.write(.array(Self.keepingPrimary(at: touched, in: result)), to: &document)
        case .remove:
            // Entra ID's `{"op":"Remove","path":"members","value":[{"value":"…"}]}` removes only the listed
            // members. Reading it as "remove the attribute" would drop every member: never do that, not even
            // when the value lists nothing recognisable.
            guard let value, value != .null else {
                target.write(nil, to: &document)
                return
            }
            let remaining = existing.filter { old in
                !values.contains { Self.sameElement(old, $0, attribute: target.attribute) }
            }
            target.write(.array(remaining), to: &document)
        }
    }

    /// Whether a value given in an operation means "no value": null, "", or an empty array or object.
    static func clears(_ value: JSON?) -> Bool {
        value.map { $0.isEmptyValue || $0 == .string("") } ?? true
    }

    func normalized(_ value: JSON, for attribute: Attribute, path: String) throws(SCIMError) -> JSON? {
        var problems: [SCIMError] = []
        let result = normalizer.normalize(value, for: attribute, path: path, problems: &problems)
        if let error = SCIMError.combining(problems) { throw error }
        return result
    }
}
