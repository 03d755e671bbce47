/// Bounds on filter text, so hostile input costs little and cannot exhaust the stack.
public struct FilterLimits: Sendable, Hashable {
    /// The longest filter accepted, in characters (Unicode scalars).
    public var maxLength: Int
    /// The deepest nesting of parentheses, `not`, brackets and alternations of `and` and `or` accepted; a chain of
    /// one operator (`a or b or c …`) is one level, however long.
    public var maxDepth: Int
    /// The most comparisons and presence tests in one filter: each is a lookup of the database.
    public var maxTerms: Int

    /// Room for 1,000 `id eq "…"` terms (47 characters each), as a client that looks up a list of ids sends.
    public init(maxLength: Int = 65_536, maxDepth: Int = 32, maxTerms: Int = 1000) {
        self.maxLength = maxLength
        self.maxDepth = maxDepth
        self.maxTerms = maxTerms
    }

    public static let `default` = FilterLimits()
}

extension Filter {
    /// Parses a filter (RFC 7644 §3.4.2.2, Figure 1); any problem is an `invalidFilter` naming its position.
    public static func parse(_ text: String, limits: FilterLimits = .default) throws(SCIMError) -> Filter {
        do throws(FilterSyntaxError) {
            var parser = try FilterParser(text: text, limits: limits, subject: "filter")
            return try parser.parseFilter()
        } catch {
            throw .invalidFilter(error.detail)
        }
    }
}

extension AttributePath {
    /// Parses `[URI ":"] ATTRNAME *1subAttr`; any problem is an `invalidPath` error.
    public static func parse(_ text: String) throws(SCIMError) -> AttributePath {
        guard !text.isEmpty else { throw .invalidPath("The attribute path is empty.") }
        guard text.unicodeScalars.count <= FilterLimits.default.maxLength else {
            throw .invalidPath("The attribute path is longer than \(FilterLimits.default.maxLength) characters.")
        }
        do throws(FilterSyntaxError) {
            return try parseWord(text, position: 0)
        } catch {
            throw .invalidPath(error.detail)
        }
    }
}

extension PatchPath {
    /// Parses a PATCH path, `attrPath / valuePath [subAttr]` (RFC 7644 §3.5.2).
    ///
    /// A malformed value filter inside the brackets is an `invalidFilter`; anything else is an `invalidPath`.
    public static func parse(_ text: String) throws(SCIMError) -> PatchPath {
        do throws(FilterSyntaxError) {
            var parser = try FilterParser(text: text, limits: .default, subject: "path")
            return try parser.parsePatchPath()
        } catch {
            throw error.inValueFilter ? .invalidFilter(error.detail) : .invalidPath(error.detail)
        }
    }
}

/// A recursive-descent parser whose recursion is bounded by `FilterLimits.maxDepth`.
struct FilterParser {
    /// A parsed filter and the height of its tree, counting logical operators, `not` and value paths.
    typealias Node = (filter: Filter, height: Int)

    private let tokens: [FilterToken]
    private let limits: FilterLimits
    private let endPosition: Int
    private let subject: String
    private var index = 0
    private var nesting = 0
    private var terms = 0
    private var inValueFilter = false

    init(text: String, limits: FilterLimits, subject: String) throws(FilterSyntaxError) {
        let length = text.unicodeScalars.count
        guard length <= limits.maxLength else {
            throw FilterSyntaxError(
                message: "The \(subject) is longer than the limit of \(limits.maxLength) characters",
                position: limits.maxLength)
        }
        var lexer = FilterLexer(text)
        tokens = try lexer.tokenize()
        guard !tokens.isEmpty else { throw FilterSyntaxError(message: "The \(subject) is empty", position: 0) }
        self.limits = limits
        self.subject = subject
        endPosition = length
    }

    /// `FILTER`, which must use every token.
    mutating func parseFilter() throws(FilterSyntaxError) -> Filter {
        let node = try parseOr()
        if let token = peek {
            throw error("Expected \"and\" or \"or\" but found \(token.display)", at: token.position)
        }
        return node.filter
    }

    /// `attrPath / valuePath [subAttr]`, which must use every token.
    mutating func parsePatchPath() throws(FilterSyntaxError) -> PatchPath {
        guard let first = peek, let word = first.word else {
            throw error("Expected an attribute path", at: peek?.position ?? 0)
        }
        index += 1
        let attribute = try AttributePath.parseWord(word, position: first.position)
        guard let bracket = peek else { return PatchPath(attribute: attribute) }
        guard bracket.kind == .openBracket else {
            throw error("Expected \"[\" or the end of the path but found \(bracket.display)", at: bracket.position)
        }
        let node = try parseValueFilter(of: attribute, word: word)
        let closing = tokens[index - 1]
        guard let next = peek else { return PatchPath(attribute: attribute, filter: node.filter) }
        guard let suffix = next.word, next.position == closing.end, suffix.hasPrefix("."),
            AttributePath.isAttributeName(suffix.dropFirst()), index + 1 == tokens.count
        else {
            throw error("Expected \".\" and a sub-attribute name or the end of the path", at: next.position)
        }
        index += 1
        return PatchPath(attribute: attribute, filter: node.filter, subAttributeAfterFilter: String(suffix.dropFirst()))
    }

    /// `FILTER *("or" FILTER)`, left-associative. The chain is one level of nesting above its operands.
    private mutating func parseOr() throws(FilterSyntaxError) -> Node {
        var node = try parseAnd()
        var operands = node.height
        while let token = peek, token.word?.caseInsensitiveEquals("or") == true {
            index += 1
            let rhs = try parseAnd()
            operands = max(operands, rhs.height)
            node = (.or(node.filter, rhs.filter), try height(operands + 1, at: token.position))
        }
        return node
    }

    /// `FILTER *("and" FILTER)`, left-associative; binds tighter than "or".
    private mutating func parseAnd() throws(FilterSyntaxError) -> Node {
        var node = try parseUnary()
        var operands = node.height
        while let token = peek, token.word?.caseInsensitiveEquals("and") == true {
            index += 1
            let rhs = try parseUnary()
            operands = max(operands, rhs.height)
            node = (.and(node.filter, rhs.filter), try height(operands + 1, at: token.position))
        }
        return node
    }

    /// `"(" FILTER ")"`, `"not" "(" FILTER ")"` or an attribute expression.
    private mutating func parseUnary() throws(FilterSyntaxError) -> Node {
        guard let token = peek else { throw error("Expected an attribute path or \"(\"", at: endPosition) }
        switch token.kind {
        case .openParen:
            return try parseParenthesized()
        case .word(let word) where word.caseInsensitiveEquals("not") && peekKind(1) == .openParen:
            index += 1
            let inner = try parseParenthesized()
            return (.not(inner.filter), try height(inner.height + 1, at: token.position))
        case .word(let word) where word.caseInsensitiveEquals("not") && !isOperator(peekKind(1)):
            throw error("Expected \"(\" after \"not\"", at: position(ofTokenAt: 1))
        case .word(let word):
            return try parseAttributeExpression(word: word, token: token)
        default:
            throw error("Expected an attribute path or \"(\" but found \(token.display)", at: token.position)
        }
    }

    private mutating func parseParenthesized() throws(FilterSyntaxError) -> Node {
        guard let open = peek else { throw error("Expected \"(\"", at: endPosition) }
        try enter(at: open.position)
        index += 1
        let node = try parseOr()
        try expect(.closeParen, "\")\" to match the \"(\" at position \(open.position)")
        nesting -= 1
        return node
    }

    /// `attrPath SP "pr"`, `attrPath SP compareOp SP compValue` or `attrPath "[" valFilter "]"`.
    private mutating func parseAttributeExpression(word: String, token: FilterToken) throws(FilterSyntaxError) -> Node {
        let path = try AttributePath.parseWord(word, position: token.position)
        index += 1
        if peek?.kind == .openBracket {
            var inner = try parseValueFilter(of: path, word: word)
            if let subToken = peek, let subWord = subToken.word, subWord.hasPrefix("."), subWord.count > 1 {
                inner = try parseSubAttributeComparison(after: inner, word: subWord, token: subToken)
            }
            return (.valuePath(path, inner.filter), try height(inner.height + 1, at: token.position))
        }
        guard let operatorToken = peek, let operatorWord = operatorToken.word else {
            throw error("Expected a comparison operator after \"\(word)\"", at: peek?.position ?? endPosition)
        }
        index += 1
        try countTerm(at: token.position)
        if operatorWord.caseInsensitiveEquals("pr") { return (.present(path), 0) }
        guard let comparison = ComparisonOperator(rawValue: operatorWord.lowercased()) else {
            throw error("Unknown comparison operator \"\(operatorWord)\"", at: operatorToken.position)
        }
        return (.compare(path, comparison, try parseValue(after: operatorWord)), 0)
    }

    /// Entra ID filters on `emails[type eq "work"].value eq "x"`, which is not in RFC 7644's grammar; it means
    /// `emails[type eq "work" and value eq "x"]`, and is read that way.
    private mutating func parseSubAttributeComparison(after inner: Node, word: String, token: FilterToken)
        throws(FilterSyntaxError) -> Node
    {
        let name = String(word.dropFirst())
        let sub = try AttributePath.parseWord(name, position: token.position + 1)
        guard sub.schema == nil, sub.subAttribute == nil else {
            throw error("Expected a sub-attribute name after \"]\"", at: token.position)
        }
        let comparison = try parseAttributeExpression(word: name, token: token)
        return (.and(inner.filter, comparison.filter), try height(inner.height + 1, at: token.position))
    }

    /// `"[" valFilter "]"`, whose paths name sub-attributes; value filters do not nest.
    private mutating func parseValueFilter(of path: AttributePath, word: String) throws(FilterSyntaxError) -> Node {
        guard let open = peek else { throw error("Expected \"[\"", at: endPosition) }
        guard !inValueFilter else { throw error("Value filters cannot be nested", at: open.position) }
        guard path.subAttribute == nil else {
            throw error("A value filter must follow an attribute name, not \"\(word)\"", at: open.position)
        }
        do throws(FilterSyntaxError) {
            try enter(at: open.position)
            index += 1
            inValueFilter = true
            let node = try parseOr()
            try expect(.closeBracket, "\"]\" to match the \"[\" at position \(open.position)")
            inValueFilter = false
            nesting -= 1
            return node
        } catch {
            var error = error
            error.inValueFilter = true
            throw error
        }
    }

    /// `compValue`: a JSON string, or a bare word read as a literal, a number or an unquoted string.
    private mutating func parseValue(after operatorWord: String) throws(FilterSyntaxError) -> ComparisonValue {
        guard let token = peek else { throw error("Expected a value after \"\(operatorWord)\"", at: endPosition) }
        switch token.kind {
        case .string(let text):
            index += 1
            return .string(text)
        case .word(let word):
            index += 1
            return .bareWord(word)
        default:
            throw error("Expected a value after \"\(operatorWord)\" but found \(token.display)", at: token.position)
        }
    }

    private var peek: FilterToken? { index < tokens.count ? tokens[index] : nil }

    /// Where the token `offset` places ahead starts, or the end of the text.
    private func position(ofTokenAt offset: Int) -> Int {
        tokens.indices.contains(index + offset) ? tokens[index + offset].position : endPosition
    }

    private func peekKind(_ offset: Int) -> FilterToken.Kind? {
        tokens.indices.contains(index + offset) ? tokens[index + offset].kind : nil
    }

    private func isOperator(_ kind: FilterToken.Kind?) -> Bool {
        guard case .word(let word)? = kind else { return false }
        return word.caseInsensitiveEquals("pr") || ComparisonOperator(rawValue: word.lowercased()) != nil
    }

    private mutating func expect(_ kind: FilterToken.Kind, _ what: String) throws(FilterSyntaxError) {
        guard let token = peek else { throw error("Expected \(what) but the \(subject) ends", at: endPosition) }
        guard token.kind == kind else {
            throw error("Expected \(what) but found \(token.display)", at: token.position)
        }
        index += 1
    }

    private mutating func enter(at position: Int) throws(FilterSyntaxError) {
        nesting += 1
        guard nesting <= limits.maxDepth else {
            throw error("The \(subject) nests more than \(limits.maxDepth) levels deep", at: position)
        }
    }

    private mutating func countTerm(at position: Int) throws(FilterSyntaxError) {
        terms += 1
        guard terms <= limits.maxTerms else {
            throw error("The \(subject) has more than \(limits.maxTerms) comparisons", at: position)
        }
    }

    private func height(_ height: Int, at position: Int) throws(FilterSyntaxError) -> Int {
        guard height <= limits.maxDepth else {
            throw error("The \(subject) nests more than \(limits.maxDepth) levels deep", at: position)
        }
        return height
    }

    private func error(_ message: String, at position: Int) -> FilterSyntaxError {
        FilterSyntaxError(message: message, position: position)
    }
}

extension Filter: CustomStringConvertible {
    /// The canonical text: lower-case keywords, JSON-quoted values, parentheses only where precedence needs them.
    public var description: String {
        switch self {
        case .compare(let path, let comparison, let value): "\(path) \(comparison.rawValue) \(value.literalText)"
        case .present(let path): "\(path) pr"
        case .and(let lhs, let rhs): "\(lhs.operand(above: 2, right: false)) and \(rhs.operand(above: 2, right: true))"
        case .or(let lhs, let rhs): "\(lhs.operand(above: 1, right: false)) or \(rhs.operand(above: 1, right: true))"
        case .not(let inner): "not (\(inner))"
        case .valuePath(let path, let inner): "\(path)[\(inner)]"
        }
    }

    /// The operand's text, parenthesized when it binds looser than its parent (or equally, on the right).
    private func operand(above parent: Int, right: Bool) -> String {
        let own: Int
        switch self {
        case .or: own = 1
        case .and: own = 2
        default: own = 3
        }
        return own < parent || (right && own == parent) ? "(\(self))" : description
    }
}
