import Directory
import Foundation
import SCIMCore
import StoreSQL

/// Statements only PostgreSQL runs: a write's rows passed as one JSON value (`json_to_recordset`), so the statement's
/// text is the same whatever their number and it is prepared once (`PreparedStatements`), and a whole change made
/// by one statement, committed as it ends.
///
/// A write holds its organization's event sequence row until it commits. Written as one statement, it holds it
/// for the statement's own work; written as a transaction, for every round trip between it and `COMMIT` too, and
/// that lock allowed one write at a time in an organization.
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
            sql = sql + SQL(",\n") + numbering(events, after: "inserted", in: organization)
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

    /// Events numbered from the organization's sequence, as common table expressions (`taken`, `told`) of a
    /// statement; only when `source` returns a row, and after it has (the sequence is the last lock a write takes).
    static func numbering(_ events: [NewEvent], after source: String, in organization: OrganizationKey) -> SQL {
        SQL(
            """
            taken AS (
                INSERT INTO event_sequences (org_pk, last) SELECT ?::bigint, ?::bigint FROM \(source)
                ON CONFLICT (org_pk) DO UPDATE SET last = event_sequences.last + excluded.last RETURNING last),
            told AS (\(told))
            """, eventValues(events, in: organization))
    }

    /// Events numbered from the organization's sequence, on their own (in a transaction's change).
    static func events(_ events: [NewEvent], in organization: OrganizationKey) -> SQL {
        SQL(
            """
            WITH taken AS (\(EventSQL.takeSequence))
            \(told)
            """, eventValues(events, in: organization))
    }

    private static let told = """
        INSERT INTO events (org_pk, sequence, id, type, resource_id, time_ms, payload)
        SELECT ?::bigint, taken.last - ?::bigint + v.k, v.id, v.type, v.resource_id, v.time_ms, v.payload
        FROM taken, json_to_recordset(?::json) AS v (
            k bigint, id text, type text, resource_id text, time_ms bigint, payload text)
        """

    private static func eventValues(_ events: [NewEvent], in organization: OrganizationKey) -> [SQLValue] {
        let count = Int64(events.count)
        let rows = JSON.array(
            events.enumerated().map { offset, event in
                .object([
                    "k": .int(offset + 1), "id": .string(event.id), "type": .string(event.type.rawValue),
                    "resource_id": .string(event.resourceID), "time_ms": .int(Int(event.time.milliseconds)),
                    "payload": .string(event.payload),
                ])
            })
        return [
            .integer(organization.rawValue), .integer(count), .integer(organization.rawValue), .integer(count),
            .text(rows.serialized()),
        ]
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
