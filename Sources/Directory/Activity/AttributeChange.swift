import SCIMCore

/// One attribute a write changed, as the activity log keeps it: its name and, clipped, its value before and after
/// (`nil` where there was none). A secret (`password`) is named, never shown.
public struct AttributeChange: Sendable, Hashable {
    public var name: String
    public var before: String?
    public var after: String?

    public init(name: String, before: String? = nil, after: String? = nil) {
        self.name = name
        self.before = before
        self.after = after
    }

    /// The longest value kept, in characters.
    static let maxValue = 160

    /// A change from `old` to `new`, values written as compact JSON and clipped.
    init(name: String, old: JSON?, new: JSON?) {
        self.name = name
        guard !name.lowercased().hasSuffix("password") else { return }
        before = old.map(Self.clipped)
        after = new.map(Self.clipped)
    }

    private static func clipped(_ value: JSON) -> String {
        let text = value.serialized()
        return text.count <= maxValue ? text : String(text.prefix(maxValue - 1)) + "…"
    }

    /// One line: the name alone, or the name, the value before and the value after, separated by tabs (JSON text
    /// never holds a raw tab or newline; a name never does).
    public var line: String {
        before == nil && after == nil ? name : "\(name)\t\(before ?? "")\t\(after ?? "")"
    }

    public init(line: String) {
        let parts = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        name = parts[0]
        if parts.count == 3 {
            before = parts[1].isEmpty ? nil : parts[1]
            after = parts[2].isEmpty ? nil : parts[2]
        }
    }
}
