/// What the server supports, as `/ServiceProviderConfig` tells clients (RFC 7643 §5).
public struct ServiceProviderConfig: Sendable {
    public var documentationURI: String?
    public var maxResults: Int
    public var maxPayloadSize: Int
    public var maxOperations: Int

    /// Seconds a paging cursor stays valid (RFC 9865 `cursorTimeout`).
    public var cursorTimeout: Int

    public init(
        documentationURI: String? = nil, maxResults: Int, maxPayloadSize: Int, maxOperations: Int,
        cursorTimeout: Int = 3600
    ) {
        self.documentationURI = documentationURI
        self.maxResults = maxResults
        self.maxPayloadSize = maxPayloadSize
        self.maxOperations = maxOperations
        self.cursorTimeout = cursorTimeout
    }

    public func representation(location: String) -> JSON {
        var object: JSONObject = [
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"]
        ]
        if let documentationURI { object["documentationUri"] = .string(documentationURI) }
        object["patch"] = .object(["supported": true])
        object["bulk"] = .object([
            "supported": true, "maxOperations": .int(maxOperations), "maxPayloadSize": .int(maxPayloadSize),
        ])
        object["filter"] = .object(["supported": true, "maxResults": .int(maxResults)])
        object["changePassword"] = .object(["supported": false])
        object["sort"] = .object(["supported": true])
        object["etag"] = .object(["supported": true])
        object["pagination"] = .object([
            "cursor": true, "index": true, "defaultPaginationMethod": "index",
            "defaultPageSize": .int(maxResults), "maxPageSize": .int(maxResults), "cursorTimeout": .int(cursorTimeout),
        ])
        object["authenticationSchemes"] = [
            .object([
                "type": "oauthbearertoken",
                "name": "OAuth Bearer Token",
                "description": "A SCIM token created in Roster's admin console or with `roster token create`.",
                "primary": true,
            ])
        ]
        object["meta"] = .object(["resourceType": "ServiceProviderConfig", "location": .string(location)])
        return .object(object)
    }
}
