extension Schema {
    /// The core Group schema (RFC 7643 §4.2, §8.7.1).
    public static let group = Schema(
        id: "urn:ietf:params:scim:schemas:core:2.0:Group",
        name: "Group",
        description: "Group",
        attributes: [
            /// RFC 7643 §8.7.1 has required false and uniqueness none; Roster requires a unique displayName.
            Attribute(
                name: "displayName",
                description: "A human-readable name for the Group.",
                required: true,
                uniqueness: .server
            ),
            Attribute(
                name: "members",
                type: .complex,
                multiValued: true,
                description: "A list of members of the Group.",
                subAttributes: [
                    Attribute(
                        name: "value",
                        description: "The identifier of the member of this Group.",
                        caseExact: true,
                        mutability: .immutable
                    ),
                    Attribute(
                        name: "$ref",
                        type: .reference,
                        description: "The URI of the SCIM resource that is a member of this Group.",
                        mutability: .immutable,
                        referenceTypes: ["User", "Group"]
                    ),
                    Attribute(
                        name: "display",
                        description: "A human-readable name for the member, primarily used for display purposes.",
                        mutability: .readOnly
                    ),
                    Attribute(
                        name: "type",
                        description: "A label indicating the type of resource, e.g., 'User' or 'Group'.",
                        mutability: .immutable,
                        canonicalValues: ["User", "Group"],
                        canonicalOnly: true
                    ),
                ]
            ),
        ]
    )
}
