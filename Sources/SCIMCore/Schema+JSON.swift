extension Schema {
    /// The schema's representation as served by `/Schemas` (RFC 7643 §7, §8.7).
    public func representation(location: String?) -> JSON {
        var meta: JSONObject = ["resourceType": "Schema"]
        if let location { meta["location"] = .string(location) }
        return .object([
            "schemas": .array(["urn:ietf:params:scim:schemas:core:2.0:Schema"]),
            "id": .string(id),
            "name": .string(name),
            "description": .string(description),
            "attributes": .array(attributes.map(\.representation)),
            "meta": .object(meta),
        ])
    }
}

extension Attribute {
    /// Every characteristic spelled out, so clients never rely on defaults.
    public var representation: JSON {
        var object: JSONObject = [
            "name": .string(name),
            "type": .string(type.rawValue),
            "multiValued": .bool(multiValued),
            "description": .string(maxLength.map { "\(description) At most \($0) bytes (UTF-8)." } ?? description),
            "required": .bool(required),
        ]
        object["caseExact"] = .bool(caseExact)
        if !canonicalValues.isEmpty {
            object["canonicalValues"] = .array(canonicalValues.map(JSON.string))
        }
        if type == .reference {
            object["referenceTypes"] = .array(referenceTypes.map(JSON.string))
        }
        if type == .complex {
            object["subAttributes"] = .array(subAttributes.map(\.representation))
        }
        object["mutability"] = .string(mutability.rawValue)
        object["returned"] = .string(returned.rawValue)
        object["uniqueness"] = .string(uniqueness.rawValue)
        return .object(object)
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
}

extension Attribute {
    /// The longest text value accepted, in UTF-8 bytes: names people are known by are short, certificates are not.
    /// Nil for values that are not text.
    public var maxLength: Int? {
        switch type {
        case .string where ["userName", "displayName", "externalId"].contains(name): 1024
        case .string, .reference: 4096
        case .binary: 16_384
        default: nil
        }
    }
}
