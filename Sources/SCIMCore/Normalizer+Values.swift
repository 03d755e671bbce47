import Foundation

extension Normalizer {
    /// Normalizes one attribute's value; nil means "unassigned" (or dropped, for read-only attributes).
    public func normalize(_ value: JSON, for attribute: Attribute, path: String, problems: inout [SCIMError]) -> JSON? {
        if attribute.mutability == .readOnly || attribute.mutability == .writeOnly { return nil }
        if value.isEmptyValue || value == .string("") { return nil }
        guard attribute.multiValued else {
            return normalizeSingle(value, for: attribute, path: path, problems: &problems)
        }
        guard let values = value.arrayValue else {
            problems.append(.invalidValue("\"\(path)\" is multi-valued and must be an array."))
            return nil
        }
        let normalized = values.compactMap { normalizeSingle($0, for: attribute, path: path, problems: &problems) }
        return normalized.isEmpty ? nil : .array(normalized)
    }

    func normalizeSingle(_ value: JSON, for attribute: Attribute, path: String, problems: inout [SCIMError]) -> JSON? {
        if value.isEmptyValue || value == .string("") { return nil }
        switch attribute.type {
        case .complex:
            return normalizeComplex(value, for: attribute, path: path, problems: &problems)
        case .string, .reference, .binary:
            guard let text = normalizedString(value, path: path, problems: &problems) else { return nil }
            if let maxLength = attribute.maxLength, text.utf8.count > maxLength {
                problems.append(
                    .invalidValue("\"\(path)\" may be at most \(maxLength) bytes long, not \(text.utf8.count)."))
                return nil
            }
            guard attribute.canonicalOnly else { return .string(text) }
            guard let canonical = Self.canonicalValue(text, in: attribute.canonicalValues) else {
                problems.append(Self.notCanonical(text, for: attribute, path: path))
                return nil
            }
            return .string(canonical)
        case .boolean:
            return normalizedBool(value, path: path, problems: &problems).map(JSON.bool)
        case .integer:
            if case .int = value { return value }
            if case .double(let number) = value, number.rounded() == number, abs(number) < 1e15 {
                return .int(Int(number))
            }
            problems.append(Self.wrongType(path, expected: "an integer", got: value))
            return nil
        case .decimal:
            if case .int(let number) = value { return .double(Double(number)) }
            if case .double = value { return value }
            problems.append(Self.wrongType(path, expected: "a number", got: value))
            return nil
        case .dateTime:
            guard let text = value.stringValue, let date = DateTime.parse(text) else {
                problems.append(.invalidValue("\"\(path)\" must be an xsd:dateTime such as 2026-01-31T09:00:00Z."))
                return nil
            }
            return .string(DateTime.format(date))
        }
    }

    func normalizedString(_ value: JSON, path: String, problems: inout [SCIMError]) -> String? {
        guard case .string(let text) = value else {
            problems.append(Self.wrongType(path, expected: "a string", got: value))
            return nil
        }
        return text.isEmpty ? nil : text
    }

    /// Booleans, and Entra ID's `"True"`/`"False"` strings in any case.
    func normalizedBool(_ value: JSON, path: String, problems: inout [SCIMError]) -> Bool? {
        switch value {
        case .bool(let flag): return flag
        case .string(let text) where text.caseInsensitiveEquals("true"): return true
        case .string(let text) where text.caseInsensitiveEquals("false"): return false
        default:
            problems.append(Self.wrongType(path, expected: "a boolean", got: value))
            return nil
        }
    }

    private func normalizeComplex(_ value: JSON, for attribute: Attribute, path: String, problems: inout [SCIMError])
        -> JSON?
    {
        // Entra ID sends the enterprise `manager` as a bare id; a string for a complex attribute with a `value`
        // sub-attribute means that value.
        if case .string = value, attribute.subAttribute(named: "value") != nil {
            return normalizeComplex(.object(["value": value]), for: attribute, path: path, problems: &problems)
        }
        guard let object = value.objectValue else {
            problems.append(Self.wrongType(path, expected: "an object", got: value))
            return nil
        }
        for key in object.keys where attribute.subAttribute(named: key) == nil {
            problems.append(.invalidValue("Unknown sub-attribute \"\(key)\" of \"\(path)\"."))
        }
        var result = JSONObject()
        for sub in attribute.subAttributes {
            guard let member = object[sub.name] else { continue }
            let subPath = "\(path).\(sub.name)"
            guard let normalized = normalize(member, for: sub, path: subPath, problems: &problems) else { continue }
            result[sub.name] = normalized
        }
        return result.isEmpty ? nil : .object(result)
    }

    /// The canonical spelling of `text`, compared case-insensitively beyond ASCII too (a select option "Zürich").
    static func canonicalValue(_ text: String, in values: [String]) -> String? {
        if let match = values.first(where: text.caseInsensitiveEquals) { return match }
        let folded = text.lowercased()
        return values.first { $0.lowercased() == folded }
    }

    /// A value outside a closed list, such as a select field's options (which may be empty).
    static func notCanonical(_ text: String, for attribute: Attribute, path: String) -> SCIMError {
        guard !attribute.canonicalValues.isEmpty else {
            return .invalidValue("\"\(path)\" has no allowed values yet, so \"\(text)\" is refused.")
        }
        let allowed = attribute.canonicalValues.joined(separator: ", ")
        return .invalidValue("\"\(path)\" must be one of \(allowed), not \"\(text)\".")
    }

    static func wrongType(_ path: String, expected: String, got value: JSON) -> SCIMError {
        .invalidValue("\"\(path)\" must be \(expected), not \(value.typeName).")
    }
}
