import Testing

@testable import SCIMCore

/// A group in the form the directory patches: `members` as `{"value": id}` elements.
private let team: JSONObject = [
    "displayName": "Test SCIMv2",
    "externalId": "8aa1a0c0",
    "members": [["value": "u1"], ["value": "u2"], ["value": "u3"]],
]

private func members(_ document: JSONObject) -> [JSON] {
    elementValues(document, "members")
}

/// Okta's OIN deactivation: lowercase `replace`, no path, an object value.
@Test func oktaDeactivationWithoutPathSetsActiveFalse() throws {
    let result = try patched(barbara, #"[{"op":"replace","value":{"active":false}}]"#)
    #expect(result["active"] == false)
    let reactivated = try patched(result, #"[{"op":"replace","value":{"active":true}}]"#)
    #expect(reactivated == barbara)
}

/// Entra ID sends `Add`, `Replace` and `Remove`; RFC 7644 does not make `op` case-insensitive, Microsoft asks for it.
@Test func entraCapitalisedOpsAreAccepted() throws {
    let result = try patched(
        barbara,
        #"""
        [{"op":"Replace","path":"userName","value":"barbara"},
         {"op":"Add","path":"nickName","value":"Babs"},
         {"op":"Remove","path":"title"},
         {"op":"REPLACE","path":"name.familyName","value":"updatedFamilyName"}]
        """#)
    #expect(result["userName"] == "barbara" && result["nickName"] == "Babs" && result["title"] == nil)
    #expect(result["name"]?["familyName"] == "updatedFamilyName")
}

/// Entra ID without `aadOptscim062020` sends `"False"`/`"True"` strings for `active`.
@Test(arguments: [("False", false), ("True", true), ("false", false), ("TRUE", true)])
func entraBooleanStringsSetActive(text: String, flag: Bool) throws {
    let start = try patched(barbara, #"[{"op":"replace","path":"active","value":\#(!flag)}]"#)
    let result = try patched(start, #"[{"op":"Replace","path":"active","value":"\#(text)"}]"#)
    #expect(result["active"] == .bool(flag))
}

private let managerPath = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"

/// Entra ID sends the manager as a bare id string; it is stored as `{"value": id}`.
@Test func entraManagerAsBareStringIsStoredAsValueObject() throws {
    let result = try patched(barbara, #"[{"op":"add","path":"\#(managerPath)","value":"2c2f6fb8"}]"#)
    #expect(result[enterpriseUserURN]?["manager"] == ["value": "2c2f6fb8"])
    #expect(result[enterpriseUserURN]?["employeeNumber"] == "701984")
}

/// The tutorial's manager is a one-element array with `$ref` and `value`; the validator sends `{"value": id}`.
@Test(arguments: [#"[{"$ref":null,"value":"00aa"}]"#, #"{"value":"00aa"}"#, #"["00aa"]"#])
func entraManagerAsReferenceIsStoredAsValueObject(value: String) throws {
    let result = try patched(barbara, #"[{"op":"Add","path":"manager","value":\#(value)}]"#)
    #expect(result[enterpriseUserURN]?["manager"] == ["value": "00aa"])
}

/// A client's `$ref` for the manager is kept as sent, next to the value.
@Test func entraManagerReferenceURIIsKeptWithTheValue() throws {
    let value = #"[{"$ref":"https://example.com/scim/Users/00aa","value":"00aa"}]"#
    let result = try patched([:], #"[{"op":"Add","path":"\#(managerPath)","value":\#(value)}]"#)
    #expect(result[enterpriseUserURN]?["manager"] == ["value": "00aa", "$ref": "https://example.com/scim/Users/00aa"])
}

/// Entra ID removes the manager with `remove` on its path or with `Replace` and an empty value.
@Test(arguments: [
    #"{"op":"remove","path":"\#(managerPath)"}"#, #"{"op":"Replace","path":"\#(managerPath)","value":""}"#,
    #"{"op":"Replace","path":"\#(managerPath)","value":null}"#, #"{"op":"Replace","path":"manager","value":[]}"#,
])
func entraManagerRemovalClearsOnlyTheManager(operation: String) throws {
    let result = try patched(barbara, "[\(operation)]")
    #expect(result[enterpriseUserURN] == ["employeeNumber": "701984"])
}

/// Entra ID's role assignments carry JSON inside the role's string `value`; it is stored verbatim.
@Test func entraRoleValueHoldingJSONIsStoredVerbatim() throws {
    let role = #"{\"id\":\"7a9\",\"value\":\"25\",\"displayName\":\"Role1234\"}"#
    let result = try patched(barbara, #"[{"op":"Add","path":"roles","value":[{"value":"\#(role)"}]}]"#)
    #expect(elementValues(result, "roles") == [#"{"id":"7a9","value":"25","displayName":"Role1234"}"#])
    #expect(result["roles"].map { JSON.array([$0]).serialized() }?.contains(#"\"value\":\"25\""#) == true)
}

/// Entra ID targets `roles[primary eq "True"].value`; the element it creates holds a real boolean.
@Test func entraRolesPrimaryFilterWithStringTrueCreatesBooleanPrimary() throws {
    let result = try patched(barbara, #"[{"op":"Replace","path":"roles[primary eq \"True\"].value","value":"Admin"}]"#)
    #expect(result["roles"] == [["primary": true, "value": "Admin"]])
    let again = try patched(result, #"[{"op":"Replace","path":"roles[primary eq \"True\"].value","value":"User"}]"#)
    #expect(again["roles"] == [["primary": true, "value": "User"]])
}

/// Entra ID's default remove: `path: members` with the members to remove as the value.
@Test func entraRemoveMembersWithValueListRemovesOnlyListedMembers() throws {
    let operations = #"[{"op":"Remove","path":"members","value":[{"$ref":null,"value":"u2"},{"value":"u9"}]}]"#
    let result = try patched(team, operations, type: .group)
    #expect(members(result) == ["u1", "u3"])
    #expect(result["displayName"] == "Test SCIMv2")
}

/// A remove whose value names no member must not be read as "remove the attribute".
@Test(arguments: [#"[]"#, #"[{"display":"someone"}]"#, #""""#])
func removeMembersWithValueNamingNoMemberRemovesNothing(value: String) throws {
    let result = try patched(team, #"[{"op":"Remove","path":"members","value":\#(value)}]"#, type: .group)
    #expect(members(result) == ["u1", "u2", "u3"])
}

/// Entra ID with `aadOptscim062020`, and Okta: one member removed by a value filter.
@Test func removeMemberByValueFilterRemovesOnlyThatMember() throws {
    let result = try patched(team, #"[{"op":"remove","path":"members[value eq \"u1\"]"}]"#, type: .group)
    #expect(members(result) == ["u2", "u3"])
}

/// Entra ID adds members with a null `$ref`.
@Test func entraAddMembersWithNullRefAppendsThem() throws {
    let result = try patched(
        team, #"[{"op":"Add","path":"members","value":[{"$ref":null,"value":"u4"}]}]"#, type: .group)
    #expect(result["members"]?.arrayValue?.last == ["value": "u4"])
}

/// Okta's Flask capture posts a group with members, then PATCH-adds the same members: re-adds are no-ops.
@Test func oktaAddOfExistingMemberIsNoOp() throws {
    let operations = #"""
        [{"op":"remove","path":"members[value eq \"u1\"]"},
         {"op":"add","path":"members","value":[{"value":"u2","display":"test.user@okta.local"},{"value":"u5"}]}]
        """#
    let result = try patched(team, operations, type: .group)
    #expect(result["members"] == [["value": "u2"], ["value": "u3"], ["value": "u5"]])
}

/// Okta renames with a pathless replace whose value includes the group's `id`; the id comes from the URL.
@Test func oktaPathlessReplaceOnGroupIgnoresId() throws {
    let operations = #"[{"op":"replace","value":{"id":"abf4dd94","displayName":"Renamed","schemas":[]}}]"#
    let result = try patched(team, operations, type: .group)
    #expect(result["displayName"] == "Renamed" && result["id"] == nil)
    #expect(members(result) == ["u1", "u2", "u3"])
}

/// Okta's "Push Now" replaces every member.
@Test func oktaPushNowReplacesAllMembers() throws {
    let operations = #"[{"op":"replace","path":"members","value":[{"value":"u3","display":"c"},{"value":"u7"}]}]"#
    #expect(try patched(team, operations, type: .group)["members"] == [["value": "u3"], ["value": "u7"]])
}

@Test func emptyOperationsLeaveTheDocumentUnchanged() throws {
    #expect(try patched(barbara, "[]") == barbara)
    #expect(try patched(team, "[]", type: .group) == team)
}

/// Okta's test plan C9337 sends empty values, and the gallery's SCIM_Null_Update PATCHes "" then null: both clear.
@Test(arguments: [
    #"{"op":"replace","path":"name.middleName","value":""}"#,
    #"{"op":"replace","path":"name.middleName","value":null}"#,
    #"{"op":"replace","value":{"name.middleName":""}}"#, #"{"op":"replace","value":{"name":{"middleName":""}}}"#,
    #"{"op":"add","path":"name","value":{"middleName":null}}"#,
])
func emptyStringAndNullClearASubAttribute(operation: String) throws {
    let result = try patched(barbara, "[\(operation)]")
    #expect(result["name"] == ["givenName": "Barbara", "familyName": "Jensen"])
}

@Test(arguments: [#""""#, "null"])
func emptyStringAndNullClearAnAttribute(value: String) throws {
    let result = try patched(
        barbara,
        #"""
        [{"op":"replace","path":"title","value":\#(value)},
         {"op":"replace","value":{"userName":"b","nickName":\#(value)}},
         {"op":"replace","path":"emails[type eq \"home\"].value","value":\#(value)}]
        """#)
    #expect(result["title"] == nil && result["userName"] == "b")
    #expect(result["emails"] == [["value": "bjensen@example.com", "type": "work", "primary": true], ["type": "home"]])
}

/// Clearing a value path that matches nothing creates nothing.
@Test func emptyValueOnUnmatchedValuePathCreatesNothing() throws {
    let result = try patched(barbara, #"[{"op":"replace","path":"phoneNumbers[type eq \"work\"].value","value":""}]"#)
    #expect(result == barbara)
}

/// Entra ID expects add and replace on a value path that matches nothing to create the element it describes,
/// where RFC 7644 §3.5.2.3 would answer "noTarget".
@Test(arguments: ["add", "replace"])
func valuePathMatchingNothingCreatesElementFromFilter(op: String) throws {
    let result = try patched(
        barbara,
        #"""
        [{"op":"\#(op)","path":"emails[type eq \"other\"].value","value":"o@x.org"},
         {"op":"\#(op)","path":"addresses[type eq \"home\"].streetAddress","value":"2 Elm St"},
         {"op":"\#(op)","path":"phoneNumbers[type eq \"work\" and primary eq true].value","value":"555-0100"}]
        """#)
    #expect(result["emails"]?.arrayValue?.last == ["type": "other", "value": "o@x.org"])
    #expect(result["addresses"]?.arrayValue?.last == ["type": "home", "streetAddress": "2 Elm St"])
    #expect(result["phoneNumbers"] == [["type": "work", "primary": true, "value": "555-0100"]])
}

/// Entra ID's no-path multi-replace (with `aadOptscim062020`), verbatim.
@Test func entraPathlessReplaceResolvesDottedAndURNKeys() throws {
    let result = try patched(
        barbara,
        #"""
        [{"op":"replace","value":{"displayName":"Bjfe","name.givenName":"Kkom","name.familyName":"Unua",
          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"Aklq"}}]
        """#)
    #expect(result["displayName"] == "Bjfe")
    #expect(result["name"] == ["givenName": "Kkom", "familyName": "Unua", "middleName": "Jane"])
    #expect(result[enterpriseUserURN]?["employeeNumber"] == "Aklq")
}

/// The SCIM Validator's "Patch User - Replace Attributes" on elements that may not exist yet.
@Test func entraValidatorReplacesWorkAttributesInPlaceOrCreatesThem() throws {
    let result = try patched(
        barbara,
        #"""
        [{"op":"replace","path":"emails[type eq \"work\"].value","value":"w@contoso.com"},
         {"op":"replace","path":"phoneNumbers[type eq \"work\"].value","value":"555-0100"},
         {"op":"replace","path":"addresses[type eq \"work\"].streetAddress","value":"1 Contoso Way"},
         {"op":"replace","path":"addresses[type eq \"work\"].locality","value":"Redmond"}]
        """#)
    #expect(elementValues(result, "emails") == ["w@contoso.com", "babs@jensen.org"])
    #expect(result["phoneNumbers"] == [["type": "work", "value": "555-0100"]])
    #expect(result["addresses"] == [["type": "work", "streetAddress": "1 Contoso Way", "locality": "Redmond"]])
}
