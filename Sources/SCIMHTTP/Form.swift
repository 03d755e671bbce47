import Foundation
import Hummingbird

/// The fields of an `application/x-www-form-urlencoded` body or a query string; the last value of a repeated name
/// wins, and the names given more than once are kept (OAuth refuses them). A value that is not valid
/// percent-encoded UTF-8 reads as empty; a name that is not is dropped. Split and decoded on bytes, with the query
/// parameters' decoder (`Request.decode`): a SAML response is tens of kilobytes.
public struct Form: Sendable {
    public private(set) var fields: [String: String] = [:]
    public private(set) var repeated: Set<String> = []

    public init(urlEncoded text: some StringProtocol) {
        let text = Substring(text)
        for pair in text.utf8.split(separator: UInt8(ascii: "&")) {
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            let name = Substring(pair[..<(equals ?? pair.endIndex)])
            guard let name = Request.decode(name), !name.isEmpty else { continue }
            let value = equals.map { Substring(pair[pair.index(after: $0)...]) } ?? ""
            if fields[name] != nil { repeated.insert(name) }
            fields[name] = Request.decode(value) ?? ""
        }
    }

    public subscript(name: String) -> String? { fields[name] }

    /// A field's value trimmed; empty is nil.
    public func text(_ name: String) -> String? {
        guard let value = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            return nil
        }
        return value
    }
}
