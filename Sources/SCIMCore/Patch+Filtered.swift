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
        // "" and null clear what the path names, as a remove would (Okta test plan C9337, Entra's null update).
        if op == .remove || Self.clears(value) {
            elements = removing(matching, from: elements, sub: target.subAfterFilter)
            target.write(.array(elements), to: &document)
            return
        }
        let replacement = try filteredValue(value, at: target)
        guard !replacement.isEmpty else { return }
        if matching.isEmpty {
            // Entra ID relies on add/replace creating the element the filter describes when none matches.
            elements.append(try createdElement(filter, replacement, at: target))
            target.write(.array(Self.keepingPrimary(at: [elements.count - 1], in: elements)), to: &document)
            return
        }
        for index in matching {
            let old = elements[index].objectValue ?? JSONObject()
            let keepOld = op == .add || target.subAfterFilter != nil
            elements[index] = .object(keepOld ? old.merging(replacement) : replacement)
        }
        target.write(.array(Self.keepingPrimary(at: matching, in: elements)), to: &document)
    }

    /// The element a value filter's `eq` conditions describe, with the operation's value, normalized (so Entra ID's
    /// `roles[primary eq "True"]` creates a boolean `primary`).
    private func createdElement(_ filter: Filter, _ replacement: JSONObject, at target: PatchTarget)
        throws(SCIMError) -> JSON
    {
        var single = target.attribute
        single.multiValued = false
        let described = JSON.object(Self.equalities(in: filter).merging(replacement))
        return try normalized(described, for: single, path: target.description) ?? .object(replacement)
    }

    private func removing(_ matching: [Int], from elements: [JSON], sub: Attribute?) -> [JSON] {
        guard let sub else {
            let gone = Set(matching)
            return elements.enumerated().filter { !gone.contains($0.offset) }.map(\.element)
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
        if case .string(let leftText) = leftValue, case .string(let rightText) = rightValue, !caseExact {
            guard leftText.lowercased() == rightText.lowercased() else { return false }
        } else if leftValue != rightValue {
            return false
        }
        guard let leftType = left["type"], let rightType = right["type"] else { return true }
        return leftType.stringValue?.lowercased() == rightType.stringValue?.lowercased()
    }

    static func merged(_ old: JSON, _ new: JSON) -> JSON {
        guard let oldObject = old.objectValue, let newObject = new.objectValue else { return new }
        return .object(oldObject.merging(newObject))
    }

    /// RFC 7643 §2.4: "The primary attribute value "true" MUST appear no more than once"; after an operation set it
    /// on some of the `touched` elements, the last of them keeps it and every other element loses it.
    static func keepingPrimary(at touched: [Int], in elements: [JSON]) -> [JSON] {
        guard
            let keep = touched.last(where: { elements.indices.contains($0) && elements[$0]["primary"] == .bool(true) })
        else { return elements }
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
