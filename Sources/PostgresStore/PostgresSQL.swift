import Directory
import Foundation
import SCIMCore
import StoreSQL

/// Statements only PostgreSQL runs: a write's rows passed as one JSON value (`json_to_recordset`), so the statement's
/// text is the same whatever their number and it is prepared once (`PreparedStatements`), and a whole change made
/// by one statement, committed as it ends.
///
/// Writes hold no row of their organization to their commit: keys are drawn under a lock writers share
/// (`PostgresStore+CommitOrder`) and events are numbered after they commit (`PostgresStore+EventNumbering`).
enum PostgresSQL {
    /// A resource, its indexed values and its events: the new row's key.
    static func insert(_ resource: StoredResource, events: [NewEvent], in organization: OrganizationKey) -> SQL {
        var sql = SQL(
            """
            WITH inserted AS (\(ResourceSQL.insert) RETURNING pk),
            indexed AS (\(index(from: "inserted")))
            """,
            ResourceSQL.insertValues(resource, in: organization) + [
                .integer(organization.rawValue), .text(rows(resource.indexedValues)),
            ])
        if !events.isEmpty {
            sql = sql + SQL(",\n") + telling(events, after: "inserted", in: organization)
        }
        return sql + SQL("\nSELECT pk FROM inserted")
    }

    /// Indexed values for the key of the row `source` returns; binds the organization's key, then the values as
    /// `rows(_:)` writes them.
    static func index(from source: String) -> String {
        """
        \(ResourceSQL.insertValues)
        SELECT ?, \(source).pk, v.path, v.element, v.text_value, v.number_value, v.bool_value, v.time_value
        FROM \(source), json_to_recordset(?::json) AS v (
            path text, element integer, text_value text, number_value float8, bool_value smallint, time_value bigint)
        """
    }

    /// The events, as a common table expression (`told`) of a statement: only when `source` returns a row. They
    /// are written unnumbered; `roster_number_events()` numbers them once they have committed.
    static func telling(_ events: [NewEvent], after source: String, in organization: OrganizationKey) -> SQL {
        SQL(
            "told AS (\(told) FROM (SELECT 1 FROM \(source) LIMIT 1) AS written, \(recordset))",
            eventValues(events, in: organization))
    }

    /// The events, unnumbered, on their own (in a transaction's change).
    static func events(_ events: [NewEvent], in organization: OrganizationKey) -> SQL {
        SQL("\(told) FROM \(recordset)", eventValues(events, in: organization))
    }

    private static let told = """
        INSERT INTO events (org_pk, id, type, resource_id, time_ms, payload)
        SELECT ?::bigint, v.id, v.type, v.resource_id, v.time_ms, v.payload
        """

    private static let recordset = """
        json_to_recordset(?::json) AS v (id text, type text, resource_id text, time_ms bigint, payload text)
        """

    private static func eventValues(_ events: [NewEvent], in organization: OrganizationKey) -> [SQLValue] {
        let rows = JSON.array(
            events.map { event in
                .object([
                    "id": .string(event.id), "type": .string(event.type.rawValue),
                    "resource_id": .string(event.resourceID), "time_ms": .int(Int(event.time.milliseconds)),
                    "payload": .string(event.payload),
                ])
            })
        return [.integer(organization.rawValue), .text(rows.serialized())]
    }

    /// Indexed values as the JSON array `index(from:)` reads.
    static func rows(_ values: [IndexedValue]) -> String {
        JSON.array(
            values.map { value in
                .object([
                    "path": .string(value.path), "element": .int(value.element),
                    "text_value": value.text.map(JSON.string) ?? .null,
                    "number_value": value.number.map(JSON.double) ?? .null,
                    "bool_value": value.bool.map { .int($0 ? 1 : 0) } ?? .null,
                    "time_value": value.time.map { .int(Int($0)) } ?? .null,
                ])
            }
        ).serialized()
    }
}
