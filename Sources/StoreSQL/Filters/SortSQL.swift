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
        let (key, _) = try key(sort.path, compiler: compiler, ascending: sort.ascending)
        // A column every row has needs no place for missing values, and without one the column's index gives the
        // order (with it, SQLite sorts every match to find the first page).
        let direction =
            notNullColumns.contains(key.sql)
            ? (sort.ascending ? "ASC" : "DESC") : (sort.ascending ? "ASC NULLS LAST" : "DESC NULLS FIRST")
        return SortSQL(sql: "\(key.sql) \(direction), resources.pk", values: key.values)
    }

    /// A multi-valued attribute sorts by its smallest value ascending and its largest descending, so the
    /// descending order is the ascending one reversed.
    /// The key and the type of its values (what a cursor keeps of it).
    static func key(_ path: AttributePath, compiler: FilterCompiler, ascending: Bool) throws(SCIMError)
        -> (SortSQL, KeysetSQL.ValueType)
    {
        switch try compiler.target(path) {
        case .column(let column) where column.column.hasPrefix("resources."):
            let type: KeysetSQL.ValueType = if case .time = column.kind { .integer } else { .text }
            return (SortSQL(sql: column.column, values: []), type)
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

    private static func indexed(_ path: String, _ attribute: Attribute, ascending: Bool)
        -> (SortSQL, KeysetSQL.ValueType)
    {
        let (column, type): (String, KeysetSQL.ValueType) =
            switch attribute.type {
            case .integer, .decimal: ("number_value", .real)
            case .boolean: ("bool_value", .integer)
            case .dateTime: ("time_value", .integer)
            default: ("text_value", .text)
            }
        let key = SortSQL(
            sql:
                "(SELECT \(ascending ? "MIN" : "MAX")(s.\(column)) FROM attribute_values s WHERE s.resource_pk = resources.pk AND s.path = ?)",
            values: [.text(path)])
        return (key, type)
    }

    private static func unsortable(_ path: AttributePath) -> SCIMError {
        .invalidValue("Cannot sort by \"\(path)\".")
    }
}

/// A keyset page's SQL: the sort key to select with each row, the condition that starts the page after (or before)
/// a position, and the order to read in. A missing sort key is taken as larger than every value, which is where
/// `SortSQL` puts it in both directions (last ascending, first descending); ties go by row key, ascending.
/// Reading backwards reverses the whole order; the store reverses the rows it reads.
public struct KeysetSQL: Sendable {
    /// The sort key of a row, selected after its other columns ("NULL" when the query does not sort).
    public var key: SortSQL
    /// The type the sort key has, to read it back.
    public var valueType: ValueType
    /// "1 = 1" on the first page.
    public var condition: SortSQL
    public var order: SortSQL

    public enum ValueType: Sendable { case none, text, integer, real }

    public static func compile(
        _ sort: Sort?, kind: ResourceKind, type: ResourceType, seek: Seek
    ) throws(SCIMError) -> KeysetSQL {
        let backward = seek.backward
        let row = "resources.pk"
        let rowAfter = backward ? "\(row) < ?" : "\(row) > ?"
        let rowOrder = backward ? "\(row) DESC" : "\(row) ASC"
        guard let sort else {
            let condition =
                seek.position.map { SortSQL(sql: rowAfter, values: [.integer($0.row)]) }
                ?? SortSQL(sql: "1 = 1", values: [])
            return KeysetSQL(
                key: SortSQL(sql: "NULL", values: []), valueType: .none, condition: condition,
                order: SortSQL(sql: rowOrder, values: []))
        }
        let (key, valueType) = try SortSQL.keyExpression(sort, kind: kind, type: type)
        let ascending = sort.ascending != backward
        if SortSQL.notNullColumns.contains(key.sql) {
            // A column every row has: the row key follows the sort key's direction, so the position is one
            // row-value comparison that the (organization, kind, column, row) index answers as a range.
            let direction = ascending ? "ASC" : "DESC"
            let order = SortSQL(sql: "\(key.sql) \(direction), \(row) \(direction)", values: [])
            let condition =
                seek.position.map {
                    SortSQL(
                        sql: "(\(key.sql), \(row)) \(ascending ? ">" : "<") (?, ?)",
                        values: [SQLValue($0.sortValue ?? .missing), .integer($0.row)])
                } ?? SortSQL(sql: "1 = 1", values: [])
            return KeysetSQL(key: key, valueType: valueType, condition: condition, order: order)
        }
        let order = SortSQL(
            sql: "\(key.sql) \(ascending ? "ASC NULLS LAST" : "DESC NULLS FIRST"), \(rowOrder)", values: key.values)
        guard let position = seek.position else {
            return KeysetSQL(key: key, valueType: valueType, condition: SortSQL(sql: "1 = 1", values: []), order: order)
        }
        // Built left to right, so the key's own bound values land in the order of its placeholders.
        var sql = ""
        var values: [SQLValue] = []
        func appendKey(_ then: String) {
            sql += key.sql + then
            values += key.values
        }
        let rowValue = SQLValue.integer(position.row)
        switch (position.sortValue.map { SQLValue($0) } ?? .null, ascending) {
        case (.null, true):
            // Only missing keys come after a missing key, by row.
            appendKey(" IS NULL AND \(rowAfter)")
            values.append(rowValue)
        case (.null, false):
            // Descending, missing keys come first: every present key comes after them.
            sql += "("
            appendKey(" IS NOT NULL OR (")
            appendKey(" IS NULL AND \(rowAfter)))")
            values.append(rowValue)
        case (let value, true):
            sql += "("
            appendKey(" > ? OR ")
            values.append(value)
            appendKey(" IS NULL OR (")
            appendKey(" = ? AND \(rowAfter)))")
            values += [value, rowValue]
        case (let value, false):
            sql += "("
            appendKey(" < ? OR (")
            values.append(value)
            appendKey(" = ? AND \(rowAfter)))")
            values += [value, rowValue]
        }
        return KeysetSQL(key: key, valueType: valueType, condition: SortSQL(sql: sql, values: values), order: order)
    }

    /// The position of a row whose sort key (as selected by `key`) is `value`.
    public func position(row: Int64, value: SQLValue) -> Keyset {
        guard valueType != .none else { return Keyset(sortValue: nil, row: row) }
        let sortValue: SortValue =
            switch value {
            case .null: .missing
            case .text(let text): .text(text)
            case .integer(let number): valueType == .real ? .real(Double(number)) : .integer(number)
            case .real(let number): .real(number)
            }
        return Keyset(sortValue: sortValue, row: row)
    }
}

extension SQLValue {
    init(_ value: SortValue) {
        switch value {
        case .text(let text): self = .text(text)
        case .integer(let number): self = .integer(number)
        case .real(let number): self = .real(number)
        case .missing: self = .null
        }
    }
}

extension SortSQL {
    /// Columns of `resources` no row leaves empty (every resource has a name, an id and its times).
    static let notNullColumns: Set<String> = [
        "resources.unique_key", "resources.id", "resources.created_ms", "resources.modified_ms",
    ]

    /// The sort key of a query that sorts, and the type of its values.
    static func keyExpression(_ sort: Sort, kind: ResourceKind, type: ResourceType) throws(SCIMError)
        -> (SortSQL, KeysetSQL.ValueType)
    {
        try key(
            sort.path, compiler: FilterCompiler(kind: kind, type: type, organization: .default),
            ascending: sort.ascending)
    }
}
