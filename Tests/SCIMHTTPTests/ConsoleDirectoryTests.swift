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
            let bob = try await scim.createUser(
                "bob@example.com",
                extra: #","displayName":"Bob Builder","title":"Foreman","#
                    + #""\#(Self.enterprise)":{"manager":{"value":"\#(ada)"}}"#)
            _ = try await scim.patch(
                "Users/\(bob)",
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}"#
            )
            let group = try await scim.createGroup("Engineers", members: [ada])

            let browser = ConsoleClient(scim.client)
            try await browser.signIn(server: server)
            let everyone = try await browser.get("/admin/people")
            #expect(everyone.contains("ada@example.com") && everyone.contains("bob@example.com"))
            let search = try await browser.get("/admin/people?q=ADA.WORK")
            #expect(search.contains("ada@example.com") && !search.contains("bob@example.com"), "email, any case")
            let deactivated = try await browser.get("/admin/people?status=deactivated")
            #expect(deactivated.contains("bob@example.com") && !deactivated.contains("ada@example.com"))
            let quote = try await browser.get("/admin/people?q=%22%29%20or%20%28userName%20pr")
            #expect(
                quote.status == 200 && quote.contains("Nobody matches this search."),
                "search text cannot rewrite the filter")
            let engineers = try await browser.get("/admin/people?group=\(group)")
            #expect(engineers.contains("ada@example.com") && !engineers.contains("bob@example.com"), "by group")
            let sorted = try await browser.get("/admin/people?sort=created")
            let bobFirst = try #require(sorted.html.range(of: "Bob Builder")).lowerBound
            #expect(bobFirst < (try #require(sorted.html.range(of: ">ada@example.com<")).lowerBound), "newest first")
            #expect(
                everyone.contains("Foreman") && everyone.contains("ada.work@example.com"), "title and email columns")
            let beyond = try await browser.get("/admin/people?page=999")
            #expect(beyond.contains("There is no page 999: the list has 1.") && !beyond.contains("Page 999 of"))
            #expect(ConsoleClient.link(rel: "prev", in: beyond.html) == "/admin/people", "back to the last page")

            // A profile header; the manager by name, linked; booleans and namespaces in words.
            let profile = try await browser.get("/admin/people/\(bob)")
            #expect(profile.contains("<h1>Bob Builder") && profile.contains("bob@example.com · Foreman"))
            #expect(profile.contains(#"<a href="/admin/people/\#(ada)">Given Family</a>"#), "\(profile.html)")
            #expect(profile.contains("<td>No</td>") && !profile.contains("<td>false</td>"), "active is No")

            let page = try await browser.get("/admin/people/\(ada)")
            #expect(page.contains("Engineering") && page.contains("department <span class=\"badge\">Enterprise</span>"))
            #expect(page.contains("ada.work@example.com (work, primary)"))
            #expect(page.contains("Engineers") && page.contains("/admin/groups/"))
            #expect(page.contains("by Okta"), "created by the token named Okta")
            #expect(page.contains("Created user"))
            #expect(try await browser.get("/admin/people/no-such-id").status == 404)
            let groups = try await browser.get("/admin/groups")
            #expect(groups.contains(#"<td data-label="Members">1</td>"#), "member counts")
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
            #expect(first.contains("60 members") && first.contains("Active"))
            #expect(first.contains("member0@example.com") && !first.contains("member59@example.com"))
            let next = try #require(ConsoleClient.link(rel: "next", in: first.html))
            let third = try await browser.get(
                try #require(ConsoleClient.link(rel: "next", in: try await browser.get(next).html)))
            #expect(third.contains("member59@example.com") && !third.contains("member0@example.com<"))
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
            #expect(all.contains("Created user") && all.contains("Deactivated user and changed 1 more"))
            // A refused create still says whom it was about.
            #expect(all.contains("Create user refused (409)") && all.contains("ADA@example.com"))
            #expect(all.contains("Entra ID") && all.contains("Okta") && all.contains("Refused: no valid token"))
            #expect(!all.contains("filter="), "query strings, which may hold personal data, are not kept")

            let events = try await server.store.activity(ActivityQuery(limit: 100))
            let refused = try #require(events.first { $0.status == 409 })
            let detail = try await browser.get("/admin/activity/\(try #require(refused.id))")
            #expect(
                detail.contains("POST /scim/v2/Users") && detail.contains("A user with this userName already exists."))
            let putEvent = try #require(events.first { $0.method == "PUT" })
            let changes = try await browser.get("/admin/activity/\(try #require(putEvent.id))")
            #expect(
                changes.contains(
                    "<th scope=\"row\">name.givenName</th><td><del>&quot;Given&quot;</del></td><td><ins>&quot;Ada&quot;</ins></td>"
                ), "\(changes.html)")
            #expect(changes.contains("<del>true</del>") && changes.contains("<ins>false</ins>"))
            #expect(try await browser.get("/admin/activity/999999").status == 404)

            let failed = try await browser.get("/admin/activity?outcome=failed")
            #expect(failed.contains("409") && failed.contains("401") && !failed.contains("Deactivated user"))
            let entra = try await browser.get("/admin/activity?client=entra")
            #expect(entra.contains("Listed users") && !entra.contains("Created user"))

            let put = try #require(events.first { $0.method == "PUT" })
            #expect(put.tokenName == "Okta" && put.resourceID == id && put.resourceName == "ada@example.com")
            #expect(
                put.changes.map { AttributeChange(line: $0) } == [
                    AttributeChange(name: "name.givenName", before: #""Given""#, after: #""Ada""#),
                    AttributeChange(name: "active", before: "true", after: "false"),
                ])
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
            #expect(second.status == 200 && second.html.components(separatedBy: "Listed users").count - 1 == 5)
        }
    }

    @Test func connectPagesShowValuesAndLiveStatus() async throws {
        try await TestServer.run { server, scim in
            let browser = ConsoleClient(scim.client)
            try await browser.signIn(server: server)
            let before = try await browser.get("/admin/connect/okta")
            #expect(before.contains("https://roster.example.com/scim/v2") && before.contains("userName"))
            #expect(before.contains("HTTP Header") && before.contains("Test Connector Configuration"))
            #expect(before.contains("No request from Okta with one of these tokens yet"))
            #expect(before.contains(#"data-refresh="/admin/connect/okta/status""#), "the status refreshes itself")
            _ = try await scim.get("Users?count=1")
            let after = try await browser.get("/admin/connect/okta")
            #expect(after.contains("Last request from Okta") && after.contains("Listed users") && after.contains("200"))
            #expect(after.contains("<li><a href=\"/admin/tokens/"), "tokens one per line")
            // A stray request with an unknown token warns, and does not turn the connection red.
            _ = try await scim.get("Users", authorization: "Bearer roster_stale")
            let stray = try await browser.get("/admin/connect/okta/status")
            #expect(stray.status == 200 && stray.contains(#"<div id="live-status""#))
            #expect(
                stray.contains("notice success") && stray.contains("notice warning") && !stray.contains("notice error"))
            #expect(stray.contains("carried no valid token"))
            let entra = try await browser.get("/admin/connect/entra")
            #expect(
                entra.contains("Tenant URL") && entra.contains("No request from Entra ID with one of these tokens yet"))
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
