import Testing

@testable import SCIMCore

let rosterUserURN = "urn:ietf:params:scim:schemas:extension:roster:2.0:User"

/// The console's fields, as the store loads them: one of each kind, a roster-namespace one and a disabled one.
let someField = CustomField(id: "f1", label: "Some User's Field", attributeName: "some-users-field", type: .text)
let shirtSize = CustomField(
    id: "f2", label: "Shirt Size", attributeName: "shirt-size", type: .select, options: ["Small", "Medium", "Large"])
let languages = CustomField(
    id: "f3", label: "Languages", attributeName: "languages", type: .multiSelect,
    options: ["English", "French", "German"])
let worksRemotely = CustomField(id: "f4", label: "Works Remotely", attributeName: "works-remotely", type: .toggle)
let startDate = CustomField(id: "f5", label: "Start Date", attributeName: "start-date", type: .date)
let budget = CustomField(id: "f6", label: "Budget", attributeName: "budget", type: .currency)
let badgeColour = CustomField(
    id: "f7", label: "Badge Colour", attributeName: "badge-colour", type: .text, namespace: .roster)
let oldCode = CustomField(id: "f8", label: "Old Code", attributeName: "old-code", type: .text, enabled: false)
let customFields = [someField, shirtSize, languages, worksRemotely, startDate, budget, badgeColour, oldCode]
let customUser = ResourceType.user(customFields: customFields)

/// Deskpro's convention (idp-behaviour 1.9): lower case, punctuation stripped, spaces as dashes; letters with
/// accents folded to ASCII; dashes and underscores kept. The result is an RFC 7643 §2.1 `ATTRNAME`.
@Test(arguments: [
    ("Some User's Field", "some-users-field"), ("Café Zone", "cafe-zone"), ("Straße", "strasse"),
    ("Ünïcödé", "unicode"), ("  Cost   Centre  ", "cost-centre"), ("Team (EU) / Ops.", "team-eu-ops"),
    ("T-shirt  size", "t-shirt-size"), ("snake_case Field", "snake_case-field"), ("A -- B", "a-b"),
    ("Size – EU", "size-eu"), ("Field\tWith\nTabs", "field-with-tabs"), ("Ærø Øre", "aero-ore"),
    ("Łódź Office", "lodz-office"), ("ﬁle №1", "file-no1"), ("Level 2", "level-2"), ("_private_", "private"),
    ("Emoji 🎉 Field", "emoji-field"), ("Field, Name!", "field-name"), ("Ｆｕｌｌ Width", "full-width"),
])
func labelGivesAnASCIIAttributeName(label: String, expected: String) throws {
    let name = try CustomField.attributeName(forLabel: label)
    #expect(name == expected)
    #expect(AttributePath.isAttributeName(Substring(name)) && name.first?.isLetter == true)
}

private func namingError(_ label: String) -> SCIMError? {
    do {
        _ = try CustomField.attributeName(forLabel: label)
        return nil
    } catch {
        return error
    }
}

@Test(arguments: ["Имя сотрудника", "部署", "Café 東京", "Ψ Level", "Code ٣"])
func nonLatinLettersAreRefused(label: String) throws {
    let error = try #require(namingError(label))
    #expect(error.scimType == "invalidValue")
    #expect(error.detail.contains("use Latin letters in the field name; its SCIM attribute name must be ASCII"))
}

@Test func nonLatinRefusalNamesTheLetters() throws {
    #expect(try #require(namingError("Café 東京")).detail.contains("(東, 京)"))
}

@Test(arguments: ["2FA Code", "1st Day", "  -9 lives"])
func nameStartingWithADigitIsRefused(label: String) throws {
    let error = try #require(namingError(label))
    #expect(error.scimType == "invalidValue")
    #expect(error.detail.contains("starts with a digit"))
}

@Test(arguments: [
    ("", "needs a name"), ("   ", "needs a name"), ("!!! ???", "no letters or digits"), ("--", "no letters"),
])
func labelWithNothingToNameIsRefused(label: String, fragment: String) throws {
    #expect(try #require(namingError(label)).detail.contains(fragment))
}

@Test func attributeNamesAreAtMost64Characters() throws {
    #expect(try CustomField.attributeName(forLabel: String(repeating: "a", count: 64)).count == 64)
    #expect(try #require(namingError(String(repeating: "a", count: 65))).detail.contains("at most 64"))
    let both = try #require(namingError("9" + String(repeating: "a", count: 64)))
    #expect(both.detail.hasPrefix("2 problems") && both.detail.contains("starts with a digit"))
}

/// The name is derived once: renaming the label changes the description, never the attribute name.
@Test func renamingTheLabelKeepsTheAttributeName() throws {
    var field = try CustomField(id: "f9", label: "Some User's Field", type: .select, options: ["A"])
    #expect(field.attributeName == "some-users-field")
    #expect(field.namespace == .enterprise && field.enabled)
    field.label = "Favourite Colour"
    #expect(field.attribute.name == "some-users-field")
    #expect(field.attribute.description.contains("Favourite Colour"))
    #expect(field.path.description == "\(enterpriseUserURN):some-users-field")
    #expect(field.path == (try AttributePath.parse("\(enterpriseUserURN):some-users-field")))
}

@Test func newFieldWithAnUnusableLabelIsRefused() {
    #expect(throws: SCIMError.self) { try CustomField(id: "f9", label: "Отдел", type: .text) }
}

/// Issue #6's mapping of field types to SCIM types, and what to pick in Okta's Profile Editor.
@Test(arguments: [
    (CustomFieldType.text, AttributeType.string, false, "string"), (.multilineText, .string, false, "string"),
    (.number, .string, false, "string"), (.display, .string, false, "string"), (.hidden, .string, false, "string"),
    (.url, .string, false, "string"), (.select, .string, false, "string"),
    (.multiSelect, .string, true, "string array"),
    (.toggle, .boolean, false, "boolean"), (.date, .dateTime, false, "string"), (.currency, .integer, false, "integer"),
])
func everyFieldTypeMapsToItsSCIMType(type: CustomFieldType, scimType: AttributeType, multiValued: Bool, okta: String) {
    let field = CustomField(
        id: "f", label: "My Field", attributeName: "my-field", type: type, options: ["One", "Two"])
    let attribute = field.attribute
    #expect(attribute.type == scimType && attribute.multiValued == multiValued)
    #expect(type.oktaType == okta)
    let closed = type == .select || type == .multiSelect
    #expect(attribute.canonicalValues == (closed ? ["One", "Two"] : []))
    #expect(attribute.canonicalOnly == closed)
    #expect(attribute.mutability == .readWrite && attribute.returned == .default && attribute.uniqueness == .none)
    #expect(!attribute.caseExact && !attribute.required && attribute.subAttributes.isEmpty)
    #expect(attribute.description.contains("\"My Field\"") && attribute.description.contains(type.label.lowercased()))
}

/// The raw values are what forms and the command line send.
@Test func fieldTypeRawValuesAreKebabCaseAndLabelsDistinct() {
    #expect(CustomFieldType.allCases.count == 11)
    #expect(CustomFieldType(rawValue: "multi-select") == .multiSelect)
    #expect(CustomFieldType(rawValue: "multiline-text") == .multilineText)
    for type in CustomFieldType.allCases {
        #expect(type.rawValue.split(separator: "-").allSatisfy { $0.allSatisfy { ("a"..."z").contains($0) } })
    }
    #expect(Set(CustomFieldType.allCases.map(\.label)).count == CustomFieldType.allCases.count)
    #expect(CustomFieldType.text.label == "Single-line text")
    #expect(CustomFieldNamespace(rawValue: "roster")?.schemaID == rosterUserURN)
    #expect(CustomFieldNamespace.enterprise.schemaID == enterpriseUserURN)
}

@Test(arguments: ["employeeNumber", "costcenter", "COSTCENTER", "Organization", "division", "department", "manager"])
func standardEnterpriseAttributesCollide(name: String) throws {
    for namespace in CustomFieldNamespace.allCases {
        let message = try #require(CustomField.collision(of: name, in: namespace, with: []))
        #expect(message.contains("Enterprise User attribute"))
    }
}

/// Unqualified paths resolve to the core schema first (RFC 7644 §3.10), so a field may not share a core name.
@Test(arguments: ["userName", "name", "title", "emails", "groups", "roles", "ACTIVE", "x509certificates", "password"])
func coreUserAttributesCollide(name: String) throws {
    let message = try #require(CustomField.collision(of: name, in: .enterprise, with: []))
    #expect(message.contains("core User attribute"))
}

@Test(arguments: ["id", "externalid", "meta", "schemas"])
func commonAttributesAreReserved(name: String) throws {
    #expect(try #require(CustomField.collision(of: name, in: .roster, with: [])).contains("reserved"))
}

@Test func otherFieldsCollideDisabledOnesAndOtherNamespacesIncluded() throws {
    let same = try #require(CustomField.collision(of: "Some-Users-Field", in: .enterprise, with: customFields))
    #expect(same.contains("\"Some User's Field\"") && !same.contains("disabled"))
    let disabled = try #require(CustomField.collision(of: "old-code", in: .enterprise, with: customFields))
    #expect(disabled.contains("disabled field \"Old Code\""))
    let elsewhere = try #require(CustomField.collision(of: "badge-colour", in: .enterprise, with: customFields))
    #expect(elsewhere.contains("in the roster extension"))
    #expect(CustomField.collision(of: "favourite-colour", in: .enterprise, with: customFields) == nil)
    #expect(CustomField.collision(of: "cost-center", in: .enterprise, with: customFields) == nil)
}

/// RFC 7643 §7: `/Schemas` lists the standard enterprise attributes, then the enabled enterprise fields.
@Test func enterpriseSchemaListsStandardThenCustomAttributes() throws {
    let schema = try #require(customUser.schema(withID: enterpriseUserURN))
    let json = schema.representation(location: nil)
    let attributes = try #require(json["attributes"]?.arrayValue)
    #expect(
        attributes.compactMap { $0["name"]?.stringValue } == [
            "employeeNumber", "costCenter", "organization", "division", "department", "manager",
            "some-users-field", "shirt-size", "languages", "works-remotely", "start-date", "budget",
        ])
    let expected: JSON = [
        "name": "languages", "type": "string", "multiValued": true,
        "description": #"The custom user field "Languages" (multi-select). At most 4096 bytes (UTF-8)."#,
        "required": false, "caseExact": false,
        "canonicalValues": ["English", "French", "German"], "mutability": "readWrite", "returned": "default",
        "uniqueness": "none",
    ]
    #expect(attributes[8] == expected)
    #expect(attributes[9]["type"] == "boolean" && attributes[10]["type"] == "dateTime")
    #expect(attributes[11]["type"] == "integer" && attributes[11]["canonicalValues"] == nil)
    #expect(json["id"] == .string(enterpriseUserURN) && json["name"] == "EnterpriseUser")
}

@Test func rosterExtensionAppearsOnlyWithAnEnabledRosterField() throws {
    #expect(ResourceType.user(customFields: [someField]).extensions.map(\.schema.id) == [enterpriseUserURN])
    var disabledBadge = badgeColour
    disabledBadge.enabled = false
    #expect(ResourceType.user(customFields: [disabledBadge]).extensions.count == 1)
    #expect(customUser.extensions.map(\.schema.id) == [enterpriseUserURN, rosterUserURN])
    #expect(customUser.extensions.allSatisfy { !$0.required })
    let roster = try #require(customUser.schema(withID: rosterUserURN))
    #expect(roster.name == "RosterUser" && roster.description == "Roster custom user fields")
    #expect(roster.attributes.map(\.name) == ["badge-colour"])
    let listed = customUser.resourceTypeRepresentation(location: "/ResourceTypes/User")["schemaExtensions"]
    #expect(listed?.arrayValue?.compactMap { $0["schema"]?.stringValue } == [enterpriseUserURN, rosterUserURN])
}

@Test func userTypeWithoutEnabledFieldsIsTheStandardOne() {
    #expect(ResourceType.user == ResourceType.user(customFields: []))
    #expect(ResourceType.user == ResourceType.user(customFields: [oldCode]))
    #expect(ResourceType.user.schema(withID: enterpriseUserURN) == Schema.enterpriseUser)
    #expect(customUser.schema(withID: enterpriseUserURN) != Schema.enterpriseUser)
}

/// A field stored before the naming rules cannot define an attribute twice; the standard definition wins.
@Test func fieldNamedLikeAStandardAttributeIsNotAddedTwice() throws {
    let clash = CustomField(id: "x", label: "Department", attributeName: "department", type: .toggle)
    let schema = try #require(ResourceType.user(customFields: [clash]).schema(withID: enterpriseUserURN))
    #expect(schema.attributes.filter { $0.name.caseInsensitiveEquals("department") }.map(\.type) == [.string])
}
