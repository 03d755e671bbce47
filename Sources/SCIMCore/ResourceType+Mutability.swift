extension ResourceType {
    /// RFC 7644 §3.5.1: a PUT may not change an `immutable` attribute that already has a value.
    ///
    /// Both bodies are in stored form; the result lists each violation, empty when there is none.
    public func immutableViolations(from old: JSONObject, to new: JSONObject) -> [SCIMError] {
        var problems: [SCIMError] = []
        for schema in allSchemas {
            let container = schema.id == self.schema.id ? nil : schema.id
            for attribute in schema.attributes where attribute.mutability == .immutable {
                let before = container.map { old[$0]?[attribute.name] } ?? old[attribute.name]
                let after = container.map { new[$0]?[attribute.name] } ?? new[attribute.name]
                if let before, before != after {
                    problems.append(.mutability("\"\(attribute.name)\" is immutable and cannot be changed."))
                }
            }
        }
        return problems
    }
}
