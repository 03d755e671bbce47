/// A SCIM filter (RFC 7644 §3.4.2.2) as a tree; each use (SQL, evaluation, description) is one switch.
public indirect enum Filter: Sendable, Hashable {
    case compare(AttributePath, ComparisonOperator, ComparisonValue)
    case present(AttributePath)
    case and(Filter, Filter)
    case or(Filter, Filter)
    case not(Filter)
    /// `attr[filter]`: the inner filter's paths name sub-attributes of `attr`.
    case valuePath(AttributePath, Filter)
}

/// RFC 7644 §3.4.2.2 comparison operators.
public enum ComparisonOperator: String, Sendable, Hashable, CaseIterable {
    case eq, ne, co, sw, ew, gt, ge, lt, le
}

/// `compValue = false / null / true / number / string`.
public enum ComparisonValue: Sendable, Hashable {
    case string(String)
    case bool(Bool)
    case int(Int)
    case double(Double)
    case null
}

extension Filter {
    /// The two logical operators, for walking a chain of one of them.
    public enum Junction: Sendable {
        case and, or
    }

    /// The operands of a chain of one operator (`a or b or c`, however it is parenthesized), in order, read
    /// without recursion: a chain can be as long as a filter has terms.
    public func chain(of junction: Junction) -> [Filter] {
        var operands: [Filter] = []
        var pending: [Filter] = [self]
        while let next = pending.popLast() {
            switch (junction, next) {
            case (.and, .and(let lhs, let rhs)), (.or, .or(let lhs, let rhs)):
                pending.append(rhs)
                pending.append(lhs)
            default:
                operands.append(next)
            }
        }
        return operands
    }
}
