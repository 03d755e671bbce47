extension PatchRequest {
    /// A bound on the work of applying this request to `document`: each operation on a value filter compares every
    /// element of its attribute with every comparison of the filter; any other operation costs one step and one
    /// per value it carries. Known before the work is done, so a request that would take seconds is refused
    /// before it starts.
    public func work(on document: JSONObject) -> Int {
        operations.reduce(0) { total, operation in
            total.addingReportingOverflow(operation.work(on: document)).partialValue
        }
    }
}

extension PatchOperation {
    func work(on document: JSONObject) -> Int {
        let carried =
            switch value {
            case .array(let values): values.count
            case .object(let object): object.members.count
            default: 1
            }
        guard let path, let filter = path.filter else { return 1 + carried }
        let elements = Self.elements(of: path.attribute, in: document)
        return 1 + carried + max(1, elements) * filter.comparisons
    }

    /// How many values the attribute a path names holds in the document (its extension's, for a URN path).
    private static func elements(of path: AttributePath, in document: JSONObject) -> Int {
        let container =
            path.schema.flatMap { urn in
                document.members.first { $0.key.caseInsensitiveEquals(urn) }?.value.objectValue
            } ?? document
        let value = container.members.first { $0.key.caseInsensitiveEquals(path.name) }?.value
        return value?.arrayValue?.count ?? (value == nil ? 0 : 1)
    }
}

extension Filter {
    /// The comparisons and presence tests of the filter, counted without recursion.
    public var comparisons: Int {
        var count = 0
        var pending: [Filter] = [self]
        while let next = pending.popLast() {
            switch next {
            case .compare, .present: count += 1
            case .and(let lhs, let rhs), .or(let lhs, let rhs): pending += [lhs, rhs]
            case .not(let inner), .valuePath(_, let inner): pending.append(inner)
            }
        }
        return count
    }
}
