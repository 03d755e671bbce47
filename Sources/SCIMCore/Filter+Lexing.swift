/// A syntax problem in a filter or path, with the 0-based offset (in Unicode scalars) it refers to.
struct FilterSyntaxError: Error, Sendable {
    var message: String
    var position: Int
    /// Whether the problem lies inside the brackets of a value filter.
    var inValueFilter = false

    /// The message and position as one sentence, e.g. `Expected ")" at position 12.`.
    var detail: String { "\(message) at position \(position)." }
}

/// A token of filter text and the offsets where it starts and ends.
struct FilterToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case word(String)
        case string(String)
        case openParen, closeParen, openBracket, closeBracket
    }

    var kind: Kind
    var position: Int
    var end: Int

    /// The token as it would be quoted in an error message.
    var display: String {
        switch kind {
        case .word(let word): "\"\(word)\""
        case .string(let text): "the string \(ComparisonValue.string(text).literalText)"
        case .openParen: "\"(\""
        case .closeParen: "\")\""
        case .openBracket: "\"[\""
        case .closeBracket: "\"]\""
        }
    }

    /// The word's text, or nil for any other token.
    var word: String? {
        if case .word(let word) = kind { return word }
        return nil
    }
}

/// Splits filter text into words, JSON strings and brackets; a word is any run without space, quote or bracket.
struct FilterLexer {
    private let scalars: [Unicode.Scalar]
    private var index = 0

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    /// Every token of the text, in order.
    mutating func tokenize() throws(FilterSyntaxError) -> [FilterToken] {
        var tokens: [FilterToken] = []
        while let token = try next() { tokens.append(token) }
        return tokens
    }

    private mutating func next() throws(FilterSyntaxError) -> FilterToken? {
        while index < scalars.count, Self.isSpace(scalars[index]) { index += 1 }
        guard index < scalars.count else { return nil }
        let start = index
        let kind: FilterToken.Kind
        switch scalars[index] {
        case "(": kind = .openParen
        case ")": kind = .closeParen
        case "[": kind = .openBracket
        case "]": kind = .closeBracket
        case "\"": kind = .string(try string())
        default: kind = .word(word())
        }
        if index == start { index += 1 }
        return FilterToken(kind: kind, position: start, end: index)
    }

    private mutating func word() -> String {
        var text = String.UnicodeScalarView()
        while index < scalars.count, !Self.isSpace(scalars[index]), !"()[]\"".unicodeScalars.contains(scalars[index]) {
            text.append(scalars[index])
            index += 1
        }
        return String(text)
    }

    /// A JSON string (RFC 8259 §7), starting at the opening quote.
    private mutating func string() throws(FilterSyntaxError) -> String {
        let start = index
        index += 1
        var text = String.UnicodeScalarView()
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            switch scalar {
            case "\"": return String(text)
            case "\\":
                let scalar = try escape()
                // No stored value holds U+0000 (request bodies refuse it), and GRDB binds text up to the first one.
                guard scalar != "\0" else {
                    throw FilterSyntaxError(message: "The character U+0000 is not allowed", position: index - 6)
                }
                text.append(scalar)
            default: text.append(scalar)
            }
        }
        throw FilterSyntaxError(message: "Unterminated string starting", position: start)
    }

    /// The scalar an escape sequence stands for; `index` is just past the backslash.
    private mutating func escape() throws(FilterSyntaxError) -> Unicode.Scalar {
        let start = index - 1
        guard index < scalars.count else {
            throw FilterSyntaxError(message: "Unterminated escape sequence", position: start)
        }
        let letter = scalars[index]
        index += 1
        switch letter {
        case "\"", "\\", "/": return letter
        case "b": return "\u{08}"
        case "f": return "\u{0C}"
        case "n": return "\n"
        case "r": return "\r"
        case "t": return "\t"
        case "u": return try unicodeEscape(start: start)
        default: throw FilterSyntaxError(message: "Invalid escape sequence \"\\\(letter)\"", position: start)
        }
    }

    private mutating func unicodeEscape(start: Int) throws(FilterSyntaxError) -> Unicode.Scalar {
        let invalid = FilterSyntaxError(message: "Invalid \\u escape sequence", position: start)
        guard let high = hexQuad() else { throw invalid }
        if let scalar = Unicode.Scalar(high) { return scalar }
        guard (0xD800...0xDBFF).contains(high), index + 1 < scalars.count, scalars[index] == "\\",
            scalars[index + 1] == "u"
        else { throw invalid }
        index += 2
        guard let low = hexQuad(), (0xDC00...0xDFFF).contains(low),
            let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
        else { throw invalid }
        return scalar
    }

    private mutating func hexQuad() -> UInt32? {
        guard index + 4 <= scalars.count else { return nil }
        var value: UInt32 = 0
        for scalar in scalars[index..<index + 4] {
            guard scalar.isASCII, let digit = UInt32(String(scalar), radix: 16) else { return nil }
            value = value * 16 + digit
        }
        index += 4
        return value
    }

    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r"
    }
}

extension AttributePath {
    /// Parses one word as `[URI ":"] ATTRNAME *1subAttr`; a URN's schema ends at its last colon.
    static func parseWord(_ word: String, position: Int) throws(FilterSyntaxError) -> AttributePath {
        var schema: String?
        var rest = Substring(word)
        if String(word.prefix(4)).caseInsensitiveEquals("urn:") {
            guard let colon = word.lastIndex(of: ":"), colon > word.index(word.startIndex, offsetBy: 3) else {
                let message = "\"\(word)\" has a schema URN but no attribute name"
                throw FilterSyntaxError(message: message, position: position)
            }
            schema = String(word[..<colon])
            rest = word[word.index(after: colon)...]
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy(isAttributeName) else {
            throw FilterSyntaxError(message: "\"\(word)\" is not a valid attribute path", position: position)
        }
        let subAttribute = parts.count == 2 ? String(parts[1]) : nil
        return AttributePath(schema: schema, name: String(parts[0]), subAttribute: subAttribute)
    }

    /// `ATTRNAME = ALPHA *(nameChar)`, also allowing the leading "$" of "$ref".
    static func isAttributeName(_ text: Substring) -> Bool {
        guard let first = text.unicodeScalars.first, first == "$" || isLetter(first) else { return false }
        return text.unicodeScalars.dropFirst().allSatisfy {
            isLetter($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
        }
    }

    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }
}

extension ComparisonValue {
    /// Classifies a bare word: JSON literals and numbers, otherwise the lenient unquoted string.
    static func bareWord(_ word: String) -> ComparisonValue {
        if word.caseInsensitiveEquals("true") { return .bool(true) }
        if word.caseInsensitiveEquals("false") { return .bool(false) }
        if word.caseInsensitiveEquals("null") { return .null }
        guard let isInteger = jsonNumberKind(word) else { return .string(word) }
        if isInteger, let value = Int(word) { return .int(value) }
        guard let value = Double(word), value.isFinite else { return .string(word) }
        return .double(value)
    }

    /// Whether the word is a JSON number (RFC 8259 §6): true for an integer, false with fraction or exponent.
    private static func jsonNumberKind(_ word: String) -> Bool? {
        var bytes = Substring(word).utf8[...]
        let digit: (UInt8) -> Bool = { $0 >= 0x30 && $0 <= 0x39 }
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        let integer = bytes.prefix(while: digit)
        guard !integer.isEmpty, integer.count == 1 || integer.first != UInt8(ascii: "0") else { return nil }
        bytes = bytes.dropFirst(integer.count)
        var isInteger = true
        if bytes.first == UInt8(ascii: ".") {
            let fraction = bytes.dropFirst().prefix(while: digit)
            guard !fraction.isEmpty else { return nil }
            bytes = bytes.dropFirst(1 + fraction.count)
            isInteger = false
        }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            let exponent = bytes.prefix(while: digit)
            guard !exponent.isEmpty else { return nil }
            bytes = bytes.dropFirst(exponent.count)
            isInteger = false
        }
        return bytes.isEmpty ? isInteger : nil
    }

    /// The value as a JSON literal, which the filter grammar reads back unchanged.
    var literalText: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .int(let value): String(value)
        case .double(let value): value.isFinite ? String(value) : "null"
        case .string(let value): Self.quoted(value)
        }
    }

    private static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
