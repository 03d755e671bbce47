/// An error the server reports to the client as a SCIM error body (RFC 7644 §3.12).
public struct SCIMError: Error, Sendable, Equatable {
    /// The HTTP status code.
    public var status: Int
    /// The RFC 7644 Table 9 keyword, when one applies.
    public var scimType: String?
    /// A human-readable explanation, shown to administrators by identity providers.
    public var detail: String
    /// For 429 and 503: whole seconds before trying again, sent as `Retry-After` (Okta honours integers only).
    public var retryAfter: Int?

    public init(status: Int, scimType: String? = nil, detail: String) {
        self.status = status
        self.scimType = scimType
        self.detail = detail
    }

    /// The RFC 7644 §3.12 error body; `status` is a string, as the RFC requires.
    public var body: JSON {
        var object: JSONObject = ["schemas": .array([.string(MessageSchema.error)])]
        if let scimType { object["scimType"] = .string(scimType) }
        object["detail"] = .string(detail)
        object["status"] = .string(String(status))
        return .object(object)
    }
}

extension SCIMError {
    public static func invalidFilter(_ detail: String) -> SCIMError {
        SCIMError(status: 400, scimType: "invalidFilter", detail: detail)
    }

    /// RFC 9865 §2.1: a cursor Roster did not issue, altered, or issued for another query.
    public static func invalidCursor(_ detail: String) -> SCIMError {
        SCIMError(status: 400, scimType: "invalidCursor", detail: detail)
    }

    public static func expiredCursor(_ detail: String) -> SCIMError {
        SCIMError(status: 400, scimType: "expiredCursor", detail: detail)
    }

    public static func invalidCount(_ detail: String) -> SCIMError {
        SCIMError(status: 400, scimType: "invalidCount", detail: detail)
    }

    public static func tooMany(_ detail: String) -> SCIMError {
        SCIMError(status: 400, scimType: "tooMany", detail: detail)
    }

    public static func uniqueness(_ detail: String) -> SCIMError {
        SCIMError(status: 409, scimType: "uniqueness", detail: detail)
    }

    public static func mutability(_ detail: String) -> SCIMError {
        SCIMError(status: 400, scimType: "mutability", detail: detail)
    }

    public static func invalidSyntax(_ detail: String) -> SCIMError {
        SCIMError(status: 400, scimType: "invalidSyntax", detail: detail)
    }

    public static func invalidPath(_ detail: String) -> SCIMError {
        SCIMError(status: 400, scimType: "invalidPath", detail: detail)
    }

    public static func noTarget(_ detail: String) -> SCIMError {
        SCIMError(status: 400, scimType: "noTarget", detail: detail)
    }

    public static func invalidValue(_ detail: String) -> SCIMError {
        SCIMError(status: 400, scimType: "invalidValue", detail: detail)
    }

    public static func invalidVers(_ detail: String) -> SCIMError {
        SCIMError(status: 400, scimType: "invalidVers", detail: detail)
    }

    public static func sensitive(_ detail: String) -> SCIMError {
        SCIMError(status: 403, scimType: "sensitive", detail: detail)
    }

    public static func notFound(_ detail: String) -> SCIMError {
        SCIMError(status: 404, detail: detail)
    }

    public static func unauthorized(_ detail: String) -> SCIMError {
        SCIMError(status: 401, detail: detail)
    }

    public static func preconditionFailed(_ detail: String) -> SCIMError {
        SCIMError(status: 412, detail: detail)
    }

    public static func payloadTooLarge(_ detail: String) -> SCIMError {
        SCIMError(status: 413, detail: detail)
    }

    public static func methodNotAllowed(_ detail: String) -> SCIMError {
        SCIMError(status: 405, detail: detail)
    }

    /// The client closed the connection before its request was read: 499 as nginx names it, never sent (nobody is
    /// there to read it), so that logs, metrics and the activity log do not count the client's leaving as a fault.
    public static func clientClosedRequest(_ detail: String) -> SCIMError {
        SCIMError(status: 499, detail: detail)
    }

    public static func notImplemented(_ detail: String) -> SCIMError {
        SCIMError(status: 501, detail: detail)
    }

    /// Several problems found in one body, reported together.
    public static func combining(_ errors: [SCIMError]) -> SCIMError? {
        guard let first = errors.first else { return nil }
        if errors.count == 1 { return first }
        let detail = errors.map(\.detail).joined(separator: " ")
        let sameType = errors.allSatisfy { $0.scimType == first.scimType && $0.status == first.status }
        return SCIMError(
            status: sameType ? first.status : 400,
            scimType: sameType ? first.scimType : "invalidValue",
            detail: "\(errors.count) problems: \(detail)"
        )
    }
}

/// The URNs of SCIM's protocol messages (RFC 7644 §3.1).
public enum MessageSchema {
    public static let error = "urn:ietf:params:scim:api:messages:2.0:Error"
    public static let listResponse = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
    public static let patchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
    public static let searchRequest = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
    public static let bulkRequest = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
    public static let bulkResponse = "urn:ietf:params:scim:api:messages:2.0:BulkResponse"
}
