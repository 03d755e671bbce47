import Foundation

/// Which attributes a response carries (RFC 7644 §3.4.2.5, RFC 7643 §7 "returned").
public struct Projection: Sendable, Hashable {
    public var attributes: [AttributePath]
    public var excludedAttributes: [AttributePath]

    public static let `default` = Projection(attributes: [], excludedAttributes: [])

    public init(attributes: [AttributePath], excludedAttributes: [AttributePath]) {
        self.attributes = attributes
        self.excludedAttributes = excludedAttributes
    }

    /// Parses the comma-separated `attributes` and `excludedAttributes` parameters.
    public static func parse(attributes: String?, excludedAttributes: String?) throws(SCIMError) -> Projection {
        Projection(attributes: try parseList(attributes), excludedAttributes: try parseList(excludedAttributes))
    }

    /// More attribute names than any schema has is a mistake or an attack; refused rather than processed.
    public static let maxPaths = 200

    private static func parseList(_ text: String?) throws(SCIMError) -> [AttributePath] {
        guard let text else { return [] }
        var paths: [AttributePath] = []
        let items = text.split(separator: ",")
        guard items.count <= maxPaths else {
            throw .invalidValue("At most \(maxPaths) attribute names may be listed.")
        }
        for item in items {
            let trimmed = item.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            paths.append(try AttributePath.parse(trimmed))
        }
        return paths
    }

    /// Whether a top-level attribute (such as `members`) can appear in the response, so it need not be read if not.
    public func mayInclude(_ name: String) -> Bool {
        let excludedWhole = excludedAttributes.contains {
            $0.schema == nil && $0.subAttribute == nil && $0.name.caseInsensitiveEquals(name)
        }
        if excludedWhole { return false }
        if !attributes.isEmpty {
            // Any schema: `urn:ietf:params:scim:schemas:core:2.0:Group:members` names members too.
            return attributes.contains { $0.name.caseInsensitiveEquals(name) }
        }
        return !excludedAttributes.contains {
            $0.schema == nil && $0.subAttribute == nil && $0.name.caseInsensitiveEquals(name)
        }
    }
}

extension Projection {
    /// The representation reduced to what the client asked for; `returned: always` attributes always stay,
    /// `returned: never` ones never appear, `returned: request` ones only when named.
    public func apply(to representation: JSONObject, of type: ResourceType) -> JSONObject {
        if attributes.isEmpty && excludedAttributes.isEmpty { return Self.byDefault(representation, of: type) }
        var result = JSONObject()
        for (key, value) in representation.members {
            if ["schemas", "id"].contains(key) {
                result[key] = value
            } else if let schema = type.extensions.first(where: { $0.schema.id == key })?.schema {
                if attributes.isEmpty && Self.namesWhole(schema.id, in: excludedAttributes) { continue }
                let projected = projectObject(value.objectValue ?? [:], schema: schema, urn: schema.id)
                if !projected.isEmpty { result[key] = .object(projected) }
            } else if let kept = project(
                key: key, value: value, attribute: Self.definition(of: key, in: type), urn: type.schema.id)
            {
                result[key] = kept
            }
        }
        return Self.listingPresentSchemas(result, of: type)
    }

    /// Without `attributes` or `excludedAttributes` (every list page and most reads): what is `returned: never`
    /// or `request` goes, the rest stays as it is. Equal to the general path, in one pass and without lookups by
    /// name for the attributes a schema returns by default.
    private static func byDefault(_ representation: JSONObject, of type: ResourceType) -> JSONObject {
        let hiddenCore = type.schema.hiddenByDefault
        var result = JSONObject()
        var emptied: [String] = []
        for (key, value) in representation.members {
            if let schema = type.extensions.first(where: { $0.schema.id == key })?.schema {
                let hiddenHere = schema.hiddenByDefault
                guard !hiddenHere.isEmpty, case .object(let object) = value else {
                    result.append(newKey: key, value)
                    continue
                }
                let kept = JSONObject(object.members.filter { member in
                    !hiddenHere.contains(where: member.key.caseInsensitiveEquals)
                })
                if kept.isEmpty { emptied.append(key) } else { result.append(newKey: key, .object(kept)) }
            } else if key == "schemas" || key == "id"
                || !(hiddenCore.contains(where: key.caseInsensitiveEquals)
                    || Self.hiddenCommon.contains(where: key.caseInsensitiveEquals))
            {
                result.append(newKey: key, value)
            }
        }
        return emptied.isEmpty ? result : listingPresentSchemas(result, of: type)
    }

    /// The common attributes (RFC 7643 §3.1) a response leaves out unless asked for.
    private static let hiddenCommon = Schema.hidden(in: Schema.commonAttributes)

    /// RFC 7643 §3: "schemas" names the schemas of the attributes present, so an extension projected away leaves it.
    private static func listingPresentSchemas(_ object: JSONObject, of type: ResourceType) -> JSONObject {
        guard let schemas = object["schemas"]?.arrayValue else { return object }
        var result = object
        result["schemas"] = .array(
            schemas.filter { urn in
                guard let text = urn.stringValue, type.extensions.contains(where: { $0.schema.id == text }) else {
                    return true
                }
                return object[text] != nil
            })
        return result
    }

    /// Whether `paths` holds the bare URN of a schema, which names all of its attributes.
    private static func namesWhole(_ urn: String, in paths: [AttributePath]) -> Bool {
        paths.contains { $0.subAttribute == nil && $0.description.caseInsensitiveEquals(urn) }
    }

    private func projectObject(_ object: JSONObject, schema: Schema, urn: String) -> JSONObject {
        let wholeRequested = Self.namesWhole(urn, in: attributes)
        var result = JSONObject()
        for (key, value) in object.members {
            if wholeRequested {
                result[key] = value
            } else if let kept = project(key: key, value: value, attribute: schema.attribute(named: key), urn: urn) {
                result[key] = kept
            }
        }
        return result
    }

    private func project(key: String, value: JSON, attribute: Attribute?, urn: String) -> JSON? {
        let returned = attribute?.returned ?? .default
        if returned == .never { return nil }
        if returned == .always { return value }
        let named = { (path: AttributePath) in
            path.name.caseInsensitiveEquals(key) && Self.sameSchema(path.schema, urn)
        }
        // Exclusion wins: clients send one list or the other, and the server may combine them.
        let excluded = excludedAttributes.filter(named)
        if excluded.contains(where: { $0.subAttribute == nil }) { return nil }
        if !attributes.isEmpty {
            let matching = attributes.filter(named)
            guard !matching.isEmpty else { return nil }
            if matching.contains(where: { $0.subAttribute == nil }) { return value }
            return Self.keepingSubAttributes(matching.compactMap(\.subAttribute), of: value)
        }
        if returned == .request { return nil }
        return Self.droppingSubAttributes(excluded.compactMap(\.subAttribute), of: value)
    }

    /// An unqualified path names an attribute of any schema; a qualified one only of its own (RFC 7644 §3.10).
    private static func sameSchema(_ path: String?, _ urn: String) -> Bool {
        path.map { $0.caseInsensitiveEquals(urn) } ?? true
    }

    private static func definition(of key: String, in type: ResourceType) -> Attribute? {
        type.schema.attribute(named: key) ?? Schema.commonAttributes.first { $0.name.caseInsensitiveEquals(key) }
    }

    private static func keepingSubAttributes(_ names: [String], of value: JSON) -> JSON? {
        return transformObjects(value) { object in
            JSONObject(object.members.filter { member in names.contains(where: member.key.caseInsensitiveEquals) })
        }
    }

    private static func droppingSubAttributes(_ names: [String], of value: JSON) -> JSON? {
        guard !names.isEmpty else { return value }
        return transformObjects(value) { object in
            JSONObject(object.members.filter { member in !names.contains(where: member.key.caseInsensitiveEquals) })
        }
    }

    private static func transformObjects(_ value: JSON, _ transform: (JSONObject) -> JSONObject) -> JSON? {
        switch value {
        case .object(let object):
            let result = transform(object)
            return result.isEmpty ? nil : .object(result)
        case .array(let values):
            let result = values.compactMap { transformObjects($0, transform) }
            return result.isEmpty ? nil : .array(result)
        default:
            return value
        }
    }
}
