/// Checks a request body against a resource type's schemas and brings it into stored form.
///
/// Stored form: core attributes at top level and extension attributes under their schema URN, all with the
/// schema's spelling; read-only and write-only attributes dropped (RFC 7644 §3.5.1: "readOnly" input is
/// ignored), null and empty strings treated as unassigned (RFC 7643 §2.5), and the providers' loose
/// spellings coerced (`"False"` for false, a bare id for `manager`). Every problem is reported in one error.
public struct Normalizer: Sendable {
    public let resourceType: ResourceType

    public init(_ resourceType: ResourceType) {
        self.resourceType = resourceType
    }

    /// Normalizes a whole resource, as sent with POST or PUT.
    public func normalize(resource body: JSONObject) throws(SCIMError) -> JSONObject {
        var problems: [SCIMError] = []
        var result = JSONObject()
        for (key, value) in body.members {
            normalizeMember(key: key, value: value, into: &result, problems: &problems)
        }
        problems += missingRequired(in: result)
        if let error = SCIMError.combining(problems) { throw error }
        return result
    }

    private func normalizeMember(key: String, value: JSON, into result: inout JSONObject, problems: inout [SCIMError]) {
        if key.caseInsensitiveEquals("schemas") {
            checkSchemas(value, problems: &problems)
        } else if Self.commonReadOnly.contains(where: key.caseInsensitiveEquals) {
            return
        } else if key.caseInsensitiveEquals("externalId") {
            guard !value.isEmptyValue, let text = normalizedString(value, path: "externalId", problems: &problems)
            else { return }
            result["externalId"] = .string(text)
        } else if let schema = resourceType.extensions.first(where: { $0.schema.id.caseInsensitiveEquals(key) }) {
            guard let normalized = normalizeExtension(value, schema: schema.schema, problems: &problems) else { return }
            result[schema.schema.id] = .object(normalized)
        } else if let attribute = resourceType.schema.attribute(named: key) {
            guard let normalized = normalize(value, for: attribute, path: attribute.name, problems: &problems) else {
                return
            }
            result[attribute.name] = normalized
        } else {
            problems.append(Self.unknownAttribute(key, in: resourceType))
        }
    }

    private func checkSchemas(_ value: JSON, problems: inout [SCIMError]) {
        guard let values = value.arrayValue, values.allSatisfy({ $0.stringValue != nil }) else {
            problems.append(.invalidSyntax("\"schemas\" must be an array of schema URNs."))
            return
        }
    }

    private func normalizeExtension(_ value: JSON, schema: Schema, problems: inout [SCIMError]) -> JSONObject? {
        if value.isEmptyValue { return nil }
        guard let object = value.objectValue else {
            problems.append(.invalidValue("\"\(schema.id)\" must be an object of extension attributes."))
            return nil
        }
        for key in object.keys where schema.attribute(named: key) == nil {
            problems.append(.invalidValue("Unknown attribute \"\(key)\" in schema \"\(schema.id)\"."))
        }
        var result = JSONObject()
        for attribute in schema.attributes {
            guard let member = object[attribute.name],
                let normalized = normalize(member, for: attribute, path: attribute.name, problems: &problems)
            else { continue }
            result[attribute.name] = normalized
        }
        return result.isEmpty ? nil : result
    }

    private func missingRequired(in result: JSONObject) -> [SCIMError] {
        resourceType.schema.attributes
            .filter { $0.required && $0.mutability != .readOnly && result[$0.name] == nil }
            .map { .invalidValue("\"\($0.name)\" is required.") }
    }

    static let commonReadOnly = ["id", "meta"]

    static func unknownAttribute(_ key: String, in type: ResourceType) -> SCIMError {
        .invalidValue("Unknown attribute \"\(key)\" for resource type \(type.name).")
    }
}
