import Foundation
import SCIMCore

/// One leaf value of a resource, as the `attribute_values` table keeps it for filtering and sorting.
///
/// Text is case-folded when the attribute is not `caseExact`, so every store compares alike; dateTimes keep
/// their (folded) text for substring operators and their instant in milliseconds for ordering.
public struct IndexedValue: Sendable, Hashable {
    public var path: String
    public var element: Int
    public var text: String?
    public var number: Double?
    public var bool: Bool?
    public var time: Int64?

    public init(
        path: String, element: Int, text: String? = nil, number: Double? = nil, bool: Bool? = nil, time: Int64? = nil
    ) {
        self.path = path
        self.element = element
        self.text = text
        self.number = number
        self.bool = bool
        self.time = time
    }
}

/// Flattens resource bodies into indexed values, and names the paths they are kept under.
public enum AttributeIndex {
    /// Every leaf value of a body, except those a store keeps in columns (`externalId` and the unique key).
    public static func values(of body: JSONObject, kind: ResourceKind, type: ResourceType) -> [IndexedValue] {
        var result: [IndexedValue] = []
        for schema in type.allSchemas {
            let container = schema.id == type.schema.id ? body : body[schema.id]?.objectValue ?? JSONObject()
            let urn = schema.id == type.schema.id ? nil : schema.id
            for attribute in schema.attributes where attribute.name != kind.uniqueAttribute {
                guard let value = container[attribute.name] else { continue }
                let elements = attribute.multiValued ? (value.arrayValue ?? []) : [value]
                for (ordinal, element) in elements.enumerated() {
                    result += leaves(of: element, attribute: attribute, urn: urn, ordinal: ordinal)
                }
            }
        }
        return result
    }

    private static func leaves(of value: JSON, attribute: Attribute, urn: String?, ordinal: Int) -> [IndexedValue] {
        guard attribute.type == .complex else {
            return indexed(value, leaf: attribute, path: path(urn: urn, attribute: attribute.name), ordinal: ordinal)
                .map { [$0] } ?? []
        }
        guard let object = value.objectValue else { return [] }
        return attribute.subAttributes.compactMap { sub in
            object[sub.name].flatMap {
                indexed($0, leaf: sub, path: path(urn: urn, attribute: attribute.name, sub: sub.name), ordinal: ordinal)
            }
        }
    }

    private static func indexed(_ value: JSON, leaf: Attribute, path: String, ordinal: Int) -> IndexedValue? {
        var entry = IndexedValue(path: path, element: ordinal)
        switch value {
        case .string(let text):
            entry.text = leaf.caseExact ? text : Folding.fold(text)
            if leaf.type == .dateTime, let date = DateTime.parse(text) {
                entry.time = date.milliseconds
            }
        case .bool(let flag): entry.bool = flag
        case .int(let number): entry.number = Double(number)
        case .double(let number): entry.number = number
        default: return nil
        }
        return entry
    }

    /// The path a leaf is kept under: `name.familyname`, or `urn:…:user:manager.value` for extensions, folded.
    public static func path(urn: String?, attribute: String, sub: String? = nil) -> String {
        var text = urn.map { $0 + ":" } ?? ""
        text += attribute
        if let sub { text += "." + sub }
        return Folding.fold(text)
    }
}

extension ResourceKind {
    /// The attribute a store keeps unique and folded in its own column.
    public var uniqueAttribute: String {
        switch self {
        case .user: "userName"
        case .group: "displayName"
        }
    }
}
