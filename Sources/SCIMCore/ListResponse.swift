/// A page of results (RFC 7644 §3.4.2): counters are integers, `Resources` is always present.
public struct ListResponse: Sendable {
    public var totalResults: Int
    /// Index paging's start; nil on a cursor page (RFC 9865), which has cursors instead.
    public var startIndex: Int?
    public var resources: [JSON]
    /// RFC 9865: on every cursor page but the last.
    public var nextCursor: String?
    /// RFC 9865: never on the first page.
    public var previousCursor: String?

    public init(
        totalResults: Int, startIndex: Int?, resources: [JSON], nextCursor: String? = nil,
        previousCursor: String? = nil
    ) {
        self.totalResults = totalResults
        self.startIndex = startIndex
        self.resources = resources
        self.nextCursor = nextCursor
        self.previousCursor = previousCursor
    }

    public var json: JSON {
        var object: JSONObject = [
            "schemas": .array([.string(MessageSchema.listResponse)]),
            "totalResults": .int(totalResults),
        ]
        if let startIndex { object["startIndex"] = .int(startIndex) }
        object["itemsPerPage"] = .int(resources.count)
        if let previousCursor { object["previousCursor"] = .string(previousCursor) }
        if let nextCursor { object["nextCursor"] = .string(nextCursor) }
        object["Resources"] = .array(resources)
        return .object(object)
    }
}

/// Cursor paging (RFC 9865): the cursor, empty for the first page, and the page size.
public struct CursorPaging: Sendable, Hashable {
    public var cursor: String
    public var count: Int

    /// `count` absent is `maximum`; negative is 0 (RFC 9865 §2); more than `maximum`, or not an integer, is an
    /// `invalidCount`, since a cursor's pages all have the size of the first.
    public init(cursor: String, count: Int?, maximum: Int) throws(SCIMError) {
        let count = max(0, count ?? maximum)
        guard count <= maximum else {
            throw .invalidCount("\"count\" must be between 0 and \(maximum) with a cursor, not \(count).")
        }
        self.cursor = cursor
        self.count = count
    }

    public static func parse(cursor: String, count: String?, maximum: Int) throws(SCIMError) -> CursorPaging {
        guard let count, !count.isEmpty else { return try CursorPaging(cursor: cursor, count: nil, maximum: maximum) }
        guard let value = Int(count) else { throw .invalidCount("\"count\" must be an integer, not \"\(count)\".") }
        return try CursorPaging(cursor: cursor, count: value, maximum: maximum)
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
