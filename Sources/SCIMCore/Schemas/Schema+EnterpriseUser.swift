extension Schema {
    /// The Enterprise User extension schema (RFC 7643 §4.3, §8.7.1).
    public static let enterpriseUser = Schema(
        id: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
        name: "EnterpriseUser",
        description: "Enterprise User",
        attributes: [
            Attribute(
                name: "employeeNumber",
                description: "A string identifier, typically numeric or alphanumeric, assigned by the organization."
            ),
            Attribute(name: "costCenter", description: "Identifies the name of a cost center."),
            Attribute(name: "organization", description: "Identifies the name of an organization."),
            Attribute(name: "division", description: "Identifies the name of a division."),
            Attribute(name: "department", description: "Identifies the name of a department."),
            Attribute(
                name: "manager",
                type: .complex,
                description: "The User's manager, referencing the 'id' attribute of another User.",
                subAttributes: [
                    Attribute(
                        name: "value",
                        description: "The id of the SCIM resource representing the User's manager."
                    ),
                    Attribute(
                        name: "$ref",
                        type: .reference,
                        description: "The URI of the SCIM resource representing the User's manager.",
                        referenceTypes: ["User"]
                    ),
                    Attribute(
                        name: "displayName",
                        description: "The displayName of the User's manager.",
                        mutability: .readOnly
                    ),
                ]
            ),
        ]
    )
}
