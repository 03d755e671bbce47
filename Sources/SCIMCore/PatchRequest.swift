/// A PATCH request body (RFC 7644 §3.5.2), parsed leniently: `op` in any case (Entra ID sends `Replace`).
public struct PatchRequest: Sendable, Hashable {
    public var operations: [PatchOperation]

    public init(operations: [PatchOperation]) {
        self.operations = operations
    }

    /// Parses `{"schemas": [...PatchOp], "Operations": [...]}`; at most `maxOperations` operations.
    public static func parse(_ body: JSON, maxOperations: Int = 1000) throws(SCIMError) -> PatchRequest {
        guard let object = body.objectValue else {
            throw .invalidSyntax("A PATCH body must be a JSON object with \"Operations\".")
        }
        if let schemas = object["schemas"]?.arrayValue,
            !schemas.contains(where: { $0.stringValue?.caseInsensitiveEquals(MessageSchema.patchOp) == true })
        {
            throw .invalidSyntax("A PATCH body's \"schemas\" must contain \(MessageSchema.patchOp).")
        }
        guard let operations = object["Operations"]?.arrayValue else {
            throw .invalidSyntax("A PATCH body needs an \"Operations\" array.")
        }
        guard operations.count <= maxOperations else {
            throw .invalidValue("A PATCH request may hold at most \(maxOperations) operations.")
        }
        var parsed: [PatchOperation] = []
        for (index, operation) in operations.enumerated() {
            parsed.append(try PatchOperation.parse(operation, index: index))
        }
        return PatchRequest(operations: parsed)
    }
}

/// One PATCH operation: `add`, `remove` or `replace`, an optional path and an optional value.
public struct PatchOperation: Sendable, Hashable {
    public enum Op: String, Sendable, Hashable {
        case add, remove, replace
    }

    public var op: Op
    public var path: PatchPath?
    public var value: JSON?

    public init(op: Op, path: PatchPath? = nil, value: JSON? = nil) {
        self.op = op
        self.path = path
        self.value = value
    }

    static func parse(_ json: JSON, index: Int) throws(SCIMError) -> PatchOperation {
        guard let object = json.objectValue else {
            throw .invalidSyntax("Operation \(index + 1) is not a JSON object.")
        }
        guard let name = object["op"]?.stringValue, let op = Op(rawValue: name.lowercased()) else {
            throw .invalidSyntax("Operation \(index + 1) needs \"op\" of \"add\", \"remove\" or \"replace\".")
        }
        var path: PatchPath?
        switch object["path"] {
        case nil, .null: path = nil
        case .string(let text) where text.isEmpty: path = nil
        case .string(let text): path = try PatchPath.parse(text)
        default: throw .invalidPath("Operation \(index + 1) has a \"path\" that is not a string.")
        }
        let value = object["value"]
        /// RFC 7644 §3.5.2.2: "If "path" is unspecified, the operation fails with HTTP status code 400 and a
        /// "scimType" error code of "noTarget"."
        if op == .remove && path == nil {
            throw .noTarget("Operation \(index + 1) removes without a \"path\".")
        }
        if op != .remove && (value == nil || (path == nil && value?.objectValue == nil)) {
            throw .invalidValue(
                "Operation \(index + 1) (\(op.rawValue)) needs a \"value\"\(path == nil ? " object" : "").")
        }
        return PatchOperation(op: op, path: path, value: value)
    }
}
