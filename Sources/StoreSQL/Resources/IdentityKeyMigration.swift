import SCIMCore

/// The migration that makes `unique_key` an `IdentityName` key instead of a lower-cased name, alike on both
/// dialects: each reads the keys, asks `rekey` which change, and writes them with the unique index dropped.
public enum IdentityKeyMigration {
    public struct Row: Sendable {
        public var pk: Int64
        /// The organization and kind a key is unique within.
        public var scope: String
        public var key: String

        public init(pk: Int64, scope: String, key: String) {
            self.pk = pk
            self.scope = scope
            self.key = key
        }
    }

    /// The statement that reads the rows, as `Row(pk, scope, key)` columns.
    public static let select = """
        SELECT pk, CAST(org_pk AS TEXT) || '/' || kind, unique_key FROM resources WHERE unique_key IS NOT NULL
        ORDER BY pk
        """
    public static let dropIndex = "DROP INDEX resources_by_unique_key"
    public static let update = "UPDATE resources SET unique_key = ? WHERE pk = ?"
    public static let createIndex = "CREATE UNIQUE INDEX resources_by_unique_key ON resources(org_pk, kind, unique_key)"

    /// The new key of every row whose key changes. An old key was the name lower-cased, so its `IdentityName` key
    /// is the name's. Names that were distinct before and are one name now (`alice` and `alice ` or `ａlice`, made
    /// by earlier versions) cannot all have it: rows already holding their key keep it, then the oldest row takes
    /// it, and the others keep their old keys, which no new key equals (a new key is its own key; an old one that
    /// changes is not). Such a duplicate stays readable by id; its next write with the same name is refused as a
    /// conflict, which shows the duplicate to whoever provisions it.
    public static func rekey(_ rows: [Row]) -> [(pk: Int64, key: String)] {
        // Compared as the database compares them, byte by byte: Swift's String equality would find `é` and `e` with
        // a combining accent equal.
        var claimed = Set<[UInt8]>()
        var pending: [(Row, String)] = []
        for row in rows {
            let key = IdentityName.key(row.key)
            if key.utf8.elementsEqual(row.key.utf8) {
                claimed.insert(Array((row.scope + "\u{0}" + key).utf8))
            } else {
                pending.append((row, key))
            }
        }
        var changes: [(pk: Int64, key: String)] = []
        for (row, key) in pending where claimed.insert(Array((row.scope + "\u{0}" + key).utf8)).inserted {
            changes.append((row.pk, key))
        }
        return changes
    }
}
