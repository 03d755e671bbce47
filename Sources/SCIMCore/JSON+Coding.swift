import Foundation

extension JSON {
    /// Parses a request body strictly (RFC 8259), keeping member order and integers apart from decimals;
    /// anything that is not JSON is an `invalidSyntax` error. With `refusingNUL`, a string holding U+0000 (valid
    /// JSON, as `\u0000`) is an `invalidValue` error: GRDB binds text up to its first NUL, so a userName with one
    /// was stored cut short (and clashed with the shorter name), and PostgreSQL's text refuses the character.
    public static func parse(_ data: some Collection<UInt8>, refusingNUL: Bool = false) throws(SCIMError) -> JSON {
        var parser = JSONParser(Array(data), refusingNUL: refusingNUL)
        do {
            return try parser.parseDocument()
        } catch let error where error.isNUL {
            throw .invalidValue(
                "The request body holds the character U+0000 (at byte \(error.offset)), which no value may hold.")
        } catch {
            throw .invalidSyntax("The request body is not valid JSON (at byte \(error.offset)).")
        }
    }

    /// Compact JSON text, with non-ASCII characters left as they are.
    public func serialized() -> String {
        String(decoding: serializedBytes(), as: UTF8.self)
    }

    /// The compact UTF-8 text as bytes, ready for a response body without a detour through `String`.
    public func serializedBytes() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(512)
        write(to: &output)
        return output
    }

    public func write(to output: inout [UInt8]) {
        switch self {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let value): output.append(contentsOf: (value ? "true" : "false").utf8)
        case .int(let value): output.append(contentsOf: String(value).utf8)
        case .double(let value): output.append(contentsOf: (value.isFinite ? String(value) : "null").utf8)
        case .string(let value): Self.writeString(value, to: &output)
        case .array(let values):
            output.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                value.write(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            for (index, member) in object.members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                Self.writeString(member.key, to: &output)
                output.append(UInt8(ascii: ":"))
                member.value.write(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// A string literal: UTF-8 bytes copied as they are, except `"`, `\` and control characters, which are
    /// escaped. Bytes of multi-byte characters are never below 0x80, so a byte-wise scan is exact.
    private static func writeString(_ value: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { bytes in
            var clean = bytes.startIndex
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[clean..<index]))
                switch byte {
                case UInt8(ascii: "\""): output.append(contentsOf: #"\""#.utf8)
                case UInt8(ascii: "\\"): output.append(contentsOf: #"\\"#.utf8)
                case UInt8(ascii: "\n"): output.append(contentsOf: #"\n"#.utf8)
                case UInt8(ascii: "\r"): output.append(contentsOf: #"\r"#.utf8)
                case UInt8(ascii: "\t"): output.append(contentsOf: #"\t"#.utf8)
                default:
                    output.append(contentsOf: #"\u00"#.utf8)
                    output.append(hexDigits[Int(byte >> 4)])
                    output.append(hexDigits[Int(byte & 0x0F)])
                }
                clean = index + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[clean..<bytes.endIndex]))
        }
        output.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}

private struct JSONSyntaxError: Error {
    var offset: Int
    /// Not a syntax error: a `\u0000` escape in a parser that refuses it.
    var isNUL = false
}

/// A recursive-descent parser over UTF-8 bytes (RFC 8259), with nesting bounded so hostile input cannot exhaust
/// the stack.
private struct JSONParser {
    static let maxDepth = 128

    private let bytes: [UInt8]
    private let refusingNUL: Bool
    private var index = 0
    private var depth = 0

    init(_ bytes: [UInt8], refusingNUL: Bool) {
        self.bytes = bytes
        self.refusingNUL = refusingNUL
    }

    mutating func parseDocument() throws(JSONSyntaxError) -> JSON {
        // RFC 8259 §8.1: parsers "MAY ignore the presence of a byte order mark rather than treating it as an error".
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        let value = try parseValue()
        skipWhitespace()
        guard index == bytes.count else { throw JSONSyntaxError(offset: index) }
        return value
    }

    private mutating func parseValue() throws(JSONSyntaxError) -> JSON {
        skipWhitespace()
        guard index < bytes.count else { throw JSONSyntaxError(offset: index) }
        switch bytes[index] {
        case UInt8(ascii: "{"): return .object(try parseObject())
        case UInt8(ascii: "["): return .array(try parseArray())
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        default: return try parseNumber()
        }
    }

    private mutating func parseObject() throws(JSONSyntaxError) -> JSONObject {
        try enter()
        var members: [(key: String, value: JSON)] = []
        var duplicates = false
        // Names seen, folded; kept only once an object is too large to compare each name with the ones before.
        var seen: Set<String>?
        if !consume(UInt8(ascii: "}")) {
            repeat {
                skipWhitespace()
                let key = try parseString()
                guard consume(UInt8(ascii: ":")) else { throw JSONSyntaxError(offset: index) }
                if !duplicates {
                    if members.count >= Self.namesComparedOneByOne, seen == nil {
                        seen = Set(members.map { $0.key.lowercased() })
                    }
                    duplicates =
                        if seen != nil {
                            !seen!.insert(key.lowercased()).inserted
                        } else {
                            members.contains { Self.sameName($0.key, key) }
                        }
                }
                members.append((key: key, value: try parseValue()))
            } while consume(UInt8(ascii: ","))
            guard consume(UInt8(ascii: "}")) else { throw JSONSyntaxError(offset: index) }
        }
        depth -= 1
        guard duplicates else { return JSONObject(members) }
        // Names compare case-insensitively (RFC 7643 §2.1): a repeated name keeps its first spelling, last value.
        var positions: [String: Int] = [:]
        var merged: [(key: String, value: JSON)] = []
        for (key, value) in members {
            if let position = positions[key.lowercased()] {
                merged[position].value = value
            } else {
                positions[key.lowercased()] = merged.count
                merged.append((key: key, value: value))
            }
        }
        return JSONObject(merged)
    }

    /// Up to this many members, a name is compared with each earlier one instead of hashing a folded copy.
    static let namesComparedOneByOne = 16

    /// Names compare case-insensitively; ASCII ones without making lower-case copies.
    private static func sameName(_ first: String, _ second: String) -> Bool {
        if first.caseInsensitiveEquals(second) { return true }
        let ascii = first.utf8.allSatisfy { $0 < 0x80 } && second.utf8.allSatisfy { $0 < 0x80 }
        return !ascii && first.lowercased() == second.lowercased()
    }

    private mutating func parseArray() throws(JSONSyntaxError) -> [JSON] {
        try enter()
        var values: [JSON] = []
        if !consume(UInt8(ascii: "]")) {
            repeat {
                values.append(try parseValue())
            } while consume(UInt8(ascii: ","))
            guard consume(UInt8(ascii: "]")) else { throw JSONSyntaxError(offset: index) }
        }
        depth -= 1
        return values
    }

    /// Steps over an opening bracket, one level deeper.
    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        guard depth <= Self.maxDepth else { throw JSONSyntaxError(offset: index) }
        index += 1
    }

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw JSONSyntaxError(offset: index) }
        index += 1
        // Most strings have no escapes: they are decoded straight from the input.
        let start = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\"),
            bytes[index] >= 0x20
        {
            index += 1
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
            guard let text = String(validating: bytes[start..<index], as: UTF8.self) else {
                throw JSONSyntaxError(offset: index + 1)
            }
            index += 1
            return text
        }
        var utf8 = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: utf8, as: UTF8.self) else { throw JSONSyntaxError(offset: index) }
                return text
            case UInt8(ascii: "\\"):
                try parseEscape(into: &utf8)
            case 0..<0x20:
                throw JSONSyntaxError(offset: index - 1)
            default:
                utf8.append(byte)
            }
        }
        throw JSONSyntaxError(offset: index)
    }

    /// The escape after a backslash (RFC 8259 §7), surrogate pairs included.
    private mutating func parseEscape(into utf8: inout [UInt8]) throws(JSONSyntaxError) {
        guard index < bytes.count else { throw JSONSyntaxError(offset: index) }
        index += 1
        switch bytes[index - 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(bytes[index - 1])
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            var code = try parseHex4()
            if (0xD800..<0xDC00).contains(code) {
                guard consume(literal: "\\u") else { throw JSONSyntaxError(offset: index) }
                let low = try parseHex4()
                guard (0xDC00..<0xE000).contains(low) else { throw JSONSyntaxError(offset: index) }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(code) else { throw JSONSyntaxError(offset: index) }
            if refusingNUL && code == 0 { throw JSONSyntaxError(offset: index - 6, isNUL: true) }
            UTF8.encode(scalar) { utf8.append($0) }
        default:
            throw JSONSyntaxError(offset: index - 1)
        }
    }

    private mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw JSONSyntaxError(offset: index) }
        var code: UInt32 = 0
        for byte in bytes[index..<index + 4] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw JSONSyntaxError(offset: index)
            }
            code = code << 4 + UInt32(digit)
        }
        index += 4
        return code
    }

    /// `[ minus ] int [ frac ] [ exp ]`; integers become `.int` when they fit, everything else `.double`.
    private mutating func parseNumber() throws(JSONSyntaxError) -> JSON {
        let start = index
        _ = consume(UInt8(ascii: "-"), skippingWhitespace: false)
        // A leading zero stands alone, so "01" fails on the "1" that follows.
        if !consume(UInt8(ascii: "0"), skippingWhitespace: false) {
            guard digits() > 0 else { throw JSONSyntaxError(offset: index) }
        }
        var isInteger = true
        if consume(UInt8(ascii: "."), skippingWhitespace: false) {
            isInteger = false
            guard digits() > 0 else { throw JSONSyntaxError(offset: index) }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard digits() > 0 else { throw JSONSyntaxError(offset: index) }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger, let value = Int(text) { return .int(value) }
        guard let value = Double(text), value.isFinite else { throw JSONSyntaxError(offset: start) }
        return .double(value)
    }

    private mutating func literal(_ word: String, _ value: JSON) throws(JSONSyntaxError) -> JSON {
        guard consume(literal: word) else { throw JSONSyntaxError(offset: index) }
        return value
    }

    /// Steps over `byte` if it comes next (after whitespace, unless told otherwise).
    private mutating func consume(_ byte: UInt8, skippingWhitespace: Bool = true) -> Bool {
        if skippingWhitespace { skipWhitespace() }
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func consume(literal word: String) -> Bool {
        let utf8 = Array(word.utf8)
        guard bytes.count - index >= utf8.count, bytes[index..<index + utf8.count].elementsEqual(utf8) else {
            return false
        }
        index += utf8.count
        return true
    }

    /// Steps over decimal digits; how many.
    private mutating func digits() -> Int {
        let start = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        return index - start
    }

    /// RFC 8259 §2: whitespace is space, horizontal tab, line feed and carriage return.
    private mutating func skipWhitespace() {
        while index < bytes.count,
            bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D
        {
            index += 1
        }
    }
}
