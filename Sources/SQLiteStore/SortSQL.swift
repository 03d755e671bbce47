import Directory
import GRDB
import SCIMCore

/// The ORDER BY of a query: the sort key, missing values last when ascending and first when descending
/// (RFC 7644 §3.4.2.3), then creation order, which makes the order total and paging stable.
struct SortSQL {
    var sql: String
    var arguments: StatementArguments

    static func compile(_ sort: Sort?, kind: ResourceKind) throws(SCIMError) -> SortSQL {
        guard let sort else { return SortSQL(sql: "resources.pk", arguments: []) }
        let key = try key(sort.path, kind: kind)
        let direction = sort.ascending ? "ASC NULLS LAST" : "DESC NULLS FIRST"
        return SortSQL(sql: "\(key.sql) \(direction), resources.pk", arguments: key.arguments)
    }

    private static func key(_ path: AttributePath, kind: ResourceKind) throws(SCIMError) -> SortSQL {
        switch try FilterCompiler(kind: kind).target(path) {
        case .column(let column) where column.column.hasPrefix("resources."):
            return SortSQL(sql: column.column, arguments: [])
        case .leaf(let leafPath, let attribute):
            return indexed(leafPath, attribute)
        case .complex(let attribute, let urn):
            guard let value = attribute.subAttribute(named: "value") else { throw unsortable(path) }
            return indexed(AttributeIndex.path(urn: urn, attribute: attribute.name, sub: value.name), value)
        default:
            throw unsortable(path)
        }
    }

    private static func indexed(_ path: String, _ attribute: Attribute) -> SortSQL {
        let column =
            switch attribute.type {
            case .integer, .decimal: "number_value"
            case .boolean: "bool_value"
            case .dateTime: "time_value"
            default: "text_value"
            }
        return SortSQL(
            sql: "(SELECT MIN(s.\(column)) FROM attribute_values s WHERE s.resource_pk = resources.pk AND s.path = ?)",
            arguments: [path])
    }

    private static func unsortable(_ path: AttributePath) -> SCIMError {
        .invalidValue("Cannot sort by \"\(path)\".")
    }
}
