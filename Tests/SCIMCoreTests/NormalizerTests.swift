import Foundation
import Testing

@testable import SCIMCore

/// The stored form of a body, or the error normalizing it throws.
private func normalized(_ text: String, type: ResourceType = .user) throws -> Result<JSONObject, SCIMError> {
    let body = try parsedObject(text)
    do {
        return .success(try Normalizer(type).normalize(resource: body))
    } catch {
        return .failure(error)
    }
}

private func stored(_ text: String, type: ResourceType = .user) throws -> JSONObject {
    try normalized(text, type: type).get()
}

private func failure(_ text: String, type: ResourceType = .user) throws -> SCIMError? {
    guard case .failure(let error) = try normalized(text, type: type) else { return nil }
    return error
}

/// One attribute's value normalized on its own, with the problems found.
private func normalize(_ value: JSON, as type: AttributeType) -> (JSON?, [SCIMError]) {
    var problems: [SCIMError] = []
    let attribute = Attribute(name: "custom", type: type, description: "A custom field.")
    let result = Normalizer(.user).normalize(value, for: attribute, path: "custom", problems: &problems)
    return (result, problems)
}

/// Okta's create-user body, verbatim (idp-behaviour 1.5): `groups` and `password` are read-only or write-only.
@Test func oktaCreateBodyIsStoredWithoutGroupsOrPassword() throws {
    let result = try stored(
        #"""
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"test.user@okta.local",
         "name":{"givenName":"Test","familyName":"User"},
         "emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],
         "displayName":"Test User","locale":"en-US","externalId":"00ujl29u0le5T6Aj10h7","groups":[],
         "password":"1mz050nq","active":true}
        """#)
    #expect(result.keys == ["userName", "name", "emails", "displayName", "locale", "externalId", "active"])
    #expect(result["emails"] == [["primary": true, "value": "test.user@okta.local", "type": "work"]])
}

/// RFC 7644 §3.5.1: read-only input is ignored; Okta's PUT echoes `id`, `meta` and `groups` from its GET.
@Test func readOnlyInputIsIgnored() throws {
    let result = try stored(
        #"""
        {"id":"23a35c27","userName":"u","groups":[{"value":"g1","display":"Team"}],
         "meta":{"resourceType":"User","created":"2026-01-01T00:00:00Z","version":"W/\"3\""},
         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"m","displayName":"Boss"}}}
        """#)
    #expect(result == ["userName": "u", enterpriseUserURN: ["manager": ["value": "m"]]])
}

/// RFC 7643 §2.1: names compare case-insensitively; stored form uses the schema's spelling.
@Test func namesAreStoredWithTheSchemaSpelling() throws {
    let result = try stored(
        #"""
        {"USERNAME":"u","Name":{"GIVENNAME":"B"},"Emails":[{"Value":"b@x.org","PRIMARY":"True"}],"EXTERNALID":"e",
         "URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER":{"EmployeeNumber":"7"}}
        """#)
    #expect(result.keys == ["userName", "name", "emails", "externalId", enterpriseUserURN])
    #expect(result["name"]?.objectValue?.keys == ["givenName"])
    #expect(result["emails"] == [["value": "b@x.org", "primary": true]])
    #expect(result[enterpriseUserURN]?.objectValue?.keys == ["employeeNumber"])
}

@Test func unknownAttributesAreReported() throws {
    let error = try failure(#"{"userName":"u","shoeSize":44}"#)
    #expect(error?.scimType == "invalidValue")
    #expect(error?.detail.contains("shoeSize") == true)
    #expect(try failure(#"{"userName":"u","name":{"nickname":"B"}}"#)?.detail.contains("nickname") == true)
    #expect(try failure(#"{"userName":"u","\#(enterpriseUserURN)":{"grade":"7"}}"#)?.detail.contains("grade") == true)
}

/// Validation reports every problem it finds in one error, not the first (style guide).
@Test func everyProblemIsReportedInOneError() throws {
    let error = try #require(
        try failure(#"{"shoeSize":44,"active":"maybe","emails":"b@x.org","name":{"givenName":7}}"#))
    #expect(error.status == 400 && error.scimType == "invalidValue")
    #expect(error.detail.hasPrefix("5 problems:"))
    for part in ["shoeSize", "active", "emails", "name.givenName", "userName"] {
        #expect(error.detail.contains(part), "\(part)")
    }
}

@Test(arguments: [#""urn:ietf:params:scim:schemas:core:2.0:User""#, "[1]", "{}", #"["a",null]"#])
func schemasMustBeAnArrayOfStrings(schemas: String) throws {
    #expect(try failure(#"{"userName":"u","schemas":\#(schemas)}"#)?.scimType == "invalidSyntax")
}

/// Entra ID's group create lists a Microsoft schema URN; it is tolerated, and `schemas` is not stored.
@Test func unknownSchemaURNsAreTolerated() throws {
    let result = try stored(
        #"""
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group",
                    "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
         "externalId":"8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159","displayName":"displayName",
         "meta":{"resourceType":"Group"}}
        """#, type: .group)
    #expect(result == ["externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159", "displayName": "displayName"])
}

/// RFC 7643 §4.1.1: `userName` is required; "" and null leave it unassigned (RFC 7643 §2.5).
@Test(arguments: [#"{}"#, #"{"userName":""}"#, #"{"userName":null,"active":true}"#])
func missingUserNameIsReported(body: String) throws {
    let error = try failure(body)
    #expect(error?.scimType == "invalidValue")
    #expect(error?.detail == #""userName" is required."#)
}

@Test func groupRequiresDisplayName() throws {
    #expect(try failure(#"{"members":[]}"#, type: .group)?.detail == #""displayName" is required."#)
}

/// Entra ID can send nulls and Okta empty strings (test plan C9337): they mean "no value", never an error.
@Test func nullsAndEmptyStringsAreUnassigned() throws {
    let result = try stored(
        #"""
        {"userName":"u","externalId":null,"title":null,"nickName":"","name":{"givenName":"B","middleName":""},
         "emails":[null,{"value":""}],"roles":[],"\#(enterpriseUserURN)":{"department":null,"manager":null}}
        """#)
    #expect(result == ["userName": "u", "name": ["givenName": "B"]])
}

/// Entra ID's `"True"`/`"False"` and bare-string `manager` in a create body.
@Test func entraLooseSpellingsAreCoerced() throws {
    let result = try stored(#"{"userName":"u","active":"False","\#(enterpriseUserURN)":{"manager":"2c2f6fb8"}}"#)
    #expect(result["active"] == false)
    #expect(result[enterpriseUserURN] == ["manager": ["value": "2c2f6fb8"]])
}

@Test func multiValuedAttributeMustBeAnArray() throws {
    #expect(try failure(#"{"userName":"u","emails":{"value":"b@x.org"}}"#)?.detail.contains("array") == true)
}

@Test func extensionMustBeAnObject() throws {
    #expect(try failure(#"{"userName":"u","\#(enterpriseUserURN)":"Sales"}"#)?.scimType == "invalidValue")
}

/// RFC 7643 §2.3.5: dateTime values are stored in one canonical form, in UTC.
@Test func dateTimeIsNormalizedToUTC() throws {
    #expect(normalize("2026-01-31T09:00:00+02:00", as: .dateTime).0 == "2026-01-31T07:00:00.000Z")
    #expect(normalize("2026-01-31T07:00:00.5Z", as: .dateTime).0 == "2026-01-31T07:00:00.500Z")
    #expect(normalize("31/01/2026", as: .dateTime).1.first?.scimType == "invalidValue")
    #expect(normalize(1_769_842_800, as: .dateTime).1.count == 1)
}

/// RFC 7643 §2.3.4: integers have no fractional part; §2.3.3: decimals may be given as integers.
@Test func integersAndDecimalsAreKeptApart() throws {
    #expect(normalize(42, as: .integer).0 == .int(42))
    #expect(normalize(.double(42.0), as: .integer).0 == .int(42))
    #expect(normalize(.double(4.5), as: .integer).1.count == 1)
    #expect(normalize("42", as: .integer).1.count == 1)
    #expect(normalize(4, as: .decimal).0 == .double(4))
    #expect(normalize(.double(4.5), as: .decimal).0 == .double(4.5))
    #expect(normalize("4.5", as: .decimal).1.count == 1)
}

@Test func booleansAcceptTrueAndFalseStringsOnly() throws {
    #expect(normalize("tRUE", as: .boolean).0 == true)
    #expect(normalize(1, as: .boolean).1.first?.detail == #""custom" must be a boolean, not integer."#)
    #expect(normalize("yes", as: .boolean).1.count == 1)
}
