import Foundation

/// A JSON value as SCIM carries it: integers and decimals are kept apart, objects keep their key order.
public enum JSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSON])
    case object(JSONObject)
}

extension JSON {
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var intValue: Int? {
        if case .int(let value) = self { return value }
        return nil
    }

    public var arrayValue: [JSON]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    public var isNull: Bool { self == .null }

    /// RFC 7643 §2.5: unassigned attributes, null, and empty arrays or objects all mean "no value".
    public var isEmptyValue: Bool {
        switch self {
        case .null: true
        case .array(let values): values.isEmpty
        case .object(let object): object.isEmpty
        default: false
        }
    }

    /// A short name of the JSON type, for error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int: "integer"
        case .double: "decimal"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Looks up an attribute of an object case-insensitively (RFC 7643 §2.1).
    public subscript(key: String) -> JSON? {
        objectValue?[key]
    }
}

/// A JSON object that keeps its members in order and looks names up case-insensitively.
public struct JSONObject: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    public private(set) var members: [(key: String, value: JSON)]

    public init() { members = [] }

    public init(_ members: [(key: String, value: JSON)]) { self.members = members }

    public init(dictionaryLiteral elements: (String, JSON)...) {
        members = elements.map { (key: $0.0, value: $0.1) }
    }

    public var isEmpty: Bool { members.isEmpty }
    public var count: Int { members.count }
    public var keys: [String] { members.map(\.key) }

    /// The member whose name matches `key` case-insensitively; nil when absent.
    public subscript(key: String) -> JSON? {
        get { index(of: key).map { members[$0].value } }
        set {
            if let index = index(of: key) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append((key: key, value: newValue))
            }
        }
    }

    /// Adds a member the caller knows is not there yet, without looking for it first.
    public mutating func append(newKey key: String, _ value: JSON) {
        members.append((key: key, value: value))
    }

    public func index(of key: String) -> Int? {
        members.firstIndex { $0.key.caseInsensitiveEquals(key) }
    }

    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSON? {
        guard let index = index(of: key) else { return nil }
        return members.remove(at: index).value
    }

    /// JSON objects are unordered: two objects are equal when they hold the same names with equal values.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        return lhs.members.allSatisfy { member in
            rhs.members.contains { $0.key == member.key && $0.value == member.value }
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(members.count)
        for key in members.map(\.key).sorted() {
            hasher.combine(key)
        }
    }
}

extension String {
    /// ASCII-insensitive comparison, which is what attribute names and schema URNs need.
    public func caseInsensitiveEquals(_ other: String) -> Bool {
        let lhs = self.utf8
        let rhs = other.utf8
        guard lhs.count == rhs.count else { return false }
        for (a, b) in zip(lhs, rhs) where a != b {
            guard a | 0x20 == b | 0x20, (a | 0x20) >= 0x61, (a | 0x20) <= 0x7A else { return false }
        }
        return true
    }
}
