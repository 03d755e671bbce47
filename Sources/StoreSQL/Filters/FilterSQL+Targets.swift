import Directory
import Foundation
import SCIMCore

/// Where a filter path's values live.
enum FilterTarget {
    case column(ColumnTarget)
    case membership(MembershipTarget)
    /// One path of `attribute_values`: a simple attribute or a sub-attribute.
    case leaf(path: String, attribute: Attribute)
    /// A complex attribute as a whole, whose sub-attributes are kept as `name.sub` paths.
    case complex(Attribute, urn: String?)
}

extension FilterCompiler {
    /// Resolves a path to the place its values are kept; unknown attributes are an `invalidFilter`.
    func target(_ path: AttributePath) throws(SCIMError) -> FilterTarget {
        guard let resolved = type.resolve(path) else {
            throw .invalidFilter("Unknown attribute \"\(path)\" in filter.")
        }
        let name = resolved.attribute.name
        if resolved.isCore(in: type) {
            if let column = ColumnTarget(kind: kind, attribute: name, sub: resolved.subAttribute?.name) {
                return .column(column)
            }
            if name == "members" || name == "groups" {
                return .membership(MembershipTarget(kind: kind, sub: resolved.subAttribute?.name))
            }
            if name == "meta" { throw .invalidFilter("Filtering on \"\(path)\" is not supported.") }
        }
        let urn = resolved.isCore(in: type) ? nil : resolved.schema.id
        if let sub = resolved.subAttribute {
            return .leaf(path: AttributeIndex.path(urn: urn, attribute: name, sub: sub.name), attribute: sub)
        }
        if resolved.attribute.type == .complex { return .complex(resolved.attribute, urn: urn) }
        return .leaf(path: AttributeIndex.path(urn: urn, attribute: name), attribute: resolved.attribute)
    }
}

extension FilterTarget {
    /// The sub-attribute paths of a complex attribute, all of which count for `pr`.
    static func paths(of attribute: Attribute, urn: String?) -> [String] {
        attribute.subAttributes.map { AttributeIndex.path(urn: urn, attribute: attribute.name, sub: $0.name) }
    }
}

/// An attribute a store keeps in a column of `resources`.
struct ColumnTarget {
    enum Kind { case text(caseExact: Bool), identity, time, constant(String), version }

    var column: String
    var kind: Kind

    init?(kind resourceKind: ResourceKind, attribute: String, sub: String?) {
        switch (attribute, sub) {
        case ("id", nil): (column, kind) = ("resources.id", .text(caseExact: true))
        case ("externalId", nil): (column, kind) = ("resources.external_id", .text(caseExact: true))
        case (resourceKind.uniqueAttribute, nil): (column, kind) = ("resources.unique_key", .identity)
        case ("meta", "created"): (column, kind) = ("resources.created_ms", .time)
        case ("meta", "lastModified"): (column, kind) = ("resources.modified_ms", .time)
        case ("meta", "resourceType"): (column, kind) = ("", .constant(resourceKind.rawValue))
        case ("meta", "version"): (column, kind) = ("('W/\"' || resources.version || '\"')", .version)
        default: return nil
        }
    }

    var present: FilterSQL {
        switch kind {
        case .text, .identity: FilterSQL(sql: "\(column) IS NOT NULL", values: [])
        case .time, .constant, .version: .always
        }
    }

    func compare(_ op: ComparisonOperator, _ value: ComparisonValue, path: AttributePath) throws(SCIMError)
        -> FilterSQL
    {
        switch kind {
        case .text(let caseExact):
            let leaf = Attribute(name: path.name, description: "", caseExact: caseExact)
            return try ValueCondition(leaf: leaf, op: op, value: value, path: path).sql(column: column)
        case .identity:
            // The column holds `IdentityName` keys: a whole name is compared by its key, a part by its folded form.
            let text: String
            switch value {
            case .string(let string): text = string
            case .int(let number): text = String(number)
            default: throw .invalidFilter("\"\(op)\" cannot compare \"\(path)\" (string) with that value.")
            }
            let folded = [.co, .sw, .ew].contains(op) ? IdentityName.fold(text) : IdentityName.key(text)
            let leaf = Attribute(name: path.name, description: "", caseExact: true)
            return try ValueCondition(leaf: leaf, op: op, value: .string(folded), path: path).sql(column: column)
        case .version:
            let leaf = Attribute(name: path.name, description: "", caseExact: true)
            return try ValueCondition(leaf: leaf, op: op, value: value, path: path).sql(column: column)
        case .time:
            if [.co, .sw, .ew].contains(op) {
                throw .invalidFilter("\"\(op)\" cannot compare \"\(path)\"; use gt, ge, lt or le with a dateTime.")
            }
            let leaf = Attribute(name: path.name, type: .dateTime, description: "")
            return try ValueCondition(leaf: leaf, op: op, value: value, path: path).sql(timeColumn: column)
        case .constant(let name):
            let leaf = Attribute(name: path.name, description: "", caseExact: true)
            return try ValueCondition(leaf: leaf, op: op, value: value, path: path).constant(name)
        }
    }
}
