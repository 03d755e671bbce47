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
