import Directory
import SCIMCore

/// A SQL condition compiled from a filter, with every value bound, never interpolated.
///
/// Conditions run in `SELECT … FROM resources WHERE org_pk = ? AND kind = ? AND (condition)`. Attributes kept in columns (`id`,
/// `externalId`, the folded unique key, `meta.created`, `meta.lastModified`) compare on those columns; every
/// other attribute is looked up in `attribute_values` through its `(org_pk, path, value)` indexes, and memberships
/// through the `memberships` table. Case folding happened in Swift before values were stored, and happens to the
/// comparison value here, so the same filter gives the same answer on every store.
public struct FilterSQL: Sendable {
    public var sql: String
    public var values: [SQLValue]

    static let always = FilterSQL(sql: "TRUE", values: [])
    static let never = FilterSQL(sql: "FALSE", values: [])

    /// `organization` scopes the lookups in `attribute_values`, whose indexes it leads.
    public static func compile(
        _ filter: Filter?, kind: ResourceKind, type: ResourceType? = nil, organization: OrganizationKey
    ) throws(SCIMError) -> FilterSQL {
        guard let filter else { return .always }
        return try FilterCompiler(kind: kind, type: type ?? kind.resourceType, organization: organization)
            .compile(filter)
    }

    /// Operands joined by one operator as a balanced tree, `((a) OR (b)) OR ((c) OR (d))`: SQLite's parser makes a
    /// chain a thousand levels deep however it is written and refuses it, a balanced one is ten. Its planner reads
    /// the terms of an `OR` through any parentheses, so `id = ? OR id = ? …` is still one lookup of each id.
    static func all(_ operands: [FilterSQL], _ op: String) -> FilterSQL {
        guard operands.count > 1 else { return operands.first ?? .always }
        let middle = operands.count / 2
        let lhs = all(Array(operands[..<middle]), op)
        let rhs = all(Array(operands[middle...]), op)
        return FilterSQL(sql: "(\(lhs.sql)) \(op) (\(rhs.sql))", values: lhs.values + rhs.values)
    }

    /// SQL's NOT of an unknown (a NULL column compared) is unknown, where a filter's `not` is true:
    /// unknown counts as false before negating, as in-memory evaluation does.
    func negated() -> FilterSQL {
        FilterSQL(sql: "NOT COALESCE((\(sql)), FALSE)", values: values)
    }
}

/// Compiles one resource kind's filters.
struct FilterCompiler {
    let kind: ResourceKind
    let type: ResourceType
    let organization: OrganizationKey

    var scope: SQLValue { .integer(organization.rawValue) }

    func compile(_ filter: Filter) throws(SCIMError) -> FilterSQL {
        switch filter {
        case .and: return try FilterSQL.all(filter.chain(of: .and).map(compile), "AND")
        case .or: return try FilterSQL.all(filter.chain(of: .or).map(compile), "OR")
        case .not(let inner): return try compile(inner).negated()
        case .present(let path): return try present(try target(path))
        case .compare(let path, let op, let value): return try compare(try target(path), op, value, path: path)
        case .valuePath(let path, let inner): return try valuePath(try target(path), inner, path: path)
        }
    }

    private func present(_ target: FilterTarget) throws(SCIMError) -> FilterSQL {
        switch target {
        case .column(let column): return column.present
        case .membership(let membership): return membership.present
        case .leaf(let path, _): return anyRow(paths: [path])
        case .complex(let attribute, let urn): return anyRow(paths: FilterTarget.paths(of: attribute, urn: urn))
        }
    }

    func anyRow(paths: [String]) -> FilterSQL {
        let placeholders = Array(repeating: "?", count: paths.count).joined(separator: ",")
        return FilterSQL(
            sql:
                "resources.pk IN (SELECT resource_pk FROM attribute_values WHERE org_pk = ? AND path IN (\(placeholders)))",
            values: [scope] + paths.map(SQLValue.text))
    }

    private func compare(
        _ target: FilterTarget, _ op: ComparisonOperator, _ value: ComparisonValue, path: AttributePath
    )
        throws(SCIMError) -> FilterSQL
    {
        if value == .null {
            guard op == .eq || op == .ne else {
                throw .invalidFilter("\"\(op)\" cannot compare \"\(path)\" with null.")
            }
            let present = try present(target)
            return op == .eq ? present.negated() : present
        }
        switch target {
        case .column(let column):
            return try column.compare(op, value, path: path)
        case .membership(let membership):
            return try membership.compare(op, value, path: path)
        case .leaf(let leafPath, let attribute):
            let condition = try ValueCondition(leaf: attribute, op: op, value: value, path: path).sql(alias: "a")
            return FilterSQL(
                sql:
                    "resources.pk IN (SELECT a.resource_pk FROM attribute_values a WHERE a.org_pk = ? AND a.path = ? "
                    + "AND \(condition.sql))",
                values: [scope, .text(leafPath)] + condition.values)
        case .complex(let attribute, let urn):
            // `emails eq "x"` compares `emails.value` (RFC 7644 §3.4.2.2).
            guard let valueAttribute = attribute.subAttribute(named: "value") else {
                throw .invalidFilter("The complex attribute \"\(path)\" needs a sub-attribute to compare, or \"pr\".")
            }
            let leafPath = AttributeIndex.path(urn: urn, attribute: attribute.name, sub: valueAttribute.name)
            return try compare(.leaf(path: leafPath, attribute: valueAttribute), op, value, path: path)
        }
    }

    private func valuePath(_ target: FilterTarget, _ inner: Filter, path: AttributePath) throws(SCIMError)
        -> FilterSQL
    {
        switch target {
        case .membership(let membership):
            return try membership.matching(inner)
        case .complex(let attribute, let urn):
            return try ElementFilter(attribute: attribute, urn: urn, organization: scope).compile(inner)
        default:
            throw .invalidFilter("\"\(path)\" is not a complex attribute, so it cannot take a value filter.")
        }
    }
}
