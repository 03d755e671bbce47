import Testing

@testable import SCIMCore

let enterpriseUserURN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

/// The document after a PATCH whose `Operations` array is given as JSON text.
func patched(_ document: JSONObject, _ operations: String, type: ResourceType = .user) throws -> JSONObject {
    let body = try JSON.parse(Array(#"{"schemas":["\#(MessageSchema.patchOp)"],"Operations":\#(operations)}"#.utf8))
    return try Patcher(type).applying(try PatchRequest.parse(body), to: document)
}

/// The error a PATCH throws, from parsing or applying; nil when it succeeds.
func patchError(_ document: JSONObject, _ operations: String, type: ResourceType = .user) throws -> SCIMError? {
    do {
        _ = try patched(document, operations, type: type)
        return nil
    } catch let error as SCIMError {
        return error
    }
}

/// Barbara Jensen in stored form: core attributes at top level, enterprise attributes under their URN.
let barbara: JSONObject = [
    "userName": "bjensen",
    "name": ["givenName": "Barbara", "familyName": "Jensen", "middleName": "Jane"],
    "title": "Tour Guide",
    "active": true,
    "emails": [
        ["value": "bjensen@example.com", "type": "work", "primary": true],
        ["value": "babs@jensen.org", "type": "home"],
    ],
    "addresses": [["type": "work", "streetAddress": "100 Universal City Plaza", "locality": "Hollywood"]],
    enterpriseUserURN: ["employeeNumber": "701984", "manager": ["value": "26118915"]],
]

/// The `value` of each element of a multi-valued attribute.
func elementValues(_ document: JSONObject, _ name: String) -> [JSON] {
    (document[name]?.arrayValue ?? []).compactMap { $0["value"] }
}

/// RFC 7644 §3.5.2.1: add on a simple attribute sets it.
@Test func addSimpleAttributeSetsIt() throws {
    let result = try patched(barbara, #"[{"op":"add","path":"nickName","value":"Babs"}]"#)
    #expect(result["nickName"] == "Babs")
    #expect(result["userName"] == "bjensen")
}

/// RFC 7644 §3.5.2.1: add on a complex attribute merges the given sub-attributes into it.
@Test func addComplexAttributeMergesSubAttributes() throws {
    let result = try patched(barbara, #"[{"op":"add","path":"name","value":{"honorificPrefix":"Ms."}}]"#)
    #expect(
        result["name"] == [
            "givenName": "Barbara", "familyName": "Jensen", "middleName": "Jane", "honorificPrefix": "Ms.",
        ])
}

@Test func addSubAttributeSetsOnlyThatSubAttribute() throws {
    let result = try patched(barbara, #"[{"op":"add","path":"name.familyName","value":"Jensen-Smith"}]"#)
    #expect(result["name"] == ["givenName": "Barbara", "familyName": "Jensen-Smith", "middleName": "Jane"])
}

/// RFC 7644 §3.5.2.1: "If the target location specifies a multi-valued attribute, a new value is added."
@Test func addToMultiValuedAttributeAppends() throws {
    let result = try patched(barbara, #"[{"op":"add","path":"emails","value":[{"value":"b@x.org","type":"other"}]}]"#)
    #expect(elementValues(result, "emails") == ["bjensen@example.com", "babs@jensen.org", "b@x.org"])
}

@Test func addExtensionAttributeByFullyQualifiedPath() throws {
    let result = try patched(barbara, #"[{"op":"add","path":"\#(enterpriseUserURN):costCenter","value":"4130"}]"#)
    #expect(
        result[enterpriseUserURN] == [
            "employeeNumber": "701984", "manager": ["value": "26118915"], "costCenter": "4130",
        ])
    let first = try patched([:], #"[{"op":"add","path":"\#(enterpriseUserURN):employeeNumber","value":"1"}]"#)
    #expect(first == [enterpriseUserURN: ["employeeNumber": "1"]])
}

/// RFC 7644 §3.5.2.1: without a path the value's attributes are added; keys may be dotted or URN-qualified.
@Test func addWithoutPathAppliesEveryKindOfKey() throws {
    let result = try patched(
        barbara,
        #"""
        [{"op":"add","value":{"nickName":"Babs","name.honorificSuffix":"III",
          "urn:ietf:params:scim:schemas:core:2.0:User:locale":"en-US",
          "\#(enterpriseUserURN):employeeNumber":"42",
          "\#(enterpriseUserURN)":{"department":"Tours","manager":{"value":"boss"}}}}]
        """#)
    #expect(result["nickName"] == "Babs")
    #expect(result["locale"] == "en-US")
    #expect(result["name"]?["honorificSuffix"] == "III")
    #expect(result["name"]?["givenName"] == "Barbara")
    #expect(result[enterpriseUserURN] == ["employeeNumber": "42", "manager": ["value": "boss"], "department": "Tours"])
}

/// RFC 7644 §3.5.2.2: "If "path" is unspecified, the operation fails with ... "noTarget"."
@Test func removeWithoutPathIsNoTarget() throws {
    let error = try patchError(barbara, #"[{"op":"remove"}]"#)
    #expect(error?.scimType == "noTarget")
    #expect(error?.status == 400)
}

@Test func removeSimpleAndSubAttributes() throws {
    let result = try patched(barbara, #"[{"op":"remove","path":"title"},{"op":"remove","path":"name.middleName"}]"#)
    #expect(result["title"] == nil)
    #expect(result["name"] == ["givenName": "Barbara", "familyName": "Jensen"])
}

/// RFC 7644 §3.5.2.2: without a filter, every value of a multi-valued attribute is removed.
@Test func removeMultiValuedWithoutFilterRemovesAllValues() throws {
    let result = try patched(barbara, #"[{"op":"remove","path":"emails"}]"#)
    #expect(result["emails"] == nil)
}

/// RFC 7644 §3.5.2.2: with a value filter only the matching values are removed.
@Test func removeWithValueFilterRemovesOnlyMatchingElements() throws {
    let result = try patched(barbara, #"[{"op":"remove","path":"emails[type eq \"home\"]"}]"#)
    #expect(elementValues(result, "emails") == ["bjensen@example.com"])
}

@Test func removeWithFilterMatchingNothingIsNoOp() throws {
    let result = try patched(barbara, #"[{"op":"remove","path":"emails[type eq \"other\"]"}]"#)
    #expect(result == barbara)
}

@Test func removeSubAttributeAfterFilterKeepsTheElement() throws {
    let result = try patched(barbara, #"[{"op":"remove","path":"addresses[type eq \"work\"].locality"}]"#)
    #expect(result["addresses"] == [["type": "work", "streetAddress": "100 Universal City Plaza"]])
}

@Test func removingTheLastExtensionAttributeDropsTheExtension() throws {
    let result = try patched(
        barbara,
        #"""
        [{"op":"remove","path":"\#(enterpriseUserURN):employeeNumber"},
         {"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"}]
        """#)
    #expect(result[enterpriseUserURN] == nil)
}

/// RFC 7644 §3.5.2.3: replace on a simple attribute replaces its value.
@Test func replaceSimpleAttribute() throws {
    let result = try patched(barbara, #"[{"op":"replace","path":"userName","value":"barbara"}]"#)
    #expect(result["userName"] == "barbara")
}

/// RFC 7644 §3.5.2.3: "Sub-attributes that are not specified in the "value" parameter are left unchanged."
@Test func replaceComplexAttributeLeavesUnnamedSubAttributes() throws {
    let result = try patched(barbara, #"[{"op":"replace","path":"name","value":{"familyName":"Smith"}}]"#)
    #expect(result["name"] == ["givenName": "Barbara", "familyName": "Smith", "middleName": "Jane"])
}

/// RFC 7644 §3.5.2.3: replace on a multi-valued attribute without a filter replaces all its values.
@Test func replaceMultiValuedAttributeReplacesAllValues() throws {
    let result = try patched(barbara, #"[{"op":"replace","path":"emails","value":[{"value":"new@x.org"}]}]"#)
    #expect(result["emails"] == [["value": "new@x.org"]])
}

/// RFC 7644 §3.5.2.3: with a value filter, the matching values are updated in place.
@Test func replaceValuePathUpdatesOnlyMatchingElements() throws {
    let result = try patched(
        barbara,
        #"""
        [{"op":"replace","path":"emails[type eq \"work\"].value","value":"barbara@example.com"},
         {"op":"replace","path":"addresses[type eq \"work\"].streetAddress","value":"1 Main St"}]
        """#)
    #expect(result["emails"]?.arrayValue?.first == ["value": "barbara@example.com", "type": "work", "primary": true])
    #expect(elementValues(result, "emails").last == "babs@jensen.org")
    #expect(result["addresses"] == [["type": "work", "streetAddress": "1 Main St", "locality": "Hollywood"]])
}

@Test func replaceValuePathWithoutSubAttributeReplacesTheElement() throws {
    let result = try patched(
        barbara, #"[{"op":"replace","path":"emails[type eq \"home\"]","value":{"value":"b@h.org","type":"home"}}]"#)
    #expect(result["emails"]?.arrayValue?.last == ["value": "b@h.org", "type": "home"])
}

/// RFC 7644 §3.5.2.1: add on a single-valued attribute that has a value replaces it.
@Test func addToExistingSingleValuedAttributeReplacesIt() throws {
    #expect(try patched(barbara, #"[{"op":"add","path":"title","value":"Boss"}]"#)["title"] == "Boss")
}

/// RFC 7644 §3.5.2.3: "If the target location path specifies an attribute that does not exist, the service
/// provider SHALL treat the operation as an "add"."
@Test func replaceOfAnAbsentAttributeAddsIt() throws {
    let result = try patched(barbara, #"[{"op":"replace","path":"name.honorificPrefix","value":"Ms."}]"#)
    #expect(result["name"]?["honorificPrefix"] == "Ms." && result["name"]?["givenName"] == "Barbara")
    #expect(try patched([:], #"[{"op":"replace","path":"nickName","value":"B"}]"#) == ["nickName": "B"])
}

/// RFC 7644 §3.5.2.2: "If all of the values are removed, the attribute SHALL be considered unassigned."
@Test func removingEveryMatchingValueUnassignsTheAttribute() throws {
    let result = try patched(
        barbara, #"[{"op":"remove","path":"emails[value ew \"example.com\" or type eq \"home\"]"}]"#)
    #expect(result["emails"] == nil)
}

/// RFC 7644 §3.5.2: a sub-attribute of a multi-valued attribute without a filter applies to every value.
@Test func subAttributeOfMultiValuedWithoutFilterAppliesToEveryValue() throws {
    let result = try patched(barbara, #"[{"op":"replace","path":"emails.display","value":"Babs"}]"#)
    #expect(result["emails"]?.arrayValue?.map { $0["display"] } == ["Babs", "Babs"])
}

/// RFC 7643 §2.1: path names are case-insensitive; what is written takes the schema's spelling.
@Test func pathNamesAreCaseInsensitiveAndStoredCanonically() throws {
    let result = try patched(
        [:],
        #"""
        [{"op":"add","path":"PHONENUMBERS[TYPE eq \"work\"].VALUE","value":"1"},
         {"op":"add","path":"NAME.GIVENNAME","value":"B"}]
        """#)
    #expect(result.keys == ["phoneNumbers", "name"])
    #expect(result["phoneNumbers"]?.arrayValue?.first?.objectValue?.keys.sorted() == ["type", "value"])
    #expect(result["name"]?.objectValue?.keys == ["givenName"])
}

/// A single object for a multi-valued attribute is read as a one-element array.
@Test func singleObjectForMultiValuedAttributeIsOneValue() throws {
    let result = try patched(barbara, #"[{"op":"add","path":"emails","value":{"value":"b@x.org"}}]"#)
    #expect(elementValues(result, "emails").last == "b@x.org")
}

/// RFC 7643 §2.4: "The primary attribute value "true" MUST appear no more than once."
@Test func settingPrimaryOnOneElementClearsItOnTheOthers() throws {
    let byFilter = try patched(barbara, #"[{"op":"replace","path":"emails[type eq \"home\"].primary","value":true}]"#)
    #expect(byFilter["emails"]?.arrayValue?.map { $0["primary"] } == [nil, true])
    let byAdd = try patched(
        barbara, #"[{"op":"add","path":"emails","value":[{"value":"babs@jensen.org","primary":true}]}]"#)
    #expect(
        byAdd["emails"] == [
            ["value": "bjensen@example.com", "type": "work"],
            ["value": "babs@jensen.org", "type": "home", "primary": true],
        ])
    let byReplace = try patched(
        barbara,
        #"[{"op":"replace","path":"emails","value":[{"value":"a","primary":true},{"value":"b","primary":true}]}]"#)
    #expect(byReplace["emails"]?.arrayValue?.map { $0["primary"] } == [nil, true])
}

/// RFC 7644 §3.5.2: "Each operation against an attribute MUST be compatible with the attribute's mutability and
/// schema"; if one fails, none is applied.
@Test func failingOperationAppliesNone() throws {
    let operations = #"""
        [{"op":"replace","path":"title","value":"Boss"},
         {"op":"replace","path":"active","value":"maybe"},
         {"op":"remove","path":"emails"}]
        """#
    let request = try PatchRequest.parse(try JSON.parse(Array(#"{"Operations":\#(operations)}"#.utf8)))
    let patcher = Patcher(.user)
    var original = barbara
    #expect(throws: SCIMError.self) { original = try patcher.applying(request, to: original) }
    #expect(original == barbara)
    let fixed = try patched(
        original, #"[{"op":"replace","path":"title","value":"Boss"},{"op":"remove","path":"emails"}]"#)
    #expect(fixed["title"] == "Boss" && fixed["emails"] == nil && fixed["active"] == true)
}

/// RFC 7644 §3.5.2: a path naming an attribute the schema does not define is "invalidPath".
@Test(arguments: [
    "nickname.first", "shoeSize", "urn:example:Other:userName", "\(enterpriseUserURN):shoeSize",
    "name[givenName eq \"B\"]", "emails[type eq \"work\"].colour",
])
func unknownAttributeInPathIsInvalidPath(path: String) throws {
    let json = String(JSON.string(path).serialized())
    let error = try patchError(barbara, #"[{"op":"add","path":\#(json),"value":"x"}]"#)
    #expect(error?.scimType == "invalidPath")
}

/// RFC 7644 §3.5.2: modifying a read-only attribute is a "mutability" error.
@Test(arguments: [
    #"{"op":"replace","path":"id","value":"x"}"#,
    #"{"op":"replace","path":"meta.created","value":"2026-01-01T00:00:00Z"}"#,
    #"{"op":"add","path":"groups","value":[{"value":"g1"}]}"#, #"{"op":"remove","path":"groups"}"#,
    #"{"op":"add","value":{"groups":[{"value":"g1"}]}}"#,
])
func readOnlyAttributeIsMutabilityError(operation: String) throws {
    let error = try patchError(barbara, "[\(operation)]")
    #expect(error?.scimType == "mutability")
    #expect(error?.status == 400)
}

/// RFC 7644 §3.5.2: a value the attribute cannot take is "invalidValue".
@Test(arguments: [
    #"{"op":"replace","path":"active","value":"maybe"}"#, #"{"op":"replace","path":"userName","value":42}"#,
    #"{"op":"replace","path":"name","value":["a","b"]}"#, #"{"op":"add","path":"emails","value":[{"value":true}]}"#,
    #"{"op":"add","path":"name","value":{"nickname":"B"}}"#, #"{"op":"replace","value":{"\#(enterpriseUserURN)":"x"}}"#,
])
func valueOfTheWrongTypeIsInvalidValue(operation: String) throws {
    #expect(try patchError(barbara, "[\(operation)]")?.scimType == "invalidValue")
}

/// RFC 7644 §3.12: a malformed value filter in a PATCH path is "invalidFilter".
@Test(arguments: [
    #"emails[type eq]"#, #"emails[type eq \"work\""#, #"emails[kind eq \"work\"]"#,
    #"emails[type gt true]"#,
])
func badFilterInPathIsInvalidFilter(path: String) throws {
    let error = try patchError(barbara, #"[{"op":"replace","path":"\#(path)","value":"x"}]"#)
    #expect(error?.scimType == "invalidFilter")
}

/// RFC 7644 §3.5.2.1: add "MUST contain a "value" member"; without a path it must be an object of attributes.
@Test(arguments: [
    #"{"op":"replace","value":"active"}"#, #"{"op":"add","value":[1]}"#, #"{"op":"replace","value":null}"#,
    #"{"op":"add"}"#, #"{"op":"add","path":"title"}"#, #"{"op":"replace","path":"title"}"#,
])
func missingOrNonObjectValueIsInvalidValue(operation: String) throws {
    #expect(try patchError(barbara, "[\(operation)]")?.scimType == "invalidValue")
}

/// RFC 7644 §3.5.2: "op" is one of "add", "remove" or "replace".
@Test(arguments: [#""copy""#, #""move""#, #""""#, "1", "null"])
func operationOtherThanAddRemoveReplaceIsInvalidSyntax(op: String) throws {
    #expect(try patchError(barbara, #"[{"op":\#(op),"path":"title","value":"x"}]"#)?.scimType == "invalidSyntax")
}

@Test(arguments: [#"{"Operations":{}}"#, #"{"schemas":["urn:x"],"Operations":[]}"#, "[]", #"{"Operations":[1]}"#])
func malformedPatchBodyIsInvalidSyntax(body: String) throws {
    let json = try JSON.parse(Array(body.utf8))
    let error = #expect(throws: SCIMError.self) { try PatchRequest.parse(json) }
    #expect(error?.scimType == "invalidSyntax")
}

@Test func moreOperationsThanTheLimitAreRejected() throws {
    let operation = JSON.object(["op": "add", "path": "title", "value": "x"])
    let body = JSON.object(["Operations": .array(Array(repeating: operation, count: 3))])
    #expect(try PatchRequest.parse(body, maxOperations: 3).operations.count == 3)
    #expect(throws: SCIMError.self) { try PatchRequest.parse(body, maxOperations: 2) }
}

/// A path that names an extension schema whole addresses the extension's complex value (RFC 7644 §3.5.2; what
/// scim2-tester sends): add and replace set the attributes given and keep the others, remove clears them all.
@Suite struct WholeExtensionPathTests {
    @Test(arguments: ["add", "replace", "Replace"])
    func addAndReplaceSetTheAttributesGivenAndKeepTheOthers(op: String) throws {
        let result = try patched(
            barbara,
            #"[{"op":"\#(op)","path":"\#(enterpriseUserURN)","value":{"department":"Tours","costCenter":"4130"}}]"#)
        let enterprise = try #require(result[enterpriseUserURN]?.objectValue)
        #expect(enterprise["department"] == "Tours" && enterprise["costCenter"] == "4130")
        #expect(enterprise["employeeNumber"] == "701984", "attributes not given are left as they were")
        #expect(result["title"] == "Tour Guide")
    }

    @Test func theURNMayBeWrittenInAnyCase() throws {
        let result = try patched(
            barbara,
            #"[{"op":"add","path":"\#(enterpriseUserURN.uppercased())","value":{"department":"Tours"}}]"#)
        #expect(result[enterpriseUserURN]?["department"] == "Tours")
    }

    @Test func removeClearsTheWholeExtension() throws {
        let result = try patched(barbara, #"[{"op":"remove","path":"\#(enterpriseUserURN)"}]"#)
        #expect(result[enterpriseUserURN] == nil && result["userName"] == "bjensen")
    }

    @Test func malformedWholeExtensionOperationsAreRefused() throws {
        let notAnObject = try patchError(
            barbara, #"[{"op":"replace","path":"\#(enterpriseUserURN)","value":"Tours"}]"#)
        #expect(notAnObject?.scimType == "invalidValue")
        let unknown = try patchError(
            barbara, #"[{"op":"add","path":"\#(enterpriseUserURN)","value":{"shoeSize":"42"}}]"#)
        #expect(unknown?.scimType == "invalidPath")
        let valued = try patchError(
            barbara, #"[{"op":"remove","path":"\#(enterpriseUserURN)","value":{"department":"x"}}]"#)
        #expect(valued?.scimType == "invalidValue")
        // The core schema is not an extension: its URN alone is not a path.
        let core = try patchError(
            barbara, #"[{"op":"replace","path":"urn:ietf:params:scim:schemas:core:2.0:User","value":{"title":"x"}}]"#)
        #expect(core?.scimType == "invalidPath")
    }
}
