extension Patcher {
    /// Operations on a value path such as `emails[type eq "work"].value` or `members[value eq "…"]`.
    func applyFiltered(_ op: PatchOperation.Op, value: JSON?, at target: PatchTarget, to document: inout JSONObject)
        throws(SCIMError)
    {
        guard let filter = target.filter else { return }
        var elements = target.read(document)?.arrayValue ?? []
        let matching = elements.indices.filter { index in
            elements[index].objectValue.map { filter.matchesElement($0, of: target.attribute) } ?? false
        }
        if op == .remove {
            elements = removing(matching, from: elements, sub: target.subAfterFilter)
            target.write(.array(elements), to: &document)
            return
        }
        let replacement = try filteredValue(value, at: target)
        if matching.isEmpty {
            // Entra ID relies on add/replace creating the element the filter describes when none matches.
            var created = Self.equalities(in: filter)
            created = created.merging(replacement)
            elements.append(.object(created))
            target.write(.array(Self.keepingPrimary(of: [.object(created)], in: elements)), to: &document)
            return
        }
        for index in matching {
            let old = elements[index].objectValue ?? JSONObject()
            let keepOld = op == .add || target.subAfterFilter != nil
            elements[index] = .object(keepOld ? old.merging(replacement) : replacement)
        }
        let touched = matching.map { elements[$0] }
        target.write(.array(Self.keepingPrimary(of: touched, in: elements)), to: &document)
    }

    private func removing(_ matching: [Int], from elements: [JSON], sub: Attribute?) -> [JSON] {
        guard let sub else {
            return elements.enumerated().filter { !matching.contains($0.offset) }.map(\.element)
        }
        var result = elements
        for index in matching {
            var object = result[index].objectValue ?? JSONObject()
            object[sub.name] = nil
            result[index] = .object(object)
        }
        return result.filter { !$0.isEmptyValue }
    }

    /// The sub-attributes an operation writes into each matching element, normalized.
    private func filteredValue(_ value: JSON?, at target: PatchTarget) throws(SCIMError) -> JSONObject {
        if let sub = target.subAfterFilter {
            let normalized = try normalized(value ?? .null, for: sub, path: target.description)
            return normalized.map { [sub.name: $0] } ?? JSONObject()
        }
        var single = target.attribute
        single.multiValued = false
        var input = value ?? .null
        if case .array(let values) = input, values.count == 1 { input = values[0] }
        return try normalized(input, for: single, path: target.description)?.objectValue ?? JSONObject()
    }

    /// The `sub eq value` conditions of a value filter, as the element they describe.
    static func equalities(in filter: Filter) -> JSONObject {
        switch filter {
        case .compare(let path, .eq, let value):
            guard let json = value.json else { return JSONObject() }
            return [path.subAttribute ?? path.name: json]
        case .and(let lhs, let rhs):
            return equalities(in: lhs).merging(equalities(in: rhs))
        default:
            return JSONObject()
        }
    }
}

extension Patcher {
    /// Two elements of a multi-valued attribute are the same when their `value` (and `type`) agree.
    static func sameElement(_ lhs: JSON, _ rhs: JSON, attribute: Attribute) -> Bool {
        guard let left = lhs.objectValue, let right = rhs.objectValue, let leftValue = left["value"] else {
            return lhs == rhs
        }
        guard let rightValue = right["value"] else { return false }
        let caseExact = attribute.subAttribute(named: "value")?.caseExact ?? false
        let sameValue =
            caseExact
            ? leftValue == rightValue
            : leftValue.stringValue?.lowercased() == rightValue.stringValue?.lowercased() && leftValue.stringValue != nil
                || leftValue == rightValue
        guard sameValue else { return false }
        guard let leftType = left["type"], let rightType = right["type"] else { return true }
        return leftType.stringValue?.lowercased() == rightType.stringValue?.lowercased()
    }

    static func merged(_ old: JSON, _ new: JSON) -> JSON {
        guard let oldObject = old.objectValue, let newObject = new.objectValue else { return new }
        return .object(oldObject.merging(newObject))
    }

    /// RFC 7643 §2.4: at most one element may be primary; the last one marked wins.
    static func clearingOtherPrimaries(_ elements: [JSON]) -> [JSON] {
        guard let last = elements.lastIndex(where: { $0["primary"] == .bool(true) }) else { return elements }
        return elements.enumerated().map { index, element in
            guard index != last, element["primary"] == .bool(true), var object = element.objectValue else {
                return element
            }
            object["primary"] = nil
            return .object(object)
        }
    }

    /// After an operation set `primary: true` on some of `touched`, clears it on every other element.
    static func keepingPrimary(of touched: [JSON], in elements: [JSON]) -> [JSON] {
        guard touched.contains(where: { $0["primary"] == .bool(true) }) else { return elements }
        guard let keep = elements.lastIndex(where: { touched.contains($0) && $0["primary"] == .bool(true) }) else {
            return elements
        }
        return elements.enumerated().map { index, element in
            guard index != keep, element["primary"] == .bool(true), var object = element.objectValue else {
                return element
            }
            object["primary"] = nil
            return .object(object)
        }
    }
}

extension JSONObject {
    /// This object with `other`'s members added or replacing its own.
    public func merging(_ other: JSONObject) -> JSONObject {
        var result = self
        for (key, value) in other.members {
            result[key] = value
        }
        return result
    }
}

extension ComparisonValue {
    /// The JSON a comparison value stands for; nil for `null`.
    public var json: JSON? {
        switch self {
        case .string(let text): .string(text)
        case .bool(let flag): .bool(flag)
        case .int(let number): .int(number)
        case .double(let number): .double(number)
        case .null: nil
        }
    }
}
