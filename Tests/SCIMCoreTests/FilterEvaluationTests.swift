import Testing

@testable import SCIMCore

private let enterpriseURN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

private func attribute(
    _ name: String, _ type: AttributeType = .string, multiValued: Bool = false, caseExact: Bool = false,
    _ subAttributes: [Attribute] = []
) -> Attribute {
    Attribute(
        name: name, type: type, multiValued: multiValued, description: name, caseExact: caseExact,
        subAttributes: subAttributes)
}

private let emails = attribute(
    "emails", .complex, multiValued: true,
    [attribute("value"), attribute("type"), attribute("primary", .boolean)])

/// A small user type, built here so these tests do not depend on the shipped schemas.
private let userType = ResourceType(
    id: "User", name: "User", endpoint: "/Users", description: "Test users.",
    schema: Schema(
        id: "urn:ietf:params:scim:schemas:core:2.0:User", name: "User", description: "Users.",
        attributes: [
            attribute("userName"), attribute("title"), attribute("code", caseExact: true),
            attribute("active", .boolean), attribute("loginCount", .integer), attribute("score", .decimal),
            attribute("tags", multiValued: true), attribute("birthday", .dateTime), emails,
            attribute("name", .complex, [attribute("givenName"), attribute("familyName")]),
        ]),
    extensions: [
        ResourceType.Extension(
            schema: Schema(
                id: enterpriseURN, name: "EnterpriseUser", description: "Enterprise users.",
                attributes: [
                    attribute("employeeNumber"),
                    attribute("manager", .complex, [attribute("value"), attribute("displayName")]),
                ]),
            required: false)
    ])

private let bjensen: JSONObject = [
    "id": "2819c223-7f76-453a-919d-413861904646",
    "externalId": "bjensen",
    "userName": "BJensen",
    "title": "",
    "code": "AbC",
    "active": true,
    "loginCount": 7,
    "score": .double(4.5),
    "tags": ["alpha", "beta"],
    "emails": [
        .object(["value": "bjensen@example.com", "type": "work", "primary": true]),
        .object(["value": "babs@jensen.org", "type": "home"]),
    ],
    "name": .object(["givenName": "Barbara", "familyName": "Jensen"]),
    "meta": .object([
        "resourceType": "User", "created": "2011-08-01T18:29:49.793Z", "lastModified": "2011-08-01T20:31:02+02:00",
    ]),
    enterpriseURN: .object(["employeeNumber": "701984", "manager": .object(["value": "26118915"])]),
]

/// Whether bjensen matches `text`, which must parse.
private func matches(_ text: String, _ resource: JSONObject = bjensen) throws -> Bool {
    try Filter.parse(text).matches(resource, in: userType)
}

/// The detail of the error `validate` throws for `text`, or nil when it is valid.
private func validationError(_ text: String) throws -> String? {
    let filter = try Filter.parse(text)
    do {
        try filter.validate(against: userType)
        return nil
    } catch {
        #expect(error.scimType == "invalidFilter")
        return error.detail
    }
}

/// RFC 7643 §2.2: "caseExact" false means string comparisons ignore case.
@Test(arguments: [#"userName eq "bjensen""#, #"USERNAME eq "BJENSEN""#, #"userName sw "bj""#, #"userName ew "SEN""#])
func caseInsensitiveStringMatchesInAnyCase(text: String) throws {
    #expect(try matches(text))
}

@Test func caseExactStringRequiresTheSameCase() throws {
    #expect(try matches(#"code eq "AbC""#))
    #expect(try !matches(#"code eq "abc""#))
    #expect(try matches(#"id eq "2819c223-7f76-453a-919d-413861904646""#))
    #expect(try !matches(#"externalId eq "BJENSEN""#))
}

@Test func substringOperatorsMatchContainsPrefixAndSuffix() throws {
    #expect(try matches(#"name.familyName co "ens""#))
    #expect(try !matches(#"name.familyName co "xyz""#))
    #expect(try matches(#"name.givenName sw "Bar" and name.givenName ew "ara""#))
}

@Test func lexicographicAndNumericOrdering() throws {
    #expect(try matches(#"userName gt "a" and userName lt "c""#))
    #expect(try matches("loginCount gt 5 and loginCount le 7 and loginCount ge 7.0"))
    #expect(try !matches("loginCount lt 7"))
    #expect(try matches("score gt 4 and score lt 4.6"))
}

/// RFC 7644 §3.4.2.2: a multi-valued attribute matches when any of its values matches.
@Test func multiValuedAttributeMatchesWhenAnyValueMatches() throws {
    #expect(try matches(#"emails.value ew "@jensen.org""#))
    #expect(try matches(#"tags eq "BETA""#))
    #expect(try !matches(#"tags eq "gamma""#))
}

/// RFC 7644 §3.4.2.2: `emails eq "x"` on a multi-valued complex attribute compares its "value" sub-attribute.
@Test func complexAttributeWithoutSubAttributeComparesValue() throws {
    #expect(try matches(#"emails eq "babs@jensen.org""#))
    #expect(try matches(#"emails co "example""#))
    #expect(try validationError(#"emails eq "babs@jensen.org""#) == nil)
}

/// RFC 7644 §3.4.2.2: every condition of a value filter must hold for the same element.
@Test func valuePathRequiresOneElementToMatchEveryCondition() throws {
    #expect(try matches(#"emails[type eq "work" and value co "example.com"]"#))
    #expect(try !matches(#"emails[type eq "work" and value co "jensen.org"]"#))
    #expect(try matches(#"emails.type eq "work" and emails.value co "jensen.org""#))
    #expect(try matches(#"emails[type eq "home" or primary eq true] and userName pr"#))
}

/// RFC 7644 §3.4.2.2 "pr": the attribute has a non-empty, non-null value.
@Test(arguments: [("userName", true), ("title", false), ("tags", true), ("name", true), ("nickName", false)])
func presentNeedsANonEmptyValue(name: String, present: Bool) throws {
    var resource = bjensen
    resource["nickName"] = .null
    #expect(try matches("\(name) pr", resource) == present)
    #expect(try matches("not (\(name) pr)", resource) == !present)
}

@Test func presentIgnoresEmptyArraysAndObjects() throws {
    var resource = bjensen
    resource["tags"] = .array([])
    resource["name"] = .object(JSONObject())
    #expect(try !matches("tags pr", resource))
    #expect(try !matches("name pr", resource))
}

@Test func equalsNullMatchesAnAbsentAttribute() throws {
    #expect(try matches("birthday eq null"))
    #expect(try !matches("userName eq null"))
    #expect(try matches("userName ne null"))
}

/// RFC 7644 §3.4.2.2: dateTime attributes compare chronologically, whatever the offset or fraction.
@Test func dateTimeComparesChronologically() throws {
    #expect(try matches(#"meta.lastModified eq "2011-08-01T18:31:02Z""#))
    #expect(try matches(#"meta.lastModified gt "2011-08-01T19:00:00+01:00""#))
    #expect(try matches(#"meta.created lt "2011-08-01T18:29:49.8Z" and meta.created ge "2011-08-01T18:29:49Z""#))
    #expect(try !matches(#"meta.created gt "2011-08-01T18:29:50Z""#))
}

/// Entra ID sends `active eq "True"`; booleans also match the strings "true" and "false" in any case.
@Test(arguments: ["active eq true", #"active eq "True""#, #"active eq "TRUE""#, #"active ne "false""#])
func booleanMatchesBooleanStringsInAnyCase(text: String) throws {
    #expect(try matches(text))
    #expect(try validationError(text) == nil)
}

@Test func booleanStoredAsStringMatchesBooleanValue() throws {
    var resource = bjensen
    resource["active"] = "False"
    #expect(try matches("active eq false", resource))
}

@Test func notNegatesItsOperand() throws {
    #expect(try matches(#"not (userName eq "someone")"#))
    #expect(try !matches(#"not (userName eq "bjensen")"#))
    #expect(try matches(#"not (emails[type eq "other"]) and not (title pr)"#))
}

@Test func extensionAttributesMatchQualifiedAndUnqualified() throws {
    #expect(try matches(#"\#(enterpriseURN):employeeNumber eq "701984""#))
    #expect(try matches(#"employeeNumber eq "701984""#))
    #expect(try matches(#"\#(enterpriseURN):manager.value eq "26118915""#))
    #expect(try !matches(#"\#(enterpriseURN):employeeNumber eq "1""#))
}

@Test func unquotedValueFromEntraMatches() throws {
    #expect(try matches("externalId eq bjensen"))
    #expect(try matches(#"\#(enterpriseURN):employeeNumber eq 701984"#))
}

/// The PATCH engine picks the elements `emails[type eq "work"]` selects.
@Test func matchesElementSelectsElementsOfAMultiValuedAttribute() throws {
    let filter = try Filter.parse(#"type eq "WORK" and primary eq true"#)
    let selected = bjensen["emails"]?.arrayValue?.compactMap(\.objectValue).filter {
        filter.matchesElement($0, of: emails)
    }
    #expect(selected?.map { $0["value"] } == ["bjensen@example.com"])
}

@Test func validFiltersPassValidation() throws {
    for text in [
        #"userName eq "x" and emails[type eq "work"] and meta.lastModified gt "2011-05-13T04:42:34Z""#,
        #"id eq "1" or externalId pr or meta.resourceType eq "User" or meta.version pr or meta.location co "/""#,
        #"\#(enterpriseURN):manager.value eq "x" or name.givenName sw "B" or loginCount ge 3 or score lt 1"#,
        "urn:ietf:params:scim:schemas:core:2.0:User:userName eq bjensen",
    ] {
        #expect(try validationError(text) == nil, "\(text)")
    }
}

/// RFC 7644 §3.4.2.2: filters on attributes the schema does not define are invalid.
@Test func validationRejectsUnknownAttributes() throws {
    #expect(try validationError(#"nickName eq "x""#) == #"Unknown attribute "nickName" in filter."#)
    #expect(try validationError(#"name.middleName pr"#) == #"Unknown attribute "name.middleName" in filter."#)
    #expect(try validationError(#"emails[kind eq "work"]"#) == #"Unknown attribute "kind" in filter."#)
    #expect(try validationError("meta.owner pr") != nil)
    #expect(try validationError("urn:example:Other:userName pr") != nil)
}

/// RFC 7644 §3.4.2.2: gt, ge, lt and le on a Boolean attribute respond with "invalidFilter".
@Test(arguments: ["active gt true", "active le false", "emails.primary ge true"])
func validationRejectsOrderingOnBooleans(text: String) throws {
    #expect(try validationError(text)?.contains("boolean") == true)
}

@Test(arguments: [
    #"name eq "Barbara""#, #"name gt "a""#, #"userName eq 1.5"#, "userName eq true", #"loginCount eq "7""#,
    #"meta.created gt "yesterday""#, "active eq 1", "userName gt null", #"active co "t""#, #"userName[value pr]"#,
])
func validationRejectsComparisonsTheAttributeCannotTake(text: String) throws {
    #expect(try validationError(text) != nil)
}

@Test func unknownAttributesMatchNothing() throws {
    #expect(try !matches(#"nickName eq "x""#))
    #expect(try !matches(#"nickName ne "x""#))
}
