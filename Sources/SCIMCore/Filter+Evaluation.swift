import Foundation

extension Filter {
    /// Checks every path and comparison against the resource type's schemas (RFC 7644 §3.4.2.2).
    public func validate(against type: ResourceType) throws(SCIMError) {
        try validate(in: .resource(type))
    }

    /// Whether a resource body matches: core attributes at top level, extension attributes under their URN.
    public func matches(_ resource: JSONObject, in type: ResourceType) -> Bool {
        evaluate(resource, in: .resource(type))
    }

    /// Whether one element of a multi-valued complex attribute matches a value filter such as `type eq "work"`.
    public func matchesElement(_ element: JSONObject, of attribute: Attribute) -> Bool {
        evaluate(element, in: .element(attribute))
    }

    private func validate(in scope: FilterScope) throws(SCIMError) {
        switch self {
        case .compare(let path, let comparison, let value):
            try FilterTarget.check(try scope.require(path).withImplicitValue, path, comparison, value)
        case .present(let path):
            _ = try scope.require(path)
        case .and(let lhs, let rhs), .or(let lhs, let rhs):
            try lhs.validate(in: scope)
            try rhs.validate(in: scope)
        case .not(let inner):
            try inner.validate(in: scope)
        case .valuePath(let path, let inner):
            guard case .resource = scope else { throw .invalidFilter("Value filters cannot be nested.") }
            let target = try scope.require(path)
            guard target.subAttribute == nil, target.attribute.type == .complex else {
                throw .invalidFilter("\"\(path)\" is not a complex attribute, so it cannot take a value filter.")
            }
            try inner.validate(in: .element(target.attribute))
        }
    }

    private func evaluate(_ object: JSONObject, in scope: FilterScope) -> Bool {
        switch self {
        case .compare(let path, let comparison, let value):
            guard let target = scope.target(of: path)?.withImplicitValue else { return false }
            return target.compare(target.values(in: object), comparison, value)
        case .present(let path):
            return scope.target(of: path)?.values(in: object).contains(where: \.isPresentValue) ?? false
        case .and(let lhs, let rhs):
            return lhs.evaluate(object, in: scope) && rhs.evaluate(object, in: scope)
        case .or(let lhs, let rhs):
            return lhs.evaluate(object, in: scope) || rhs.evaluate(object, in: scope)
        case .not(let inner):
            return !inner.evaluate(object, in: scope)
        case .valuePath(let path, let inner):
            guard case .resource = scope, let target = scope.target(of: path), target.subAttribute == nil else {
                return false
            }
            return target.values(in: object).contains { element in
                element.objectValue.map { inner.evaluate($0, in: .element(target.attribute)) } ?? false
            }
        }
    }
}

/// Where a filter's paths are resolved: a resource type, or the sub-attributes of one complex attribute.
private enum FilterScope {
    case resource(ResourceType)
    case element(Attribute)

    func target(of path: AttributePath) -> FilterTarget? {
        switch self {
        case .resource(let type):
            return FilterTarget.common(path, in: type)
                ?? type.resolve(path).map { resolved in
                    let urn = resolved.isCore(in: type) ? nil : resolved.schema.id
                    return FilterTarget(
                        attribute: resolved.attribute, subAttribute: resolved.subAttribute, extension: urn)
                }
        case .element(let attribute):
            guard path.schema == nil, path.subAttribute == nil else { return nil }
            guard let sub = attribute.subAttribute(named: path.name) else { return nil }
            return FilterTarget(attribute: sub, subAttribute: nil, extension: nil)
        }
    }

    func require(_ path: AttributePath) throws(SCIMError) -> FilterTarget {
        guard let target = target(of: path) else { throw .invalidFilter("Unknown attribute \"\(path)\" in filter.") }
        return target
    }
}

/// What a filter path names: the attribute, the sub-attribute if any, and the extension URN its values sit under.
private struct FilterTarget {
    var attribute: Attribute
    var subAttribute: Attribute?
    var `extension`: String?

    /// The definition of the values compared.
    var leaf: Attribute { subAttribute ?? attribute }

    /// `emails eq "x"` compares `emails.value` (RFC 7644 §3.4.2.2).
    var withImplicitValue: FilterTarget {
        guard subAttribute == nil, attribute.type == .complex, let value = attribute.subAttribute(named: "value") else {
            return self
        }
        return FilterTarget(attribute: attribute, subAttribute: value, extension: `extension`)
    }

    /// `id`, `externalId` and `meta` (RFC 7643 §3.1), which every resource has outside its schema.
    static func common(_ path: AttributePath, in type: ResourceType) -> FilterTarget? {
        if let urn = path.schema, !urn.caseInsensitiveEquals(type.schema.id) { return nil }
        guard let attribute = Schema.commonAttributes.first(where: { $0.name.caseInsensitiveEquals(path.name) }) else {
            return nil
        }
        guard let subName = path.subAttribute else { return FilterTarget(attribute: attribute, extension: nil) }
        guard let sub = attribute.subAttribute(named: subName) else { return nil }
        return FilterTarget(attribute: attribute, subAttribute: sub, extension: nil)
    }

    /// Every value the path names in a body, flattening multi-valued attributes and sub-attributes.
    func values(in body: JSONObject) -> [JSON] {
        let container = `extension`.map { body[$0]?.objectValue ?? JSONObject() } ?? body
        let values = Self.flatten(container[attribute.name])
        guard let subAttribute else { return values }
        return values.flatMap { Self.flatten($0.objectValue?[subAttribute.name]) }
    }

    private static func flatten(_ value: JSON?) -> [JSON] {
        switch value {
        case nil: []
        case .array(let values)?: values
        case let value?: [value]
        }
    }

    /// Whether any present value satisfies it (so `ne` holds when some value differs); `eq null` means none is present.
    func compare(_ values: [JSON], _ comparison: ComparisonOperator, _ value: ComparisonValue) -> Bool {
        let present = values.filter(\.isPresentValue)
        guard value != .null else {
            switch comparison {
            case .eq: return present.isEmpty
            case .ne: return !present.isEmpty
            default: return false
            }
        }
        guard let operand = FilterOperand(value, for: leaf) else { return false }
        return present.contains { operand.satisfies(comparison, by: $0) }
    }

    /// Throws `invalidFilter` when the comparison cannot apply to this attribute (RFC 7644 §3.4.2.2).
    static func check(
        _ target: FilterTarget, _ path: AttributePath, _ comparison: ComparisonOperator, _ value: ComparisonValue
    ) throws(SCIMError) {
        let leaf = target.leaf
        let name = "\"\(path)\""
        guard leaf.type != .complex else {
            throw .invalidFilter("The complex attribute \(name) needs a sub-attribute to compare, or \"pr\".")
        }
        if [.gt, .ge, .lt, .le].contains(comparison), [.boolean, .binary].contains(leaf.type) {
            throw .invalidFilter("\"\(comparison)\" cannot compare the \(leaf.type.rawValue) attribute \(name).")
        }
        if [.co, .sw, .ew].contains(comparison), [.boolean, .integer, .decimal].contains(leaf.type) {
            throw .invalidFilter("\"\(comparison)\" cannot compare the \(leaf.type.rawValue) attribute \(name).")
        }
        if value == .null {
            guard comparison == .eq || comparison == .ne else {
                throw .invalidFilter("\"\(comparison)\" cannot compare \(name) with null.")
            }
            return
        }
        guard let operand = FilterOperand(value, for: leaf), operand.isValid(for: comparison) else {
            let attribute = "the \(leaf.type.rawValue) attribute \(name)"
            throw .invalidFilter("The value \(value.literalText) cannot be compared with \(attribute).")
        }
    }
}

extension JSON {
    /// RFC 7644 §3.4.2.2 "pr": neither null, an empty string, an empty array nor an empty object.
    var isPresentValue: Bool { !isEmptyValue && self != .string("") }
}

/// A comparison value coerced to the type of the attribute it is compared with.
private enum FilterOperand {
    case string(String, caseExact: Bool)
    case boolean(Bool)
    case integer(Int)
    case decimal(Double)
    /// A dateTime, with its instant when the text parses (substring operators compare the text).
    case dateTime(String, instant: Date?)

    /// Coerces the value, or nil when it cannot compare with the attribute's type.
    init?(_ value: ComparisonValue, for leaf: Attribute) {
        switch (leaf.type, value) {
        case (.string, .string(let text)), (.reference, .string(let text)), (.binary, .string(let text)):
            self = .string(text, caseExact: leaf.caseExact)
        case (.string, .int(let number)), (.reference, .int(let number)):
            self = .string(String(number), caseExact: leaf.caseExact)
        case (.boolean, .bool(let flag)):
            self = .boolean(flag)
        case (.boolean, .string(let text)):
            guard let flag = Self.lenientBool(text) else { return nil }
            self = .boolean(flag)
        case (.integer, .int(let number)), (.decimal, .int(let number)):
            self = .integer(number)
        case (.integer, .double(let number)), (.decimal, .double(let number)):
            self = .decimal(number)
        case (.dateTime, .string(let text)):
            self = .dateTime(text, instant: DateTime.parse(text))
        default:
            return nil
        }
    }

    /// Whether the operator can use this operand; dateTime ordering and equality need a parseable instant.
    func isValid(for comparison: ComparisonOperator) -> Bool {
        guard case .dateTime(_, let instant) = self else { return true }
        return instant != nil || [.co, .sw, .ew].contains(comparison)
    }

    /// Whether an attribute value stands in the relation `value <comparison> operand`.
    func satisfies(_ comparison: ComparisonOperator, by value: JSON) -> Bool {
        switch self {
        case .string(let expected, let caseExact):
            guard let actual = value.stringValue else { return false }
            return Self.compare(actual, expected, comparison, caseExact: caseExact)
        case .boolean(let expected):
            guard let actual = value.boolValue ?? value.stringValue.flatMap(Self.lenientBool) else { return false }
            return comparison == .eq ? actual == expected : comparison == .ne && actual != expected
        case .integer(let expected):
            if case .int(let actual) = value { return Self.holds(comparison, actual, expected) }
            return Self.number(value).map { Self.holds(comparison, $0, Double(expected)) } ?? false
        case .decimal(let expected):
            return Self.number(value).map { Self.holds(comparison, $0, expected) } ?? false
        case .dateTime(let text, let instant):
            guard let actual = value.stringValue else { return false }
            guard let instant, ![.co, .sw, .ew].contains(comparison) else {
                return Self.compare(actual, text, comparison, caseExact: false)
            }
            return DateTime.parse(actual).map { Self.holds(comparison, $0, instant) } ?? false
        }
    }

    private static func compare(
        _ actual: String, _ expected: String, _ op: ComparisonOperator, caseExact: Bool
    ) -> Bool {
        let lhs = caseExact ? actual : actual.lowercased()
        let rhs = caseExact ? expected : expected.lowercased()
        switch op {
        case .co: return lhs.contains(rhs)
        case .sw: return lhs.hasPrefix(rhs)
        case .ew: return lhs.hasSuffix(rhs)
        default: return holds(op, lhs, rhs)
        }
    }

    /// Equality and ordering; the substring operators never hold for non-strings.
    private static func holds<T: Comparable>(_ comparison: ComparisonOperator, _ lhs: T, _ rhs: T) -> Bool {
        switch comparison {
        case .eq: lhs == rhs
        case .ne: lhs != rhs
        case .gt: lhs > rhs
        case .ge: lhs >= rhs
        case .lt: lhs < rhs
        case .le: lhs <= rhs
        case .co, .sw, .ew: false
        }
    }

    private static func number(_ value: JSON) -> Double? {
        switch value {
        case .int(let number): Double(number)
        case .double(let number): number
        default: nil
        }
    }

    private static func lenientBool(_ text: String) -> Bool? {
        text.caseInsensitiveEquals("true") ? true : text.caseInsensitiveEquals("false") ? false : nil
    }
}
