/// A page of results (RFC 7644 §3.4.2): counters are integers, `Resources` is always present.
public struct ListResponse: Sendable {
    public var totalResults: Int
    public var startIndex: Int
    public var resources: [JSON]

    public init(totalResults: Int, startIndex: Int, resources: [JSON]) {
        self.totalResults = totalResults
        self.startIndex = startIndex
        self.resources = resources
    }

    public var json: JSON {
        .object([
            "schemas": .array([.string(MessageSchema.listResponse)]),
            "totalResults": .int(totalResults),
            "startIndex": .int(startIndex),
            "itemsPerPage": .int(resources.count),
            "Resources": .array(resources),
        ])
    }
}

/// Index-based paging (RFC 7644 §3.4.2.4), clamped the way the RFC asks.
public struct Page: Sendable, Hashable {
    /// 1-based; "A value less than 1 SHALL be interpreted as 1."
    public var startIndex: Int
    /// "A negative value SHALL be interpreted as 0"; never more than the server's maximum.
    public var count: Int

    public init(startIndex: Int?, count: Int?, maximum: Int) {
        self.startIndex = max(1, startIndex ?? 1)
        self.count = min(max(0, count ?? maximum), maximum)
    }

    /// Parses the query parameters; text that is not an integer is an `invalidValue` error.
    public static func parse(startIndex: String?, count: String?, maximum: Int) throws(SCIMError) -> Page {
        Page(
            startIndex: try integer(startIndex, name: "startIndex"), count: try integer(count, name: "count"),
            maximum: maximum)
    }

    private static func integer(_ text: String?, name: String) throws(SCIMError) -> Int? {
        guard let text, !text.isEmpty else { return nil }
        guard let value = Int(text) else { throw .invalidValue("\"\(name)\" must be an integer, not \"\(text)\".") }
        return value
    }

    public var offset: Int { startIndex - 1 }
}
