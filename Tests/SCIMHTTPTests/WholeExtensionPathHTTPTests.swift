import Foundation
import SCIMCore
import Testing

/// The whole-extension forms scim2-tester sends: a PATCH whose path is the enterprise extension's URN (with a
/// custom field among its attributes), and `attributes`/`excludedAttributes` naming the extension.
@Suite struct WholeExtensionPathHTTPTests {
    static let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

    static func patch(_ operation: String) -> String {
        #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[\#(operation)]}"#
    }

    @Test func patchesAndProjectionsOfAWholeExtension() async throws {
        try await TestServer.run { server, scim in
            _ = try await server.directory.addField(
                label: "Cost Center Code", type: .text, options: [], namespace: .enterprise)
            let id = try await scim.createUser(
                "ext@example.com", extra: #","\#(Self.enterprise)":{"employeeNumber":"7"}"#)
            let added = try await scim.patch(
                "Users/\(id)",
                Self.patch(
                    #"{"op":"add","path":"\#(Self.enterprise)","value":{"department":"Ops","cost-center-code":"CC-1"}}"#
                ))
            #expect(added.status == 200, "\(added.text)")
            let extensionValue = added[Self.enterprise]
            #expect(extensionValue?["department"] == "Ops" && extensionValue?["cost-center-code"] == "CC-1")
            #expect(extensionValue?["employeeNumber"] == "7")
            let replaced = try await scim.patch(
                "Users/\(id)",
                Self.patch(#"{"op":"replace","path":"\#(Self.enterprise)","value":{"department":"Sales"}}"#))
            #expect(
                replaced[Self.enterprise]?["department"] == "Sales"
                    && replaced[Self.enterprise]?["employeeNumber"] == "7")

            let only = try await scim.get("Users/\(id)?attributes=\(Self.enterprise)")
            #expect(only[Self.enterprise]?["department"] == "Sales" && only["userName"] == nil && only["id"] != nil)
            let without = try await scim.get("Users/\(id)?excludedAttributes=\(Self.enterprise)")
            #expect(without[Self.enterprise] == nil && without["userName"] == "ext@example.com")

            let removed = try await scim.patch(
                "Users/\(id)", Self.patch(#"{"op":"remove","path":"\#(Self.enterprise)"}"#))
            #expect(removed.status == 200 && removed[Self.enterprise] == nil, "\(removed.text)")
            let bad = try await scim.patch(
                "Users/\(id)", Self.patch(#"{"op":"add","path":"\#(Self.enterprise)","value":"x"}"#))
            bad.expectError(400, scimType: "invalidValue")
        }
    }
}
