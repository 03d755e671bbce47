/// What the server supports, as `/ServiceProviderConfig` tells clients (RFC 7643 §5).
public struct ServiceProviderConfig: Sendable {
    public var documentationURI: String?
    public var maxResults: Int
    public var maxPayloadSize: Int
    public var maxOperations: Int

    public init(documentationURI: String? = nil, maxResults: Int, maxPayloadSize: Int, maxOperations: Int) {
        self.documentationURI = documentationURI
        self.maxResults = maxResults
        self.maxPayloadSize = maxPayloadSize
        self.maxOperations = maxOperations
    }

    public func representation(location: String) -> JSON {
        var object: JSONObject = [
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"]
        ]
        if let documentationURI { object["documentationUri"] = .string(documentationURI) }
        object["patch"] = .object(["supported": true])
        object["bulk"] = .object([
            "supported": false, "maxOperations": .int(maxOperations), "maxPayloadSize": .int(maxPayloadSize),
        ])
        object["filter"] = .object(["supported": true, "maxResults": .int(maxResults)])
        object["changePassword"] = .object(["supported": false])
        object["sort"] = .object(["supported": true])
        object["etag"] = .object(["supported": true])
        object["pagination"] = .object([
            "cursor": false, "index": true, "defaultPaginationMethod": "index",
            "defaultPageSize": .int(maxResults), "maxPageSize": .int(maxResults),
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
