import Directory
import Foundation
import SCIMCore

/// One comparison, with its value coerced to the attribute's type the way in-memory evaluation does it.
struct ValueCondition {
    enum Operand {
        case text(String)
        case number(Double)
        case bool(Bool)
        case time(Int64)
    }

    let op: ComparisonOperator
    let operand: Operand

    init(leaf: Attribute, op: ComparisonOperator, value: ComparisonValue, path: AttributePath) throws(SCIMError) {
        self.op = op
        guard let operand = Self.operand(leaf: leaf, op: op, value: value) else {
            throw .invalidFilter("\"\(op)\" cannot compare \"\(path)\" (\(leaf.type.rawValue)) with that value.")
        }
        self.operand = operand
    }

    private static func operand(leaf: Attribute, op: ComparisonOperator, value: ComparisonValue) -> Operand? {
        let fold = { (text: String) in leaf.caseExact ? text : Folding.fold(text) }
        switch (leaf.type, value) {
        case (.string, .string(let text)), (.reference, .string(let text)), (.binary, .string(let text)):
            return .text(fold(text))
        case (.string, .int(let number)), (.reference, .int(let number)):
            return .text(fold(String(number)))
        case (.boolean, .bool(let flag)) where op == .eq || op == .ne:
            return .bool(flag)
        case (.boolean, .string(let text)) where op == .eq || op == .ne:
            return text.caseInsensitiveEquals("true")
                ? .bool(true) : text.caseInsensitiveEquals("false") ? .bool(false) : nil
        case (.integer, .int(let number)), (.decimal, .int(let number)):
            return [.co, .sw, .ew].contains(op) ? nil : .number(Double(number))
        case (.integer, .double(let number)), (.decimal, .double(let number)):
            return [.co, .sw, .ew].contains(op) ? nil : .number(number)
        case (.dateTime, .string(let text)):
            if [.co, .sw, .ew].contains(op) { return .text(Folding.fold(text)) }
            return DateTime.parse(text).map { .time($0.milliseconds) }
        default:
            return nil
        }
    }

    /// The condition on a row of `attribute_values` named `alias`.
    func sql(alias: String) -> FilterSQL {
        switch operand {
        case .text: sql(column: "\(alias).text_value")
        case .number(let number): Self.ordering(op, "\(alias).number_value", .real(number))
        case .bool(let flag): Self.ordering(op, "\(alias).bool_value", SQLValue(flag))
        case .time(let time): Self.ordering(op, "\(alias).time_value", .integer(time))
        }
    }

    /// The condition on a text column (or expression).
    func sql(column: String) -> FilterSQL {
        guard case .text(let text) = operand else { return sql(timeColumn: column) }
        if [.co, .sw, .ew].contains(op) && text.isEmpty {
            return FilterSQL(sql: "\(column) IS NOT NULL", values: [])
        }
        switch op {
        case .co: return Self.like(column, "%" + Self.escapedForLike(text) + "%")
        case .sw: return Self.like(column, Self.escapedForLike(text) + "%")
        case .ew: return Self.like(column, "%" + Self.escapedForLike(text))
        default: return Self.ordering(op, column, .text(text))
        }
    }

    /// The condition on a column of milliseconds.
    func sql(timeColumn column: String) -> FilterSQL {
        guard case .time(let time) = operand else { return .never }
        return Self.ordering(op, column, .integer(time))
    }

    /// A comparison whose left side is known now, such as `meta.resourceType`.
    func constant(_ actual: String) -> FilterSQL {
        guard case .text(let expected) = operand else { return .never }
        let holds: Bool =
            switch op {
            case .eq: actual == expected
            case .ne: actual != expected
            case .co: expected.isEmpty || actual.contains(expected)
            case .sw: actual.hasPrefix(expected)
            case .ew: actual.hasSuffix(expected)
            case .gt: actual > expected
            case .ge: actual >= expected
            case .lt: actual < expected
            case .le: actual <= expected
            }
        return holds ? .always : .never
    }

    /// `LIKE` is case-sensitive on every store (SQLite connections set `case_sensitive_like`), and `%`, `_`
    /// and `\\` in the value are matched literally.
    private static func like(_ column: String, _ pattern: String) -> FilterSQL {
        FilterSQL(sql: "\(column) LIKE ? ESCAPE '\\'", values: [.text(pattern)])
    }

    static func escapedForLike(_ text: String) -> String {
        var result = ""
        for character in text {
            if character == "\\" || character == "%" || character == "_" { result.append("\\") }
            result.append(character)
        }
        return result
    }

    private static func ordering(_ op: ComparisonOperator, _ column: String, _ value: SQLValue) -> FilterSQL {
        let symbol =
            switch op {
            case .eq: "="
            case .ne: "<>"
            case .gt: ">"
            case .ge: ">="
            case .lt: "<"
            case .le: "<="
            case .co, .sw, .ew: "="
            }
        return FilterSQL(sql: "\(column) \(symbol) ?", values: [value])
    }
}
