import Foundation
import Testing

@testable import SCIMCore

/// Barbara's full representation, as the directory builds it, with a (never stored) password slipped in.
private func representation() -> JSONObject {
    let meta = ResourceMeta(
        created: Date(timeIntervalSince1970: 0), lastModified: Date(timeIntervalSince1970: 60), version: 3,
        location: "https://example.com/scim/v2/Users/2819c223")
    var body = barbara
    body["password"] = "t1meMa$heen"
    let derived: JSONObject = ["groups": [["value": "g1", "display": "Tour Guides"]]]
    return ResourceType.user.representation(id: "2819c223", body: body, derived: derived, meta: meta)
}

private func projected(
    attributes: String? = nil, excluded: String? = nil, type: ResourceType = .user,
    of resource: JSONObject = representation()
) throws -> JSONObject {
    try Projection.parse(attributes: attributes, excludedAttributes: excluded).apply(to: resource, of: type)
}

/// RFC 7643 §4.1.1: password is "returned: never", whatever the request.
@Test(arguments: [nil, "password", "password,userName"])
func passwordNeverAppears(attributes: String?) throws {
    #expect(representation()["password"] != nil)
    #expect(try projected(attributes: attributes)["password"] == nil)
    #expect(try projected(excluded: "userName")["password"] == nil)
}

@Test func defaultProjectionKeepsEveryReturnedAttribute() throws {
    let result = try projected()
    #expect(result.keys == representation().keys.filter { $0 != "password" })
}

/// RFC 7644 §3.4.2.5: `attributes` returns those named plus the "returned: always" ones (`id`) and `schemas`.
@Test func attributesKeepsOnlyNamedAttributesAndId() throws {
    let result = try projected(attributes: "userName")
    #expect(
        result == ["schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "2819c223", "userName": "bjensen"])
}

/// RFC 7644 §3.10: attribute names may be fully qualified with the core schema URN.
@Test func attributesAcceptsCoreQualifiedNames() throws {
    let result = try projected(attributes: "urn:ietf:params:scim:schemas:core:2.0:User:userName,NAME.givenName")
    #expect(result.keys == ["schemas", "id", "userName", "name"])
    #expect(result["name"] == ["givenName": "Barbara"])
    let projection = try Projection.parse(
        attributes: "urn:ietf:params:scim:schemas:core:2.0:Group:members", excludedAttributes: nil)
    #expect(projection.mayInclude("members"))
}

@Test func subAttributeSelectionKeepsOnlyThoseSubAttributes() throws {
    let result = try projected(attributes: "name.familyName,emails.value")
    #expect(result["name"] == ["familyName": "Jensen"])
    #expect(result["emails"] == [["value": "bjensen@example.com"], ["value": "babs@jensen.org"]])
}

/// Entra ID's `excludedAttributes=members` on groups.
@Test func excludedAttributesDropsMembers() throws {
    let group = try parsedObject(
        #"""
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"Team",
         "members":[{"value":"u1","display":"Ann"}],"meta":{"resourceType":"Group"}}
        """#)
    let result = try projected(excluded: "members", type: .group, of: group)
    #expect(result.keys == ["schemas", "id", "displayName", "meta"])
    #expect(try Projection.parse(attributes: nil, excludedAttributes: "members").mayInclude("members") == false)
    #expect(try projected(excluded: "members.display", type: .group, of: group)["members"] == [["value": "u1"]])
}

/// RFC 7643 §7: "returned: always" attributes are returned even when excluded.
@Test func excludedAttributesNeverDropsId() throws {
    #expect(try projected(excluded: "id,userName")["id"] == "2819c223")
}

/// A bare extension URN names the whole extension.
@Test func extensionURNKeepsTheWholeExtension() throws {
    let result = try projected(attributes: enterpriseUserURN)
    #expect(result.keys == ["schemas", "id", enterpriseUserURN])
    #expect(result[enterpriseUserURN] == ["employeeNumber": "701984", "manager": ["value": "26118915"]])
    #expect(result["schemas"] == ["urn:ietf:params:scim:schemas:core:2.0:User", .string(enterpriseUserURN)])
}

@Test func extensionAttributeCanBeSelectedQualifiedOrNot() throws {
    for attributes in ["\(enterpriseUserURN):employeeNumber", "employeeNumber"] {
        #expect(try projected(attributes: attributes)[enterpriseUserURN] == ["employeeNumber": "701984"])
    }
    let manager = try projected(attributes: "\(enterpriseUserURN):manager.value,userName")
    #expect(manager[enterpriseUserURN] == ["manager": ["value": "26118915"]])
}

@Test func excludingTheExtensionURNDropsTheWholeExtension() throws {
    let result = try projected(excluded: enterpriseUserURN)
    #expect(result[enterpriseUserURN] == nil)
    #expect(result["userName"] == "bjensen")
    #expect(try projected(excluded: "\(enterpriseUserURN):manager")[enterpriseUserURN] == ["employeeNumber": "701984"])
}

/// RFC 7643 §3: "schemas" names the schemas of the attributes present; a dropped extension is not listed.
@Test func schemasListsOnlyExtensionsThatArePresent() throws {
    #expect(try projected(attributes: "userName")["schemas"] == ["urn:ietf:params:scim:schemas:core:2.0:User"])
    #expect(try projected(excluded: enterpriseUserURN)["schemas"] == ["urn:ietf:params:scim:schemas:core:2.0:User"])
}

@Test func malformedAttributeListIsInvalidPath() throws {
    let error = #expect(throws: SCIMError.self) {
        try Projection.parse(attributes: "name..givenName", excludedAttributes: nil)
    }
    #expect(error?.scimType == "invalidPath")
}

/// The default projection has a one-pass path of its own; it must answer exactly what the general path answers
/// when nothing is named (an exclusion of an attribute no schema has changes nothing there).
@Test func defaultProjectionMatchesTheGeneralPath() throws {
    let fields = [
        try CustomField(id: "f1", label: "Cost Center", type: .text),
        try CustomField(id: "f2", label: "Badge", type: .hidden, namespace: .roster),
    ]
    let type = ResourceType.user(customFields: fields)
    let meta = ResourceMeta(
        created: Date(timeIntervalSince1970: 0), lastModified: Date(timeIntervalSince1970: 60), version: 1,
        location: "https://example.com/scim/v2/Users/1")
    var body = barbara
    body["password"] = "secret"
    body[CustomFieldNamespace.roster.schemaID] = .object(["badge": "B-7"])
    body["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] = .object(["cost-center": "42"])
    for resource in [representation(), type.representation(id: "1", body: body, meta: meta)] {
        let general = try Projection.parse(attributes: nil, excludedAttributes: "noSuchAttribute").apply(
            to: resource, of: type)
        let byDefault = Projection.default.apply(to: resource, of: type)
        #expect(byDefault == general)
        #expect(byDefault.keys == general.keys)
        #expect(byDefault["password"] == nil)
    }
}

/// The names a response hides are kept with the schema; changing an attribute in place (as a custom field's
/// settings do) must change what a default read shows, in the core schema and in an extension alike.
@Test func hiddenAttributesFollowTheSchemaWhenItChanges() throws {
    var type = ResourceType.user(customFields: [try CustomField(id: "f1", label: "Cost Center", type: .text)])
    var body = barbara
    body["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] = .object(["cost-center": "42"])
    let meta = ResourceMeta(
        created: Date(timeIntervalSince1970: 0), lastModified: Date(timeIntervalSince1970: 0), version: 1,
        location: "https://example.com/scim/v2/Users/1")
    let before = Projection.default.apply(to: type.representation(id: "1", body: body, meta: meta), of: type)
    #expect(before["title"] != nil)
    #expect(before["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]?["cost-center"] == "42")

    let title = try #require(type.schema.attributes.firstIndex { $0.name == "title" })
    type.schema.attributes[title].returned = .request
    let enterprise = try #require(type.extensions.firstIndex { $0.schema.id.hasSuffix("enterprise:2.0:User") })
    let costCenter = try #require(type.extensions[enterprise].schema.attributes.firstIndex { $0.name == "cost-center" })
    type.extensions[enterprise].schema.attributes[costCenter].returned = .never
    #expect(type.schema.hiddenByDefault.contains("title"))

    let resource = type.representation(id: "1", body: body, meta: meta)
    let after = Projection.default.apply(to: resource, of: type)
    #expect(after["title"] == nil)
    #expect(after["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] == nil)
    #expect(after["userName"] == before["userName"])
    let general = try Projection.parse(attributes: nil, excludedAttributes: "noSuchAttribute").apply(
        to: resource, of: type)
    #expect(after == general)
}
