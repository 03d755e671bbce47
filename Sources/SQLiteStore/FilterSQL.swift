import Directory
import GRDB
import SCIMCore

/// Compiles a filter to a SQL condition over indexed columns, with every value bound, never interpolated.
///
/// This store answers `eq` and `ne` on `id`, `externalId`, and the folded unique key (`userName` of users,
/// `displayName` of groups), combined with `and`, `or` and `not`. Any other filter is refused with a clear
/// `invalidFilter` rather than answered wrongly or by scanning.
struct FilterSQL {
    var sql: String
    var arguments: StatementArguments

    static func compile(_ filter: Filter?, kind: ResourceKind) throws(SCIMError) -> FilterSQL {
        guard let filter else { return FilterSQL(sql: "1", arguments: []) }
        return try compile(filter, kind: kind)
    }

    private static func compile(_ filter: Filter, kind: ResourceKind) throws(SCIMError) -> FilterSQL {
        switch filter {
        case .and(let lhs, let rhs):
            return try combine(compile(lhs, kind: kind), "AND", compile(rhs, kind: kind))
        case .or(let lhs, let rhs):
            return try combine(compile(lhs, kind: kind), "OR", compile(rhs, kind: kind))
        case .not(let inner):
            let compiled = try compile(inner, kind: kind)
            return FilterSQL(sql: "NOT (\(compiled.sql))", arguments: compiled.arguments)
        case .compare(let path, let op, .string(let value)) where op == .eq || op == .ne:
            guard let (column, folded) = column(for: path, kind: kind) else { throw unsupported(filter) }
            let bound = folded ? Folding.fold(value) : value
            let sql = op == .eq ? "\(column) = ?" : "(\(column) IS NULL OR \(column) <> ?)"
            return FilterSQL(sql: sql, arguments: [bound])
        default:
            throw unsupported(filter)
        }
    }

    private static func combine(_ lhs: FilterSQL, _ op: String, _ rhs: FilterSQL) -> FilterSQL {
        FilterSQL(sql: "(\(lhs.sql)) \(op) (\(rhs.sql))", arguments: lhs.arguments + rhs.arguments)
    }

    /// The column a path maps to, and whether its values are case-folded.
    private static func column(for path: AttributePath, kind: ResourceKind) -> (String, Bool)? {
        guard path.subAttribute == nil else { return nil }
        let coreSchema = kind.resourceType.schema.id
        guard path.schema == nil || path.schema?.caseInsensitiveEquals(coreSchema) == true else { return nil }
        switch (kind, path.name.lowercased()) {
        case (_, "id"): return ("id", false)
        case (_, "externalid"): return ("external_id", false)
        case (.user, "username"): return ("unique_key", true)
        case (.group, "displayname"): return ("unique_key", true)
        default: return nil
        }
    }

    private static func unsupported(_ filter: Filter) -> SCIMError {
        .invalidFilter(
            "The filter \"\(filter)\" is valid SCIM but not supported yet: use eq or ne on id, externalId, "
                + "userName (users) or displayName (groups), combined with and, or, not.")
    }
}
