import SCIMCore

extension Directory {
    /// The attributes that differ between two stored bodies, for the activity log: `active`, `name.givenName`,
    /// `department` (an extension attribute by its name), `emails`, each with its values before and after (see
    /// `AttributeChange`); and `members (+2 −1)` for member rows.
    static func changes(from old: JSONObject?, to new: JSONObject, members: MembershipChange = MembershipChange())
        -> [String]
    {
        var changed: [AttributeChange] = []
        for key in keys(old, new) where old?[key] != new[key] {
            let before = old?[key]?.objectValue
            let after = new[key]?.objectValue
            guard before != nil || after != nil, old?[key]?.arrayValue == nil, new[key]?.arrayValue == nil else {
                changed.append(AttributeChange(name: key, old: old?[key], new: new[key]))
                continue
            }
            // An extension's attributes are named alone; a complex attribute's as `name.sub`.
            let prefix = key.hasPrefix("urn:") ? "" : key + "."
            for sub in keys(before, after ?? JSONObject()) where before?[sub] != after?[sub] {
                changed.append(AttributeChange(name: prefix + sub, old: before?[sub], new: after?[sub]))
            }
        }
        if !members.isEmpty { changed.append(AttributeChange(name: describe(members))) }
        return changed.map(\.line)
    }

    private static func keys(_ old: JSONObject?, _ new: JSONObject) -> [String] {
        var seen = Set<String>()
        return (new.keys + (old?.keys ?? [])).filter { seen.insert($0.lowercased()).inserted }
    }

    private static func describe(_ members: MembershipChange) -> String {
        var parts: [String] = []
        if members.removeAll { parts.append("all removed") }
        if !members.added.isEmpty { parts.append("+\(members.added.count)") }
        if !members.removed.isEmpty { parts.append("−\(members.removed.count)") }
        return "members (\(parts.joined(separator: " ")))"
    }
}
