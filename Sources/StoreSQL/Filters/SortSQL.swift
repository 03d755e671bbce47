import Directory
import SCIMCore

/// The ORDER BY of a query: the sort key, missing values last when ascending and first when descending
/// (RFC 7644 §3.4.2.3), then creation order, which makes the order total and paging stable.
public struct SortSQL: Sendable {
    public var sql: String
    public var values: [SQLValue]

    public static func compile(_ sort: Sort?, kind: ResourceKind, type: ResourceType? = nil) throws(SCIMError)
        -> SortSQL
    {
        guard let sort else { return SortSQL(sql: "resources.pk", values: []) }
        // The sort key is read per resource, through its own rows: no organization is needed to find them.
        let compiler = FilterCompiler(kind: kind, type: type ?? kind.resourceType, organization: .default)
        let key = try key(sort.path, compiler: compiler, ascending: sort.ascending)
        let direction = sort.ascending ? "ASC NULLS LAST" : "DESC NULLS FIRST"
        return SortSQL(sql: "\(key.sql) \(direction), resources.pk", values: key.values)
    }

    /// A multi-valued attribute sorts by its smallest value ascending and its largest descending, so the
    /// descending order is the ascending one reversed.
    private static func key(_ path: AttributePath, compiler: FilterCompiler, ascending: Bool) throws(SCIMError)
        -> SortSQL
    {
        switch try compiler.target(path) {
        case .column(let column) where column.column.hasPrefix("resources."):
            return SortSQL(sql: column.column, values: [])
        case .leaf(let leafPath, let attribute):
            return indexed(leafPath, attribute, ascending: ascending)
        case .complex(let attribute, let urn):
            guard let value = attribute.subAttribute(named: "value") else { throw unsortable(path) }
            return indexed(
                AttributeIndex.path(urn: urn, attribute: attribute.name, sub: value.name), value, ascending: ascending)
        default:
            throw unsortable(path)
        }
    }

    private static func indexed(_ path: String, _ attribute: Attribute, ascending: Bool) -> SortSQL {
        let column =
            switch attribute.type {
            case .integer, .decimal: "number_value"
            case .boolean: "bool_value"
            case .dateTime: "time_value"
            default: "text_value"
            }
        return SortSQL(
            sql:
                "(SELECT \(ascending ? "MIN" : "MAX")(s.\(column)) FROM attribute_values s WHERE s.resource_pk = resources.pk AND s.path = ?)",
            values: [.text(path)])
    }

    private static func unsortable(_ path: AttributePath) -> SCIMError {
        .invalidValue("Cannot sort by \"\(path)\".")
    }
}
