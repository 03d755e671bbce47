import Foundation
import Testing

@testable import SCIMCore

private let someFieldPath = "\(enterpriseUserURN):some-users-field"

private func normalizedUser(_ text: String, type: ResourceType = customUser) throws -> JSONObject {
    try Normalizer(type).normalize(resource: try parsedObject(text))
}

private func normalizingError(_ text: String, type: ResourceType = customUser) throws -> SCIMError? {
    let body = try parsedObject(text)
    do {
        _ = try Normalizer(type).normalize(resource: body)
        return nil
    } catch {
        return error
    }
}

/// A user in stored form holding custom values, one of them for the disabled field `old-code`.
private let stored: JSONObject = [
    "userName": "bjensen",
    enterpriseUserURN: [
        "department": "Tour Operations", "some-users-field": "x", "shirt-size": "Small", "old-code": "X1",
    ],
    rosterUserURN: ["badge-colour": "red"],
]

/// The RFC 7643 §3.3 wire shape Okta sends for custom attributes (idp-behaviour 1.9), in any case and spelling.
@Test func postWithCustomValuesIsStoredTypedAndCanonical() throws {
    let result = try normalizedUser(
        #"""
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
         "userName":"u",
         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Sales","Some-Users-Field":"x",
           "shirt-size":"medium","languages":["french","English"],"works-remotely":"True",
           "start-date":"2026-01-31T09:00:00+01:00","budget":1200},
         "urn:ietf:params:scim:schemas:extension:roster:2.0:User":{"badge-colour":"red"}}
        """#)
    let enterprise = try #require(result[enterpriseUserURN]?.objectValue)
    #expect(
        enterprise.keys == [
            "department", "some-users-field", "shirt-size", "languages", "works-remotely", "start-date", "budget",
        ])
    #expect(
        enterprise == [
            "department": "Sales", "some-users-field": "x", "shirt-size": "Medium", "languages": ["French", "English"],
            "works-remotely": true, "start-date": "2026-01-31T08:00:00.000Z", "budget": 1200,
        ])
    #expect(result[rosterUserURN] == ["badge-colour": "red"])
}

/// Values are checked by type; every problem is reported in one error.
@Test func customValuesOfTheWrongKindAreRefusedTogether() throws {
    let error = try #require(
        try normalizingError(
            #"""
            {"userName":"u","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"works-remotely":"yes",
             "budget":"12","start-date":"tomorrow","shirt-size":"XL","languages":["English","Klingon"],"shoe-size":44}}
            """#))
    #expect(error.scimType == "invalidValue")
    #expect(error.detail.hasPrefix("6 problems"))
    #expect(error.detail.contains(#""works-remotely" must be a boolean, not string."#))
    #expect(error.detail.contains(#""budget" must be an integer, not string."#))
    #expect(error.detail.contains(#""start-date" must be an xsd:dateTime"#))
    #expect(error.detail.contains(#""shirt-size" must be one of Small, Medium, Large, not "XL"."#))
    #expect(error.detail.contains(#""languages" must be one of English, French, German, not "Klingon"."#))
    #expect(error.detail.contains(#"Unknown attribute "shoe-size""#))
}

@Test func selectOptionsCompareCaseInsensitivelyBeyondASCII() throws {
    let city = CustomField(id: "c", label: "City", attributeName: "city", type: .select, options: ["Zürich", "Köln"])
    let type = ResourceType.user(customFields: [city])
    let result = try normalizedUser(#"{"userName":"u","\#(enterpriseUserURN)":{"city":"ZÜRICH"}}"#, type: type)
    #expect(result[enterpriseUserURN] == ["city": "Zürich"])
}

@Test func selectWithoutOptionsRefusesEveryValue() throws {
    let empty = CustomField(id: "e", label: "Empty", attributeName: "empty", type: .select)
    let type = ResourceType.user(customFields: [empty])
    let error = try normalizingError(#"{"userName":"u","\#(enterpriseUserURN)":{"empty":"a"}}"#, type: type)
    #expect(error?.detail == #""empty" has no allowed values yet, so "a" is refused."#)
}

/// A disabled field is not in the schema; nor is the roster extension when it has no enabled field.
@Test func disabledFieldsAndAnEmptyRosterExtensionAreUnknown() throws {
    let disabled = try normalizingError(#"{"userName":"u","\#(enterpriseUserURN)":{"old-code":"X1"}}"#)
    #expect(disabled?.detail.contains(#"Unknown attribute "old-code""#) == true)
    let roster = try normalizingError(#"{"userName":"u","\#(rosterUserURN)":{"badge-colour":"red"}}"#, type: .user)
    #expect(roster?.detail.contains("Unknown attribute \"\(rosterUserURN)\"") == true)
}

/// Okta's Profile Editor attributes are set with the URN-qualified path.
@Test func oktaReplaceOnAURNQualifiedCustomPath() throws {
    let result = try patched(
        stored, #"[{"op":"replace","path":"\#(someFieldPath)","value":"y"}]"#, type: customUser)
    #expect(result[enterpriseUserURN]?["some-users-field"] == "y")
    #expect(result[enterpriseUserURN]?["department"] == "Tour Operations")
    let wrong = try patchError(
        stored, #"[{"op":"replace","path":"\#(enterpriseUserURN):shirt-size","value":"XXL"}]"#, type: customUser)
    #expect(wrong?.scimType == "invalidValue")
}

/// Entra ID's no-path replace with URN-prefixed keys (idp-behaviour 2.3), and with the extension's URN object.
@Test func entraPathlessReplaceWithURNKeys() throws {
    let result = try patched(
        stored,
        #"""
        [{"op":"Replace","value":{"\#(someFieldPath)":"z","\#(enterpriseUserURN):SHIRT-SIZE":"large",
          "\#(rosterUserURN):badge-colour":"blue","\#(enterpriseUserURN):works-remotely":"False"}},
         {"op":"replace","value":{"\#(enterpriseUserURN)":{"budget":5}}}]
        """#, type: customUser)
    let enterprise = try #require(result[enterpriseUserURN]?.objectValue)
    #expect(enterprise["some-users-field"] == "z" && enterprise["shirt-size"] == "Large")
    #expect(enterprise["works-remotely"] == false && enterprise["budget"] == 5)
    #expect(result[rosterUserURN] == ["badge-colour": "blue"])
}

@Test func multiSelectAddAndRemoveKeepOneCanonicalValueEach() throws {
    let start = try patched(stored, #"[{"op":"add","path":"languages","value":["english"]}]"#, type: customUser)
    let added = try patched(start, #"[{"op":"add","path":"languages","value":"German"}]"#, type: customUser)
    let again = try patched(added, #"[{"op":"add","path":"languages","value":["ENGLISH"]}]"#, type: customUser)
    #expect(again[enterpriseUserURN]?["languages"] == ["English", "German"])
    let removed = try patched(again, #"[{"op":"remove","path":"languages","value":["english"]}]"#, type: customUser)
    #expect(removed[enterpriseUserURN]?["languages"] == ["German"])
}

@Test func patchCannotReachADisabledField() throws {
    let error = try patchError(
        stored, #"[{"op":"replace","path":"\#(enterpriseUserURN):old-code","value":"X2"}]"#, type: customUser)
    #expect(error?.scimType == "invalidPath")
}

/// RFC 7644 §3.4.2.2: attribute names with dashes and underscores are ATTRNAMEs, in filters and PATCH paths alike.
@Test func dashedAndUnderscoredNamesParseInPathsAndFilters() throws {
    let path = AttributePath(schema: enterpriseUserURN, name: "some-users-field")
    #expect(try AttributePath.parse(someFieldPath) == path)
    #expect(
        try AttributePath.parse("\(enterpriseUserURN):cost_code-2")
            == AttributePath(
                schema: enterpriseUserURN, name: "cost_code-2"))
    #expect(try PatchPath.parse(someFieldPath) == PatchPath(attribute: path))
    #expect(try Filter.parse(#"\#(someFieldPath) eq "x""#) == .compare(path, .eq, .string("x")))
    #expect(try Filter.parse(#"snake_case-field pr"#) == .present(AttributePath(name: "snake_case-field")))
}

@Test func filterOnACustomFieldValidatesAndEvaluates() throws {
    let filter = try Filter.parse(#"\#(someFieldPath) eq "X""#)
    try filter.validate(against: customUser)
    #expect(filter.matches(stored, in: customUser))
    var other = stored
    other[enterpriseUserURN] = ["some-users-field": "y"]
    #expect(!filter.matches(other, in: customUser))
    #expect(throws: SCIMError.self) { try filter.validate(against: .user) }
}

@Test(arguments: [
    (#"some-users-field eq "x""#, true), (#"shirt-size eq "small""#, true), (#"languages eq "french""#, true),
    (#"languages eq "german""#, false), ("works-remotely eq true", true), ("budget gt 1000", true),
    ("budget lt 1000", false), (#"start-date gt "2026-01-01T00:00:00Z""#, true), ("old-code pr", false),
    (#"\#(rosterUserURN):badge-colour sw "r""#, true),
])
func filtersOnCustomFieldsOfEveryType(text: String, expected: Bool) throws {
    var user = stored
    user[enterpriseUserURN] = [
        "some-users-field": "x", "shirt-size": "Small", "languages": ["English", "French"], "works-remotely": true,
        "budget": 1200, "start-date": "2026-01-31T08:00:00.000Z", "old-code": "X1",
    ]
    let filter = try Filter.parse(text)
    if text.hasPrefix("old-code") {
        #expect(throws: SCIMError.self) { try filter.validate(against: customUser) }
    } else {
        try filter.validate(against: customUser)
    }
    #expect(filter.matches(user, in: customUser) == expected)
}

@Test(arguments: [#"budget co "1""#, "works-remotely gt true", #"start-date eq "soon""#])
func filtersThatCannotApplyToACustomFieldAreInvalid(text: String) throws {
    #expect(throws: SCIMError.self) { try Filter.parse(text).validate(against: customUser) }
}

private let meta = ResourceMeta(
    created: Date(timeIntervalSince1970: 0), lastModified: Date(timeIntervalSince1970: 0), version: 1,
    location: "https://example.com/scim/v2/Users/1")

/// A disabled field's kept value is not returned, and an extension left empty is not listed in `schemas`.
@Test func representationHidesTheValuesOfDisabledFields() throws {
    let full = customUser.representation(id: "1", body: stored, meta: meta)
    #expect(
        full[enterpriseUserURN] == ["department": "Tour Operations", "some-users-field": "x", "shirt-size": "Small"])
    #expect(full[rosterUserURN] == ["badge-colour": "red"])
    #expect(full["schemas"] == [.string(Schema.user.id), .string(enterpriseUserURN), .string(rosterUserURN)])
    let onlyDisabled: JSONObject = ["userName": "u", enterpriseUserURN: ["old-code": "X1"], rosterUserURN: ["a": "b"]]
    let hidden = ResourceType.user.representation(id: "1", body: onlyDisabled, meta: meta)
    #expect(hidden[enterpriseUserURN] == nil && hidden[rosterUserURN] == nil)
    #expect(hidden["schemas"] == [.string(Schema.user.id)])
}

@Test func projectionSelectsACustomFieldByItsQualifiedName() throws {
    let full = customUser.representation(id: "1", body: stored, meta: meta)
    let projection = try Projection.parse(attributes: someFieldPath, excludedAttributes: nil)
    let result = projection.apply(to: full, of: customUser)
    #expect(result.keys == ["schemas", "id", enterpriseUserURN])
    #expect(result[enterpriseUserURN] == ["some-users-field": "x"])
}

/// A PUT cannot mention a disabled field, so its kept value is carried over from the stored body.
@Test func putKeepsTheValuesOfDisabledFields() throws {
    var disabledBadge = badgeColour
    disabledBadge.enabled = false
    let fields = [someField, shirtSize, disabledBadge, oldCode]
    let type = ResourceType.user(customFields: fields)
    var new = try normalizedUser(#"{"userName":"bjensen","\#(enterpriseUserURN)":{"shirt-size":"large"}}"#, type: type)
    CustomField.carryOver(disabled: fields, from: stored, into: &new)
    #expect(new[enterpriseUserURN] == ["shirt-size": "Large", "old-code": "X1"])
    #expect(new[rosterUserURN] == ["badge-colour": "red"])
    #expect(new["userName"] == "bjensen")
}

/// The recipe for PATCH: patch and normalize the body without the kept values, then carry them over.
@Test func patchKeepsTheValuesOfDisabledFields() throws {
    let operations = #"[{"op":"replace","path":"shirt-size","value":"medium"}]"#
    #expect(throws: SCIMError.self) {
        try Normalizer(customUser).normalize(resource: try patched(stored, operations, type: customUser))
    }
    let visible = customUser.withoutUnknownExtensionAttributes(stored)
    #expect(visible[enterpriseUserURN]?["old-code"] == nil && visible[rosterUserURN] == ["badge-colour": "red"])
    var result = try Normalizer(customUser).normalize(resource: try patched(visible, operations, type: customUser))
    CustomField.carryOver(disabled: customFields, from: stored, into: &result)
    #expect(result[enterpriseUserURN]?["old-code"] == "X1")
    #expect(result[enterpriseUserURN]?["shirt-size"] == "Medium")
    #expect(result[enterpriseUserURN]?["some-users-field"] == "x")
}

@Test func carryOverIgnoresEnabledFieldsAndAbsentValues() {
    var new: JSONObject = ["userName": "bjensen"]
    CustomField.carryOver(disabled: [someField, shirtSize], from: stored, into: &new)
    #expect(new == ["userName": "bjensen"])
    CustomField.carryOver(disabled: [oldCode], from: ["userName": "bjensen"], into: &new)
    #expect(new == ["userName": "bjensen"])
}

@Test func unknownURNContainersAreDroppedFromAStoredBody() {
    let body: JSONObject = ["userName": "u", rosterUserURN: ["badge-colour": "red"], "title": "Boss"]
    #expect(ResourceType.user.withoutUnknownExtensionAttributes(body) == ["userName": "u", "title": "Boss"])
}
