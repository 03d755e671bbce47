import Foundation

/// The fields of an `application/x-www-form-urlencoded` body or a query string; the last value of a repeated name
/// wins, and the names given more than once are kept (OAuth refuses them).
public struct Form: Sendable {
    public private(set) var fields: [String: String] = [:]
    public private(set) var repeated: Set<String> = []

    public init(urlEncoded text: some StringProtocol) {
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                $0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            guard let name = parts.first, !name.isEmpty else { continue }
            if fields[name] != nil { repeated.insert(name) }
            fields[name] = parts.count > 1 ? parts[1] : ""
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
