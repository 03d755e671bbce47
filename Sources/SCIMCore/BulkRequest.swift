import Foundation

/// A `POST /Bulk` body (RFC 7644 §3.7): operations on resource endpoints, each run on its own.
///
/// A body that is not a BulkRequest at all is refused whole; an operation that cannot run as written keeps its
/// problem and is answered with it in its place, so the others still run.
public struct BulkRequest: Sendable {
    /// Errors after which the rest is not attempted; nil: every operation is attempted.
    public var failOnErrors: Int?
    public var operations: [BulkOperation]

    public init(_ body: JSON, maxOperations: Int) throws(SCIMError) {
        guard let object = body.objectValue else { throw .invalidSyntax("A BulkRequest must be a JSON object.") }
        if let schemas = object["schemas"] {
            guard
                schemas.arrayValue?.contains(where: {
                    $0.stringValue?.caseInsensitiveEquals(MessageSchema.bulkRequest) == true
                }) == true
            else { throw .invalidSyntax("A BulkRequest's \"schemas\" must contain \(MessageSchema.bulkRequest).") }
        }
        switch object["failOnErrors"] {
        case nil, .null: failOnErrors = nil
        case .int(let count) where count >= 1: failOnErrors = count
        default: throw .invalidValue("\"failOnErrors\" must be an integer of at least 1.")
        }
        guard let items = object["Operations"]?.arrayValue else {
            throw .invalidSyntax("A BulkRequest must hold an \"Operations\" array.")
        }
        guard items.count <= maxOperations else {
            throw .payloadTooLarge(
                "This BulkRequest holds \(items.count) operations, more than maxOperations (\(maxOperations)).")
        }
        var operations = items.map(BulkOperation.init)
        var defined = Set<String>()
        for index in operations.indices {
            guard let bulkId = operations[index].bulkId else { continue }
            if !defined.insert(bulkId).inserted && operations[index].problem == nil {
                operations[index].problem = .invalidValue("bulkId \"\(bulkId)\" is used by an earlier operation.")
            }
        }
        self.operations = operations
    }
}

/// One operation of a BulkRequest, as written, and what it needs before it can run.
public struct BulkOperation: Sendable {
    public enum Method: String, Sendable { case post = "POST", put = "PUT", patch = "PATCH", delete = "DELETE" }

    /// The method as written, for the answer; `verb` when it is one Bulk takes.
    public var method: String
    public var verb: Method?
    public var bulkId: String?
    /// The resource version the operation requires (`If-Match`), such as `W/"3"`.
    public var version: String?
    /// `/Users` for a POST, `/Users/{id}` (or `/Users/bulkId:…`) otherwise.
    public var path: String
    public var data: JSON?
    /// Why it cannot run as written, found before anything runs.
    public var problem: SCIMError?
    /// The bulkIds it refers to, in its path or data: the operations that create them run first.
    public var references: Set<String> = []

    init(_ item: JSON) {
        let object = item.objectValue ?? [:]
        method = object["method"]?.stringValue ?? ""
        verb = Method(rawValue: method.uppercased())
        bulkId = object["bulkId"]?.stringValue
        version = object["version"]?.stringValue
        path = object["path"]?.stringValue ?? ""
        data = object["data"]
        problem = Self.problem(item: item, object: object, verb: verb, bulkId: bulkId, path: path, data: data)
        if problem == nil {
            references = BulkReference.referenced(in: path)
            if let data { BulkReference.collect(in: data, into: &references) }
        }
    }

    private static func problem(
        item: JSON, object: JSONObject, verb: Method?, bulkId: String?, path: String, data: JSON?
    ) -> SCIMError? {
        guard item.objectValue != nil else { return .invalidSyntax("An operation must be a JSON object.") }
        guard let verb else {
            return .invalidValue("\"method\" must be POST, PUT, PATCH or DELETE.")
        }
        if let bulkId = object["bulkId"], bulkId.stringValue?.isEmpty != false {
            return .invalidValue("\"bulkId\" must be a non-empty string.")
        }
        if verb == .post && bulkId == nil { return .invalidValue("A POST operation needs a \"bulkId\".") }
        if let version = object["version"], version != .null, version.stringValue == nil {
            return .invalidValue("\"version\" must be a string, such as W/\"3\".")
        }
        guard !path.isEmpty else { return .invalidValue("An operation needs a \"path\", such as \"/Users\".") }
        switch verb {
        case .delete: break
        case .post, .put, .patch:
            guard data?.objectValue != nil else {
                return .invalidSyntax("A \(verb.rawValue) operation needs \"data\", a JSON object.")
            }
        }
        return nil
    }

    /// The endpoint and, for all but POST, the id (or `bulkId:…`) of the path; nil when it names no resource
    /// the way this method needs.
    public var target: (endpoint: String, id: String?)? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        switch (verb, segments.count) {
        case (.post, 1): return (segments[0], nil)
        case (.put, 2), (.patch, 2), (.delete, 2): return (segments[0], segments[1])
        default: return nil
        }
    }
}

/// `bulkId:qwerty`: a resource this request creates, named before it exists (RFC 7644 §3.7.2). It stands for an id
/// as a whole value (`"value": "bulkId:qwerty"`), as a path's last segment, or quoted inside a PATCH operation's
/// path filter (`members[value eq "bulkId:qwerty"]`). Other text is never rewritten, whatever it quotes.
public enum BulkReference {
    static let prefix = "bulkId:"

    /// The bulkId a whole value names.
    static func whole(_ text: String) -> String? {
        guard text.hasPrefix(prefix), text.count > prefix.count else { return nil }
        return String(text.dropFirst(prefix.count))
    }

    /// The bulkIds an operation's path names: a whole one as its last segment.
    static func referenced(in path: String) -> Set<String> {
        guard let last = path.split(separator: "/").last, let bulkId = whole(String(last)) else { return [] }
        return [bulkId]
    }

    /// The bulkIds `data` names: whole string values anywhere, and quoted ones in PATCH operations' paths.
    static func collect(in data: JSON, into found: inout Set<String>) {
        visit(data, patchPath: false) { text, isPatchPath in
            if let bulkId = whole(text) { found.insert(bulkId) }
            if isPatchPath { for range in quoted(in: text) { found.insert(String(text[range])) } }
            return nil
        }
    }

    /// `path` with a bulkId as its last segment replaced by the id `ids` has for it.
    public static func resolve(path: String, ids: [String: String]) -> String {
        guard let last = path.split(separator: "/", omittingEmptySubsequences: false).last,
            let bulkId = whole(String(last)), let id = ids[bulkId]
        else { return path }
        return String(path.dropLast(last.count)) + id
    }

    /// `data` with each bulkId it names replaced by the id `ids` has for it.
    public static func resolve(_ data: JSON, ids: [String: String]) -> JSON {
        visit(data, patchPath: false) { text, isPatchPath in
            if let bulkId = whole(text), let id = ids[bulkId] { return id }
            guard isPatchPath else { return nil }
            let ranges = quoted(in: text)
            guard !ranges.isEmpty else { return nil }
            // Built in one pass: a path may quote many bulkIds.
            var result = ""
            var copied = text.startIndex
            for range in ranges {
                guard let id = ids[String(text[range])] else { continue }
                let start = text.index(range.lowerBound, offsetBy: -prefix.count)
                result += text[copied..<start]
                result += id
                copied = range.upperBound
            }
            return result + text[copied...]
        }
    }

    /// Calls `body` with every string in `value` and whether it is a PATCH operation's `path`; a string `body`
    /// returns replaces it.
    @discardableResult
    private static func visit(_ value: JSON, patchPath: Bool, _ body: (String, Bool) -> String?) -> JSON {
        switch value {
        case .string(let text): return body(text, patchPath).map(JSON.string) ?? value
        case .array(let items): return .array(items.map { visit($0, patchPath: false, body) })
        case .object(let object):
            // `{"op": …, "path": "members[value eq \"bulkId:x\"]"}` inside a PATCH's `Operations`.
            let isOperation = object["op"] != nil
            return .object(
                JSONObject(
                    object.members.map { member in
                        let isPath = isOperation && member.key.caseInsensitiveEquals("path")
                        return (key: member.key, value: visit(member.value, patchPath: isPath, body))
                    }))
        default: return value
        }
    }

    /// The ranges of the bulkIds quoted in `text` (`"bulkId:x"`), without the prefix or quotes.
    private static func quoted(in text: String) -> [Range<String.Index>] {
        var ranges: [Range<String.Index>] = []
        var searchStart = text.startIndex
        while let opening = text.range(of: "\"" + prefix, range: searchStart..<text.endIndex) {
            guard let closing = text[opening.upperBound...].firstIndex(of: "\"") else { break }
            if closing > opening.upperBound { ranges.append(opening.upperBound..<closing) }
            searchStart = text.index(after: closing)
        }
        return ranges
    }
}
