import Foundation

/// The fields of an `application/x-www-form-urlencoded` body or a query string; the last value of a repeated name
/// wins, and the names given more than once are kept (OAuth refuses them). A value that is not valid
/// percent-encoded UTF-8 reads as empty.
///
/// Decoded byte by byte: Foundation's `removingPercentEncoding` over a SAML response's 10 KB (or an attacker's
/// megabyte) was most of the time a sign-in spent outside its cryptography.
public struct Form: Sendable {
    public private(set) var fields: [String: String] = [:]
    public private(set) var repeated: Set<String> = []

    public init(urlEncoded text: some StringProtocol) {
        var utf8 = Array(text.utf8)
        utf8.withUnsafeMutableBufferPointer { bytes in
            var start = 0
            while start <= bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: "&") { end += 1 }
                if end > start {
                    var equals = start
                    while equals < end, bytes[equals] != UInt8(ascii: "=") { equals += 1 }
                    // A name that does not decode is dropped.
                    if let name = Self.decode(bytes, start..<equals), !name.isEmpty {
                        let value = equals < end ? Self.decode(bytes, (equals + 1)..<end) ?? "" : ""
                        if fields[name] != nil { repeated.insert(name) }
                        fields[name] = value
                    }
                }
                start = end + 1
            }
        }
    }

    /// `+` as a space and `%XX` as its byte; nil when a `%` is not followed by two hex digits or the bytes are not
    /// UTF-8.
    static func decode(_ bytes: UnsafeMutableBufferPointer<UInt8>, _ range: Range<Int>) -> String? {
        var output: [UInt8] = []
        output.reserveCapacity(range.count)
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                output.append(0x20)
            } else if byte == UInt8(ascii: "%") {
                guard index + 2 < range.upperBound, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2])
                else { return nil }
                output.append(high << 4 | low)
                index += 2
            } else {
                output.append(byte)
            }
            index += 1
        }
        return String(validating: output, as: UTF8.self)
    }

    static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
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
