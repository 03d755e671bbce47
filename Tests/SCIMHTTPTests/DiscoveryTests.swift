import Foundation
import HTTPTypes
import Hummingbird
import SCIMCore
import Testing

/// `/ServiceProviderConfig`, `/ResourceTypes` and `/Schemas` (RFC 7644 §4, RFC 7643 §5–7).
@Suite struct DiscoveryTests {
    static let userURN = "urn:ietf:params:scim:schemas:core:2.0:User"
    static let groupURN = "urn:ietf:params:scim:schemas:core:2.0:Group"
    static let enterpriseURN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

    /// The fields the 2019 Okta SPEC test checked on `/ServiceProviderConfig`.
    @Test func serviceProviderConfigStatesEveryCapability() async throws {
        try await TestServer.run { _, client in
            let reply = try await client.get("ServiceProviderConfig")
            #expect(reply.status == 200)
            #expect(reply["schemas"] == ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"])
            #expect(reply["patch"]?["supported"] == true)
            #expect(reply["etag"]?["supported"] == true)
            #expect(reply["filter"]?["supported"] == true)
            #expect(reply["filter"]?["maxResults"]?.intValue != nil)
            #expect(reply["bulk"]?["supported"] == true)
            #expect(reply["bulk"]?["maxOperations"]?.intValue != nil)
            #expect(reply["bulk"]?["maxOperations"] == 1000)
            #expect(reply["bulk"]?["maxPayloadSize"]?.intValue == 4_194_304)
            #expect(reply["sort"]?["supported"] == true)
            #expect(reply["changePassword"]?["supported"] == false)
            let scheme = reply["authenticationSchemes"]?.arrayValue?.first
            #expect(scheme?["type"] == "oauthbearertoken")
            #expect(scheme?["description"]?.stringValue?.isEmpty == false)
        }
    }

    @Test func resourceTypesListUsersAndGroupsWithTheEnterpriseExtension() async throws {
        try await TestServer.run { _, client in
            let reply = try await client.get("ResourceTypes")
            #expect(reply["schemas"] == [.string(MessageSchema.listResponse)])
            #expect(reply["totalResults"] == 2)
            let user = try await client.get("ResourceTypes/User")
            #expect(user["endpoint"] == "/Users")
            #expect(user["schema"] == .string(Self.userURN))
            #expect(user["schemaExtensions"] == [.object(["schema": .string(Self.enterpriseURN), "required": false])])
            #expect(try await client.get("ResourceTypes/Group")["schema"] == .string(Self.groupURN))
            try await client.get("ResourceTypes/Printer").expectError(404)
        }
    }

    @Test func schemasAreListedAndAddressableById() async throws {
        try await TestServer.run { _, client in
            let reply = try await client.get("Schemas")
            let ids = reply["Resources"]?.arrayValue?.compactMap { $0["id"]?.stringValue }
            #expect(ids == [Self.userURN, Self.enterpriseURN, Self.groupURN])
            for urn in [Self.userURN, Self.enterpriseURN, Self.groupURN] {
                let schema = try await client.get("Schemas/\(urn)")
                #expect(schema.status == 200)
                #expect(schema["id"] == .string(urn))
                #expect(schema["meta"]?["location"] == .string("\(TestServer.scimBase)/Schemas/\(urn)"))
            }
            try await client.get("Schemas/urn:nope").expectError(404)
        }
    }

    /// RFC 7643 §7: every attribute of every schema states every characteristic, sub-attributes too.
    @Test func everyAttributeSpellsOutEveryCharacteristic() async throws {
        try await TestServer.run { _, client in
            let reply = try await client.get("Schemas")
            var checked = 0
            func check(_ attribute: JSON) {
                for key in [
                    "name", "type", "multiValued", "description", "required", "caseExact", "mutability",
                    "returned", "uniqueness",
                ] {
                    #expect(attribute[key] != nil, "\(attribute["name"]?.stringValue ?? "?") lacks \(key)")
                }
                checked += 1
                if attribute["type"] == "complex" {
                    #expect(attribute["subAttributes"]?.arrayValue?.isEmpty == false)
                }
                if attribute["type"] == "reference" {
                    #expect(attribute["referenceTypes"]?.arrayValue?.isEmpty == false)
                }
                for sub in attribute["subAttributes"]?.arrayValue ?? [] { check(sub) }
            }
            for schema in reply["Resources"]?.arrayValue ?? [] {
                for attribute in schema["attributes"]?.arrayValue ?? [] { check(attribute) }
            }
            #expect(checked > 80)
        }
    }

    @Test func userSchemaCarriesTheRFCCharacteristicsOfKeyAttributes() async throws {
        try await TestServer.run { _, client in
            let schema = try await client.get("Schemas/\(Self.userURN)")
            let attributes = schema["attributes"]?.arrayValue ?? []
            func attribute(_ name: String) -> JSON? { attributes.first { $0["name"] == .string(name) } }
            #expect(attribute("userName")?["required"] == true)
            #expect(attribute("userName")?["uniqueness"] == "server")
            #expect(attribute("userName")?["caseExact"] == false)
            #expect(attribute("password")?["mutability"] == "writeOnly")
            #expect(attribute("password")?["returned"] == "never")
            #expect(attribute("groups")?["mutability"] == "readOnly")
            let emailTypes = attribute("emails")?["subAttributes"]?.arrayValue?.first { $0["name"] == "type" }
            #expect(emailTypes?["canonicalValues"] == ["work", "home", "other"])
        }
    }
}
