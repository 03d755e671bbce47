import Admin
import App
import Directory
import Foundation
import HTTPTypes
import Testing

/// People, groups, provisioning activity and the Connect pages, fed by real SCIM requests.
@Suite struct ConsoleDirectoryTests {
    static let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

    @Test func peopleAreSearchableFilterableAndShowTheirAttributesGroupsAndProvenance() async throws {
        try await TestServer.run { server, scim in
            let ada = try await scim.createUser(
                "ada@example.com",
                extra: #","emails":[{"value":"ada.work@example.com","type":"work","primary":true}],"#
                    + #""\#(Self.enterprise)":{"department":"Engineering"}"#)
            let bob = try await scim.createUser("bob@example.com")
            _ = try await scim.patch(
                "Users/\(bob)",
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}"#
            )
            _ = try await scim.createGroup("Engineers", members: [ada])

            let browser = ConsoleClient(scim.client)
            try await browser.signIn(server: server)
            let everyone = try await browser.get("/admin/people")
            #expect(everyone.contains("ada@example.com") && everyone.contains("bob@example.com"))
            let search = try await browser.get("/admin/people?q=ADA.WORK")
            #expect(search.contains("ada@example.com") && !search.contains("bob@example.com"), "email, any case")
            let deactivated = try await browser.get("/admin/people?status=deactivated")
            #expect(deactivated.contains("bob@example.com") && !deactivated.contains("ada@example.com"))
            let quote = try await browser.get("/admin/people?q=%22%29%20or%20%28userName%20pr")
            #expect(quote.status == 200 && quote.contains("Nobody matches."), "search text cannot rewrite the filter")

            let page = try await browser.get("/admin/people/\(ada)")
            #expect(page.contains("Engineering") && page.contains("department"))
            #expect(page.contains("ada.work@example.com (work, primary)"))
            #expect(page.contains("Engineers") && page.contains("/admin/groups/"))
            #expect(page.contains("by Okta"), "created by the token named Okta")
            #expect(page.contains("POST /scim/v2/Users"))
            #expect(try await browser.get("/admin/people/no-such-id").status == 404)
        }
    }

    @Test func valuesAreEscapedInPages() async throws {
        try await TestServer.run { server, scim in
            let id = try await scim.createUser("<script>alert(1)</script>@example.com")
            let browser = ConsoleClient(scim.client)
            try await browser.signIn(server: server)
            let page = try await browser.get("/admin/people/\(id)")
            #expect(!page.contains("<script>alert(1)</script>"))
            #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;@example.com"))
        }
    }

    @Test func groupPageListsMembersAPageAtATime() async throws {
        try await TestServer.run { server, scim in
            var ids: [String] = []
            for index in 0..<60 { ids.append(try await scim.createUser("member\(index)@example.com")) }
            let group = try await scim.createGroup("Everyone", members: ids)
            let browser = ConsoleClient(scim.client)
            try await browser.signIn(server: server)
            let list = try await browser.get("/admin/groups?q=every")
            #expect(list.contains("Everyone") && list.contains("/admin/groups/\(group)"))
            let first = try await browser.get("/admin/groups/\(group)")
            #expect(first.contains("member0@example.com") && !first.contains("member59@example.com"))
            let next = try #require(
                first.html.range(of: "href=\"/admin/groups/\(group)?after=").map { range in
                    String(first.html[range.lowerBound...].dropFirst(6).prefix { $0 != "\"" })
                })
            let second = try await browser.get(next)
            #expect(second.contains("member59@example.com") && !second.contains("member0@example.com<"))
        }
    }

    @Test func activityShowsEveryRequestWithChangesAndErrorDetail() async throws {
        try await TestServer.run { server, scim in
            let id = try await scim.createUser("ada@example.com")
            let duplicate = try await scim.post(
                "Users", #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ADA@example.com"}"#)
            #expect(duplicate.status == 409)
            _ = try await scim.put(
                "Users/\(id)",
                #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada@example.com","#
                    + #""name":{"givenName":"Ada","familyName":"Family"},"active":false}"#)
            _ = try await scim.send(
                .get, "Users?filter=userName%20eq%20%22x%22",
                headers: [.userAgent: "Microsoft Azure AD SCIM provisioning 1.0.0"])
            _ = try await scim.get("Users", authorization: "Bearer wrong")

            let browser = ConsoleClient(scim.client)
            try await browser.signIn(server: server)
            let all = try await browser.get("/admin/activity")
            #expect(all.contains("POST /scim/v2/Users") && all.contains("PUT /scim/v2/Users/\(id)"))
            #expect(all.contains("A user with this userName already exists."))
            #expect(all.contains("name.givenName, active"), "the PUT changed name.givenName and active")
            #expect(all.contains("Entra ID") && all.contains("Okta"))
            #expect(!all.contains("filter="), "query strings, which may hold personal data, are not kept")

            let failed = try await browser.get("/admin/activity?outcome=failed")
            #expect(failed.contains("409") && failed.contains("401") && !failed.contains("PUT /scim/v2/Users"))
            let entra = try await browser.get("/admin/activity?client=entra")
            #expect(entra.contains("GET /scim/v2/Users") && !entra.contains("POST /scim/v2/Users"))

            let events = try await server.store.activity(ActivityQuery(limit: 100))
            let put = try #require(events.first { $0.method == "PUT" })
            #expect(put.tokenName == "Okta" && put.resourceID == id && put.resourceName == "ada@example.com")
            #expect(put.changes == ["name.givenName", "active"])
            let unauthenticated = try #require(events.first { $0.status == 401 })
            #expect(unauthenticated.tokenID == nil)
        }
    }

    @Test func activityPagesOlderEventsByCursor() async throws {
        try await TestServer.run { server, scim in
            for _ in 0..<55 { _ = try await scim.get("Users?count=1") }
            let browser = ConsoleClient(scim.client)
            try await browser.signIn(server: server)
            let first = try await browser.get("/admin/activity")
            let older = try #require(ConsoleClient.link(rel: "next", in: first.html))
            let second = try await browser.get(older)
            #expect(second.status == 200 && second.html.components(separatedBy: "GET /scim/v2/Users").count - 1 == 5)
        }
    }

    @Test func connectPagesShowValuesAndLiveStatus() async throws {
        try await TestServer.run { server, scim in
            let browser = ConsoleClient(scim.client)
            try await browser.signIn(server: server)
            let before = try await browser.get("/admin/connect/okta")
            #expect(before.contains("https://roster.example.com/scim/v2") && before.contains("userName"))
            #expect(before.contains("HTTP Header") && before.contains("Test Connector Configuration"))
            #expect(before.contains("No request from Okta yet"))
            _ = try await scim.get("Users?count=1")
            let after = try await browser.get("/admin/connect/okta")
            #expect(
                after.contains("Last request from Okta") && after.contains("GET /scim/v2/Users")
                    && after.contains("200"))
            let entra = try await browser.get("/admin/connect/entra")
            #expect(entra.contains("Tenant URL") && entra.contains("No request from Entra ID yet"))
            let overview = try await browser.get("/admin")
            #expect(overview.contains("active SCIM tokens"))
        }
    }
}

extension ConsoleClient {
    /// The href of the link with `rel`, with `&amp;` decoded.
    static func link(rel: String, in html: String) -> String? {
        guard let end = html.range(of: "\" rel=\"\(rel)\"") else { return nil }
        let before = html[..<end.lowerBound]
        guard let start = before.range(of: "href=\"", options: .backwards) else { return nil }
        return String(before[start.upperBound...]).replacingOccurrences(of: "&amp;", with: "&")
    }
}
