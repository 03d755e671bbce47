extension Schema {
    /// The core User schema (RFC 7643 §4.1, with characteristics from the §8.7.1 representation).
    public static let user = Schema(
        id: "urn:ietf:params:scim:schemas:core:2.0:User",
        name: "User",
        description: "User Account",
        attributes: [
            Attribute(
                name: "userName",
                description: "A service provider-unique identifier the user typically uses to authenticate.",
                required: true,
                uniqueness: .server
            ),
            Attribute(
                name: "name",
                type: .complex,
                description: "The components of the user's real name.",
                subAttributes: [
                    Attribute(
                        name: "formatted",
                        description: "The full name, including titles and suffixes, formatted for display."
                    ),
                    Attribute(name: "familyName", description: "The family name of the User, or last name."),
                    Attribute(name: "givenName", description: "The given name of the User, or first name."),
                    Attribute(name: "middleName", description: "The middle name(s) of the User."),
                    Attribute(name: "honorificPrefix", description: "The honorific prefix(es), e.g., 'Ms.'."),
                    Attribute(name: "honorificSuffix", description: "The honorific suffix(es), e.g., 'III'."),
                ]
            ),
            Attribute(name: "displayName", description: "The name of the User, suitable for display to end-users."),
            Attribute(name: "nickName", description: "The casual way to address the user in real life, e.g., 'Bob'."),
            Attribute(
                name: "profileUrl",
                type: .reference,
                description: "A fully qualified URL pointing to a page representing the User's online profile.",
                referenceTypes: ["external"]
            ),
            Attribute(name: "title", description: "The user's title, such as 'Vice President'."),
            Attribute(
                name: "userType",
                description: "The relationship between the organization and the user, e.g., 'Employee' or 'Contractor'."
            ),
            Attribute(
                name: "preferredLanguage",
                description: "The User's preferred written or spoken language, e.g., 'en-US'."
            ),
            Attribute(
                name: "locale",
                description: "The User's default location for localizing currency, dates and numbers."
            ),
            Attribute(
                name: "timezone",
                description: "The User's time zone in IANA ('Olson') format, e.g., 'America/Los_Angeles'."
            ),
            Attribute(
                name: "active",
                type: .boolean,
                description: "A Boolean value indicating the User's administrative status."
            ),
            Attribute(
                name: "password",
                description: "The User's cleartext password, used to set an initial password or reset it.",
                mutability: .writeOnly,
                returned: .never
            ),
            Attribute(
                name: "emails",
                type: .complex,
                multiValued: true,
                description: "Email addresses for the User.",
                subAttributes: userMultiValuedSubAttributes(
                    value: Attribute(name: "value", description: "An email address for the User."),
                    typeDescription: "A label indicating the attribute's function, e.g., 'work' or 'home'.",
                    canonicalTypes: ["work", "home", "other"],
                    primaryExample: "the primary email address"
                )
            ),
            Attribute(
                name: "phoneNumbers",
                type: .complex,
                multiValued: true,
                description: "Phone numbers for the User.",
                subAttributes: userMultiValuedSubAttributes(
                    value: Attribute(name: "value", description: "A phone number of the User."),
                    typeDescription: "A label indicating the attribute's function, e.g., 'work', 'home' or 'mobile'.",
                    canonicalTypes: ["work", "home", "mobile", "fax", "pager", "other"],
                    primaryExample: "the primary phone number"
                )
            ),
            Attribute(
                name: "ims",
                type: .complex,
                multiValued: true,
                description: "Instant messaging addresses for the User.",
                subAttributes: userMultiValuedSubAttributes(
                    value: Attribute(name: "value", description: "An instant messaging address for the User."),
                    typeDescription: "A label indicating the attribute's function, e.g., 'aim', 'gtalk' or 'xmpp'.",
                    canonicalTypes: ["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"],
                    primaryExample: "the preferred messenger"
                )
            ),
            Attribute(
                name: "photos",
                type: .complex,
                multiValued: true,
                description: "URLs of photos of the User.",
                subAttributes: userMultiValuedSubAttributes(
                    value: Attribute(
                        name: "value",
                        type: .reference,
                        description: "The URL of a photo of the User.",
                        referenceTypes: ["external"]
                    ),
                    typeDescription: "A label indicating the attribute's function, i.e., 'photo' or 'thumbnail'.",
                    canonicalTypes: ["photo", "thumbnail"],
                    primaryExample: "the preferred photo or thumbnail"
                )
            ),
            Attribute(
                name: "addresses",
                type: .complex,
                multiValued: true,
                description: "Physical mailing addresses for the User.",
                subAttributes: [
                    Attribute(
                        name: "formatted",
                        description: "The full mailing address, formatted for display or a mailing label."
                    ),
                    Attribute(
                        name: "streetAddress",
                        description: "The full street address component, which may contain newlines."
                    ),
                    Attribute(name: "locality", description: "The city or locality component."),
                    Attribute(name: "region", description: "The state or region component."),
                    Attribute(name: "postalCode", description: "The zip code or postal code component."),
                    Attribute(name: "country", description: "The country name component."),
                    Attribute(
                        name: "type",
                        description: "A label indicating the attribute's function, e.g., 'work' or 'home'.",
                        canonicalValues: ["work", "home", "other"]
                    ),
                    userPrimary(example: "the preferred mailing address"),
                ]
            ),
            Attribute(
                name: "groups",
                type: .complex,
                multiValued: true,
                description: "The groups to which the User belongs, directly, through nesting, or dynamically.",
                mutability: .readOnly,
                subAttributes: [
                    Attribute(
                        name: "value",
                        description: "The identifier of the User's group.",
                        mutability: .readOnly
                    ),
                    Attribute(
                        name: "$ref",
                        type: .reference,
                        description: "The URI of the corresponding Group resource to which the User belongs.",
                        mutability: .readOnly,
                        referenceTypes: ["User", "Group"]
                    ),
                    Attribute(
                        name: "display",
                        description: "A human-readable name, primarily used for display purposes.",
                        mutability: .readOnly
                    ),
                    Attribute(
                        name: "type",
                        description: "A label indicating the attribute's function, e.g., 'direct' or 'indirect'.",
                        mutability: .readOnly,
                        canonicalValues: ["direct", "indirect"]
                    ),
                ]
            ),
            Attribute(
                name: "entitlements",
                type: .complex,
                multiValued: true,
                description: "A list of entitlements for the User that represent a thing the User has.",
                subAttributes: userMultiValuedSubAttributes(
                    value: Attribute(name: "value", description: "The value of an entitlement."),
                    typeDescription: "A label indicating the attribute's function."
                )
            ),
            Attribute(
                name: "roles",
                type: .complex,
                multiValued: true,
                description: "A list of roles for the User that collectively represent who the User is.",
                subAttributes: userMultiValuedSubAttributes(
                    value: Attribute(name: "value", description: "The value of a role."),
                    typeDescription: "A label indicating the attribute's function."
                )
            ),
            Attribute(
                name: "x509Certificates",
                type: .complex,
                multiValued: true,
                description: "A list of certificates issued to the User.",
                subAttributes: userMultiValuedSubAttributes(
                    value: Attribute(
                        name: "value",
                        type: .binary,
                        description: "The value of an X.509 certificate."
                    ),
                    typeDescription: "A label indicating the attribute's function."
                )
            ),
        ]
    )
}

/// The `value`, `display`, `type` and `primary` sub-attributes of a User multi-valued attribute (RFC 7643 §2.4).
private func userMultiValuedSubAttributes(
    value: Attribute,
    typeDescription: String,
    canonicalTypes: [String] = [],
    primaryExample: String? = nil
) -> [Attribute] {
    [
        value,
        Attribute(name: "display", description: "A human-readable name, primarily used for display purposes."),
        Attribute(name: "type", description: typeDescription, canonicalValues: canonicalTypes),
        userPrimary(example: primaryExample),
    ]
}

/// The boolean `primary` sub-attribute of a User multi-valued attribute (RFC 7643 §2.4).
private func userPrimary(example: String?) -> Attribute {
    let purpose = example.map { ", e.g., \($0)" } ?? ""
    return Attribute(
        name: "primary",
        type: .boolean,
        description: "Whether this is the 'primary' or preferred value\(purpose); 'true' may appear at most once."
    )
}
