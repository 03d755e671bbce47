import Directory
import SCIMCore

/// `Group.members` and `User.groups`, which live in the `memberships` table rather than in bodies. Memberships
/// join resources of one organization only, so the related resource is always the organization's own.
struct MembershipTarget {
    let kind: ResourceKind
    let sub: String?

    /// Resources whose related rows (`m`, the member or the group) satisfy `condition`.
    private func related(_ condition: FilterSQL) -> FilterSQL {
        let (own, other) = kind == .group ? ("group_pk", "member_pk") : ("member_pk", "group_pk")
        return FilterSQL(
            sql: "resources.pk IN (SELECT ms.\(own) FROM memberships ms JOIN resources m ON m.pk = ms.\(other) "
                + "WHERE \(condition.sql))",
            values: condition.values)
    }

    var present: FilterSQL { related(.always) }

    func compare(_ op: ComparisonOperator, _ value: ComparisonValue, path: AttributePath) throws(SCIMError)
        -> FilterSQL
    {
        related(try Self.condition(sub: sub ?? "value", op, value, path: path, kind: kind))
    }

    /// `members[value eq "…" and type eq "User"]`.
    func matching(_ inner: Filter) throws(SCIMError) -> FilterSQL {
        related(try condition(inner))
    }

    private func condition(_ filter: Filter) throws(SCIMError) -> FilterSQL {
        switch filter {
        case .and: return try FilterSQL.all(filter.chain(of: .and).map(condition), "AND")
        case .or: return try FilterSQL.all(filter.chain(of: .or).map(condition), "OR")
        case .not(let inner): return try condition(inner).negated()
        case .present(let path):
            _ = try Self.column(path.name, path: path, kind: kind)
            return .always
        case .compare(let path, let op, let value):
            return try Self.condition(sub: path.name, op, value, path: path, kind: kind)
        case .valuePath:
            throw .invalidFilter("Value filters cannot be nested.")
        }
    }

    private static func condition(
        sub: String, _ op: ComparisonOperator, _ value: ComparisonValue, path: AttributePath, kind: ResourceKind
    ) throws(SCIMError) -> FilterSQL {
        let (column, caseExact) = try column(sub, path: path, kind: kind)
        if value == .null { return op == .eq ? .never : .always }
        let leaf = Attribute(name: sub, description: "", caseExact: caseExact)
        let condition = try ValueCondition(leaf: leaf, op: op, value: value, path: path)
        return column.hasPrefix("'") ? condition.constant("direct") : condition.sql(column: column)
    }

    /// The column of the related resource a sub-attribute compares with.
    private static func column(_ sub: String, path: AttributePath, kind: ResourceKind) throws(SCIMError)
        -> (String, Bool)
    {
        switch sub.lowercased() {
        case "value": return ("m.id", true)
        case "type": return kind == .group ? ("lower(m.kind)", false) : ("'direct'", false)
        default: throw .invalidFilter("Filtering on \"\(path)\" is not supported; use value or type.")
        }
    }
}
