import Directory
import SCIMCore

/// A value filter such as `emails[type eq "work" and value co "@example.com"]`: every condition must hold on the
/// same element, so sub-attribute rows are matched on `(resource_pk, element)`.
struct ElementFilter {
    let attribute: Attribute
    let urn: String?
    /// The organization's key, which leads the indexes of `attribute_values`.
    let organization: SQLValue

    func compile(_ inner: Filter) throws(SCIMError) -> FilterSQL {
        let condition = try element(inner)
        let driver = try driver(in: inner)
        return FilterSQL(
            sql:
                "resources.pk IN (SELECT e.resource_pk FROM attribute_values e WHERE e.org_pk = ? AND \(driver.sql) "
                + "AND \(condition.sql))",
            values: [organization] + driver.values + condition.values)
    }

    /// Which rows to start from: those of an `eq` in the top-level conjunction (preferring `value`), so that
    /// `emails[type eq "work" and value eq "x"]` is an index lookup; otherwise every row of the attribute.
    private func driver(in filter: Filter) throws(SCIMError) -> FilterSQL {
        let equalities = Self.conjuncts(filter).compactMap { conjunct -> (AttributePath, ComparisonValue)? in
            guard case .compare(let path, .eq, let value) = conjunct, value != .null else { return nil }
            return (path, value)
        }
        let chosen = equalities.first { $0.0.name.caseInsensitiveEquals("value") } ?? equalities.first
        guard let (path, value) = chosen, let sub = attribute.subAttribute(named: path.name) else {
            let paths = FilterTarget.paths(of: attribute, urn: urn)
            let placeholders = Array(repeating: "?", count: paths.count).joined(separator: ",")
            return FilterSQL(sql: "e.path IN (\(placeholders))", values: paths.map(SQLValue.text))
        }
        let condition = try ValueCondition(leaf: sub, op: .eq, value: value, path: path).sql(alias: "e")
        return FilterSQL(sql: "e.path = ? AND \(condition.sql)", values: [.text(subPath(sub))] + condition.values)
    }

    private static func conjuncts(_ filter: Filter) -> [Filter] {
        if case .and(let lhs, let rhs) = filter { return conjuncts(lhs) + conjuncts(rhs) }
        return [filter]
    }

    /// A condition on the element that row `e` belongs to.
    private func element(_ filter: Filter) throws(SCIMError) -> FilterSQL {
        switch filter {
        case .and: return try FilterSQL.all(filter.chain(of: .and).map(element), "AND")
        case .or: return try FilterSQL.all(filter.chain(of: .or).map(element), "OR")
        case .not(let inner): return try element(inner).negated()
        case .present(let path): return sibling(try sub(path), condition: nil)
        case .compare(let path, let op, .null):
            let present = sibling(try sub(path), condition: nil)
            return op == .eq ? present.negated() : present
        case .compare(let path, let op, let value):
            let leaf = try sub(path)
            return sibling(
                leaf, condition: try ValueCondition(leaf: leaf, op: op, value: value, path: path).sql(alias: "x"))
        case .valuePath:
            throw .invalidFilter("Value filters cannot be nested.")
        }
    }

    private func sibling(_ sub: Attribute, condition: FilterSQL?) -> FilterSQL {
        var sql =
            "EXISTS (SELECT 1 FROM attribute_values x WHERE x.resource_pk = e.resource_pk "
            + "AND x.element = e.element AND x.path = ?"
        var values: [SQLValue] = [.text(subPath(sub))]
        if let condition {
            sql += " AND \(condition.sql)"
            values += condition.values
        }
        return FilterSQL(sql: sql + ")", values: values)
    }

    private func sub(_ path: AttributePath) throws(SCIMError) -> Attribute {
        guard path.schema == nil, path.subAttribute == nil, let sub = attribute.subAttribute(named: path.name) else {
            throw .invalidFilter("Unknown sub-attribute \"\(path)\" of \"\(attribute.name)\" in filter.")
        }
        return sub
    }

    private func subPath(_ sub: Attribute) -> String {
        AttributeIndex.path(urn: urn, attribute: attribute.name, sub: sub.name)
    }
}
