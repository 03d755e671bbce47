extension Schema {
    /// The common attributes `id`, `externalId` and `meta` shared by every resource (RFC 7643 §3.1).
    public static let commonAttributes: [Attribute] = [
        Attribute(
            name: "id",
            description: "A unique identifier for the resource, issued by the service provider.",
            caseExact: true,
            mutability: .readOnly,
            returned: .always,
            uniqueness: .server
        ),
        Attribute(
            name: "externalId",
            description: "An identifier for the resource as defined by the provisioning client.",
            caseExact: true
        ),
        Attribute(
            name: "meta",
            type: .complex,
            description: "A complex attribute containing resource metadata.",
            mutability: .readOnly,
            subAttributes: [
                Attribute(
                    name: "resourceType",
                    description: "The name of the resource type of the resource.",
                    caseExact: true,
                    mutability: .readOnly
                ),
                Attribute(
                    name: "created",
                    type: .dateTime,
                    description: "The date and time the resource was added to the service provider.",
                    mutability: .readOnly
                ),
                Attribute(
                    name: "lastModified",
                    type: .dateTime,
                    description: "The most recent date and time the resource's details were updated.",
                    mutability: .readOnly
                ),
                // §3.1 gives no caseExact for location; §2.3.7 says a reference is case exact.
                Attribute(
                    name: "location",
                    type: .reference,
                    description: "The URI of the resource being returned.",
                    caseExact: true,
                    mutability: .readOnly,
                    referenceTypes: ["uri"]
                ),
                Attribute(
                    name: "version",
                    description: "The version (entity tag) of the resource being returned.",
                    caseExact: true,
                    mutability: .readOnly
                ),
            ]
        ),
    ]
}
