/// A `POST /.search` body (RFC 7644 §3.4.3): query parameters carried as JSON.
public struct SearchRequest: Sendable {
    public var filter: String?
    public var startIndex: Int?
    public var count: Int?
    /// RFC 9865: present (empty for the first page) when the client pages by cursor.
    public var cursor: String?
    public var sortBy: String?
    public var sortOrder: String?
    public var projection: Projection

    public init(_ body: JSON) throws(SCIMError) {
        guard let object = body.objectValue else { throw .invalidSyntax("A SearchRequest must be a JSON object.") }
        if let schemas = object["schemas"]?.arrayValue,
            !schemas.contains(where: { $0.stringValue?.caseInsensitiveEquals(MessageSchema.searchRequest) == true })
        {
            throw .invalidSyntax("A SearchRequest's \"schemas\" must contain \(MessageSchema.searchRequest).")
        }
        filter = try Self.string(object["filter"], name: "filter")
        startIndex = try Self.integer(object["startIndex"], name: "startIndex")
        count = try Self.integer(object["count"], name: "count")
        cursor = try Self.string(object["cursor"], name: "cursor")
        sortBy = try Self.string(object["sortBy"], name: "sortBy")
        sortOrder = try Self.string(object["sortOrder"], name: "sortOrder")
        projection = Projection(
            attributes: try Self.paths(object["attributes"], name: "attributes"),
            excludedAttributes: try Self.paths(object["excludedAttributes"], name: "excludedAttributes"))
    }

    private static func string(_ value: JSON?, name: String) throws(SCIMError) -> String? {
        switch value {
        case nil, .null: return nil
        case .string(let text): return text
        default: throw .invalidValue("\"\(name)\" must be a string.")
        }
    }

    private static func integer(_ value: JSON?, name: String) throws(SCIMError) -> Int? {
        switch value {
        case nil, .null: return nil
        case .int(let number): return number
        default: throw .invalidValue("\"\(name)\" must be an integer.")
        }
    }

    private static func paths(_ value: JSON?, name: String) throws(SCIMError) -> [AttributePath] {
        switch value {
        case nil, .null: return []
        case .array(let items):
            guard items.count <= Projection.maxPaths else {
                throw .invalidValue("At most \(Projection.maxPaths) attribute names may be listed.")
            }
            var paths: [AttributePath] = []
            for item in items {
                guard let text = item.stringValue else { throw .invalidValue("\"\(name)\" must hold strings.") }
                paths.append(try AttributePath.parse(text))
            }
            return paths
        case .string(let text):
            return try Projection.parse(attributes: text, excludedAttributes: nil).attributes
        default:
            throw .invalidValue("\"\(name)\" must be an array of attribute names.")
        }
    }
}
