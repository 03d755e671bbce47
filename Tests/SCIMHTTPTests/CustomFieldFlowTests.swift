import Directory
import Foundation
import SCIMCore
import Testing

/// Custom user fields as identity providers map them: Okta's Profile Editor (External name + External
/// namespace) and Entra ID's attribute list, over HTTP with real bodies.
@Suite struct CustomFieldFlowTests {
    static let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    static let roster = "urn:ietf:params:scim:schemas:extension:roster:2.0:User"
    static let patchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

    @Test func aNewFieldAppearsInSchemasAtOnce() async throws {
        try await TestServer.run(tokenCacheSeconds: 2) { server, scim in
            let before = try await scim.get("Schemas/\(Self.enterprise)")
            #expect(before.text.contains("employeeNumber") && !before.text.contains("some-users-field"))
            _ = try await server.directory.addField(
                label: "Some User's Field", type: .text, options: [], namespace: .enterprise)
            // The server's own catalog is separate from the test's directory: it reloads within its lifetime.
            try await Task.sleep(for: .seconds(2.1))
            let after = try await scim.get("Schemas/\(Self.enterprise)")
            let attributes = try #require(after["attributes"]?.arrayValue)
            let names = attributes.compactMap { $0["name"]?.stringValue }
            #expect(names.first == "employeeNumber" && names.last == "some-users-field", "standard, then custom")
            let custom = try #require(attributes.last)
            #expect(custom["type"] == "string" && custom["multiValued"] == false && custom["mutability"] == "readWrite")
            #expect(custom["returned"] == "default" && custom["uniqueness"] == "none" && custom["caseExact"] == false)
        }
    }

    /// Okta: POST with the value under the enterprise URN, then a profile push PUT, then a PATCH on the
    /// URN-qualified path; then filtered and sorted by the field.
    @Test func oktaCreatesUpdatesAndFiltersOnACustomField() async throws {
        try await TestServer.run { server, scim in
            _ = try await server.directory.addField(
                label: "Cost Code", type: .text, options: [], namespace: .enterprise)
            _ = try await server.directory.addField(label: "Remote", type: .toggle, options: [], namespace: .roster)
            try await Task.sleep(for: .seconds(2.1))
            let created = try await scim.post(
                "Users",
                #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","\#(Self.enterprise)","\#(Self.roster)"],"#
                    + #""userName":"ada@example.com","\#(Self.enterprise)":{"department":"R&D","cost-code":"CC-7"},"#
                    + #""\#(Self.roster)":{"remote":true}}"#)
            #expect(created.status == 201, "\(created.text)")
            #expect(created[Self.enterprise]?["cost-code"] == "CC-7" && created[Self.roster]?["remote"] == true)
            let id = try #require(created["id"]?.stringValue)
            _ = try await scim.createUser("bob@example.com", extra: #","\#(Self.enterprise)":{"cost-code":"AA-1"}"#)

            let put = try await scim.put(
                "Users/\(id)",
                #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada@example.com","#
                    + #""\#(Self.enterprise)":{"cost-code":"CC-8"},"\#(Self.roster)":{"remote":false}}"#)
            #expect(put.status == 200 && put[Self.enterprise]?["cost-code"] == "CC-8", "\(put.text)")
            let patched = try await scim.patch(
                "Users/\(id)",
                #"{"schemas":["\#(Self.patchOp)"],"Operations":[{"op":"replace","path":"\#(Self.enterprise):cost-code","value":"CC-9"}]}"#
            )
            #expect(patched.status == 200 && patched[Self.enterprise]?["cost-code"] == "CC-9")

            let wrongType = try await scim.patch(
                "Users/\(id)",
                #"{"schemas":["\#(Self.patchOp)"],"Operations":[{"op":"replace","path":"\#(Self.roster):remote","value":"maybe"}]}"#
            )
            wrongType.expectError(400, scimType: "invalidValue")

            let filter = "\(Self.enterprise):cost-code eq \"cc-9\"".addingPercentEncoding(
                withAllowedCharacters: .alphanumerics)!
            let found = try await scim.get("Users?filter=\(filter)")
            #expect(
                found["totalResults"] == 1 && found["Resources"]?.arrayValue?.first?["id"]?.stringValue == id,
                "\(found.text)")
            let sorted = try await scim.get(
                "Users?sortBy=\(Self.enterprise):cost-code".replacingOccurrences(of: " ", with: "%20"))
            let order = sorted["Resources"]?.arrayValue?.compactMap { $0["userName"]?.stringValue }
            #expect(order == ["bob@example.com", "ada@example.com"], "AA-1 sorts before CC-9")
        }
    }

    /// Entra ID: pathless replace with URN-qualified keys, and a path on the roster extension.
    @Test func entraUpdatesCustomFieldsWithURNKeys() async throws {
        try await TestServer.run { server, scim in
            _ = try await server.directory.addField(
                label: "Shirt Size", type: .select, options: ["S", "M", "L"], namespace: .enterprise)
            try await Task.sleep(for: .seconds(2.1))
            let id = try await scim.createUser("grace@example.com")
            let replaced = try await scim.patch(
                "Users/\(id)",
                #"{"schemas":["\#(Self.patchOp)"],"Operations":[{"op":"Replace","value":{"\#(Self.enterprise):shirt-size":"m"}}]}"#
            )
            #expect(replaced.status == 200 && replaced[Self.enterprise]?["shirt-size"] != nil, "\(replaced.text)")
            let outside = try await scim.patch(
                "Users/\(id)",
                #"{"schemas":["\#(Self.patchOp)"],"Operations":[{"op":"Add","path":"\#(Self.enterprise):shirt-size","value":"XXL"}]}"#
            )
            outside.expectError(400, scimType: "invalidValue")
        }
    }

    @Test func unknownExtensionAttributesAreRefusedUnlessTheSettingIgnoresThem() async throws {
        try await TestServer.run { server, scim in
            let body =
                #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x@example.com","#
                + #""\#(Self.enterprise)":{"department":"Ops","nickname-color":"blue"}}"#
            let refused = try await scim.post("Users", body)
            #expect(refused.status == 400 && refused.text.contains("nickname-color"), "\(refused.text)")
            try await server.directory.setIgnoresUnknownAttributes(true)
            try await Task.sleep(for: .seconds(2.1))
            let accepted = try await scim.post("Users", body)
            #expect(accepted.status == 201, "\(accepted.text)")
            #expect(
                accepted[Self.enterprise]?["department"] == "Ops" && accepted[Self.enterprise]?["nickname-color"] == nil
            )
            let unknownPath = try await scim.patch(
                "Users/\(try #require(accepted["id"]?.stringValue))",
                #"{"schemas":["\#(Self.patchOp)"],"Operations":[{"op":"replace","path":"urn:example:custom:1.0:User:x","value":"y"}]}"#
            )
            #expect(unknownPath.status == 200, "\(unknownPath.text)")
        }
    }

    /// A disabled field keeps its values and leaves /Schemas; writes that still send it are accepted without it;
    /// enabled again, the value is back and filterable. Deleting removes the values.
    @Test func disablingKeepsValuesAndDeletingRemovesThem() async throws {
        try await TestServer.run { server, scim in
            let field = try await server.directory.addField(
                label: "Badge", type: .text, options: [], namespace: .enterprise)
            try await Task.sleep(for: .seconds(2.1))
            let id = try await scim.createUser("ada@example.com", extra: #","\#(Self.enterprise)":{"badge":"B-1"}"#)
            _ = try await server.directory.updateField(id: field.id, enabled: false)
            try await Task.sleep(for: .seconds(2.1))
            #expect(!(try await scim.get("Schemas/\(Self.enterprise)")).text.contains("\"badge\""))
            let read = try await scim.get("Users/\(id)")
            #expect(read[Self.enterprise]?["badge"] == nil, "a disabled field is not returned")
            let put = try await scim.put(
                "Users/\(id)",
                #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada@example.com","#
                    + #""\#(Self.enterprise)":{"badge":"B-2","department":"Ops"}}"#)
            #expect(put.status == 200, "Okta may still send it: \(put.text)")
            _ = try await server.directory.updateField(id: field.id, enabled: true)
            try await Task.sleep(for: .seconds(2.1))
            let back = try await scim.get("Users/\(id)")
            #expect(back[Self.enterprise]?["badge"] == "B-1", "kept while disabled: \(back.text)")
            #expect(back[Self.enterprise]?["department"] == "Ops")
            let filter = "\(Self.enterprise):badge eq \"B-1\"".addingPercentEncoding(
                withAllowedCharacters: .alphanumerics)!
            #expect(try await scim.get("Users?filter=\(filter)")["totalResults"] == 1)

            #expect(try await server.directory.deleteField(id: field.id) == 1)
            let stored = try #require(try await server.store.fetch(.user, id: id))
            #expect(
                stored.body[Self.enterprise]?["badge"] == nil && stored.body[Self.enterprise]?["department"] == "Ops")
        }
    }

    @Test func collidingNamesAreRefusedWithAClearMessage() async throws {
        try await TestServer.run { server, _ in
            _ = try await server.directory.addField(label: "Team", type: .text, options: [], namespace: .enterprise)
            for (label, namespace) in [
                ("Department", CustomFieldNamespace.enterprise), ("team", .roster), ("Title", .roster),
            ] {
                await #expect(throws: SCIMError.self, "\(label)") {
                    try await server.directory.addField(label: label, type: .text, options: [], namespace: namespace)
                }
            }
            await #expect(throws: SCIMError.self) {
                try await server.directory.addField(label: "Size", type: .select, options: [], namespace: .enterprise)
            }
        }
    }
}
