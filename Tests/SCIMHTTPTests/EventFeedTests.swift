import Directory
import Foundation
import HTTPTypes
import Logging
import PostgresNIO
import RosterTestSupport
import SCIMCore
import Testing

/// The event feed at `/api/v1/events`: every change told once, by the type that says what happened, written with
/// the change (a refused change leaves none), in each organization's sequence, paged by cursors that never skip
/// or repeat while writes go on, and refused clearly when a cursor is forged, foreign or past retention.
@Suite(.serialized) struct EventFeedTests {
    /// An application's secret for the server's feed.
    static func application(_ server: TestServer) async throws -> String {
        try await server.services.organizations.applications.create(name: "Helpdesk", redirectURIs: []).secret
    }

    /// Every event after `cursor`, page by page, and the last cursor.
    static func readAll(
        _ scim: SCIMClient, secret: String, query: String = "", after cursor: String? = nil, limit: Int = 100
    ) async throws -> (events: [JSON], cursor: String) {
        var events: [JSON] = []
        var cursor = cursor
        for _ in 0..<1000 {
            var path = "/api/v1/events?limit=\(limit)\(query)"
            if let cursor { path += "&after=\(cursor)" }
            let reply = try await scim.get(path, authorization: "Bearer \(secret)")
            try #require(reply.status == 200, "\(reply.text)")
            #expect(reply.contentType == "application/json")
            events += reply["data"]?.arrayValue ?? []
            cursor = try #require(reply["next_cursor"]?.stringValue)
            if reply["has_more"] != .bool(true) { break }
        }
        return (events, cursor ?? "")
    }

    static func types(_ events: [JSON]) -> [String] { events.compactMap { $0["type"]?.stringValue } }

    @Test func everyChangeIsToldOnceByTheTypeThatSaysWhatHappened() async throws {
        try await TestServer.run { server, scim in
            let secret = try await Self.application(server)
            let ann = try await scim.createUser("ann@example.com")
            let bob = try await scim.createUser("bob@example.com")
            let patch = { (operations: String) in
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[\#(operations)]}"#
            }
            // Okta's deactivation, then reactivation, then a rename by PUT.
            #expect(
                try await scim.patch("Users/\(ann)", patch(#"{"op":"replace","value":{"active":false}}"#)).status == 200
            )
            #expect(
                try await scim.patch("Users/\(ann)", patch(#"{"op":"replace","path":"active","value":"True"}"#)).status
                    == 200)
            let put =
                #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ann@example.com","#
                + #""name":{"givenName":"Anne","familyName":"Family"},"active":true}"#
            #expect(try await scim.put("Users/\(ann)", put).status == 200)
            // The same PUT again changes nothing and tells nothing.
            #expect(try await scim.put("Users/\(ann)", put).status == 200)
            // A group with one member; Group Push adds another and removes the first, without touching the name.
            let group = try await scim.createGroup("Engineering", members: [ann])
            let members = patch(
                #"{"op":"add","path":"members","value":[{"value":"\#(bob)"}]},"#
                    + #"{"op":"remove","path":"members[value eq \"\#(ann)\"]"}"#)
            #expect([200, 204].contains(try await scim.patch("Groups/\(group)", members).status))
            // A rename and a member change in one PATCH: two events, one of each kind.
            let both = patch(
                #"{"op":"replace","path":"displayName","value":"Platform"},"#
                    + #"{"op":"add","path":"members","value":[{"value":"\#(ann)"}]}"#)
            #expect([200, 204].contains(try await scim.patch("Groups/\(group)", both).status))
            #expect(try await scim.delete("Groups/\(group)").status == 204)
            #expect(try await scim.delete("Users/\(bob)").status == 204)

            let (events, _) = try await Self.readAll(scim, secret: secret)
            #expect(
                Self.types(events) == [
                    "user.created", "user.created", "user.deactivated", "user.reactivated", "user.updated",
                    "group.created", "group.members_added", "group.members_added", "group.members_removed",
                    "group.updated", "group.members_added", "group.deleted", "user.deleted",
                ])
            #expect(events.map { $0["sequence"]?.intValue ?? 0 } == Array(1...13), "one organization, one sequence")
            #expect(Set(events.compactMap { $0["id"]?.stringValue }).count == 13, "every event has its own id")
            let organization = try await server.services.organizations.organization(key: .default).id
            #expect(events.allSatisfy { $0["organization"]?.stringValue == organization })

            // A deactivation carries the user at its new version and what it replaced.
            let deactivated = events[2]["data"]
            #expect(deactivated?["object"]?["active"] == .bool(false))
            #expect(deactivated?["object"]?["meta"]?["version"] == .string("W/\"2\""))
            #expect(deactivated?["object"]?["id"] == .string(ann))
            #expect(deactivated?["previous"] == .object(["active": .bool(true)]))
            // The rename says which values it replaced.
            #expect(events[4]["data"]?["previous"]?["name"]?["givenName"] == .string("Given"))
            #expect(events[4]["data"]?["object"]?["name"]?["givenName"] == .string("Anne"))
            // Membership events carry the ids, and the group without its member list.
            #expect(events[6]["data"]?["members"] == .array([.string(ann)]))
            #expect(events[7]["data"]?["members"] == .array([.string(bob)]))
            #expect(events[8]["data"]?["members"] == .array([.string(ann)]))
            #expect(events[5]["data"]?["object"]?["members"] == nil)
            #expect(events[9]["data"]?["previous"] == .object(["displayName": .string("Engineering")]))
            #expect(events[11]["data"]?["object"]?["id"] == .string(group))
            // Who did it, in which request.
            #expect(events[0]["actor"]?["type"] == .string("token"))
            #expect(events[0]["actor"]?["name"] == .string("Okta"))
            #expect((events[0]["request"]?.stringValue ?? "").count >= 16)
        }
    }

    @Test func deletingAMemberTellsItsRemovalFromEachGroup() async throws {
        try await TestServer.run { server, scim in
            let secret = try await Self.application(server)
            let ann = try await scim.createUser("ann@example.com")
            let one = try await scim.createGroup("One", members: [ann])
            let two = try await scim.createGroup("Two", members: [ann])
            let (_, cursor) = try await Self.readAll(scim, secret: secret)
            #expect(try await scim.delete("Users/\(ann)").status == 204)
            let (events, _) = try await Self.readAll(scim, secret: secret, after: cursor)
            #expect(Self.types(events) == ["user.deleted", "group.members_removed", "group.members_removed"])
            #expect(Set(events.dropFirst().compactMap { $0["data"]?["group"]?["id"]?.stringValue }) == [one, two])
            #expect(events.dropFirst().allSatisfy { $0["data"]?["members"] == .array([.string(ann)]) })
        }
    }

    /// On PostgreSQL the feed of every organization shows an event only once every older writing transaction has
    /// ended. Behind one still open, a reader that has caught up is told `has_more` (not that it has read all),
    /// and the event comes once the writer ends, never skipped.
    @Test(.enabled(if: PostgresTestDatabase.isConfigured))
    func anEventBehindAnOpenWriteIsHeldBackAndThenTold() async throws {
        try await TestServer.run(on: .postgres, tokenCacheSeconds: 2, rateLimit: nil) { server, scim in
            let secret = try await Self.application(server)
            let (_, start) = try await Self.readAll(scim, secret: secret)
            let client = PostgresClient(
                configuration: try PostgresTestDatabase.configuration(server.configuration.database))
            try await PostgresTestDatabase.whileRunning(client) {
                try await client.withConnection { connection in
                    // A write transaction opened first: its id is older than the event's.
                    try await connection.query("BEGIN")
                    // Read back, so the id is surely given before the write below starts (the driver may hand
                    // over a query's rows before the server has run it).
                    var held: Int64?
                    for try await id in try await connection.query(
                        "SELECT txid_current()", logger: Logger(label: "test")
                    )
                    .decode(Int64.self) {
                        held = id
                    }
                    #expect(held != nil)
                    _ = try await scim.createUser("held@example.com")
                    let reply = try await scim.get(
                        "/api/v1/events?limit=100&after=\(start)", authorization: "Bearer \(secret)")
                    #expect(reply.status == 200)
                    var sessions = ""
                    if reply["data"]?.arrayValue?.isEmpty != true {
                        try await client.withConnection { other in
                            for try await (pid, state, xid, query) in try await other.query(
                                "SELECT pid, state, COALESCE(backend_xid::text, '-'), left(query, 80) FROM pg_stat_activity WHERE datname = current_database()",
                                logger: Logger(label: "diagnostic")
                            ).decode((Int32, String?, String, String).self) {
                                sessions += "\n\(pid) \(state ?? "-") xid=\(xid) \(query)"
                            }
                        }
                    }
                    #expect(reply["data"]?.arrayValue?.isEmpty == true, "\(reply.text)\(sessions)")
                    #expect(reply["has_more"] == .bool(true))
                    try await connection.query("COMMIT")
                }
            }
            let (events, _) = try await Self.readAll(scim, secret: secret, after: start)
            #expect(Self.types(events) == ["user.created"])
        }
    }

    /// Concurrent adds, removes and replacements of one group's members: replaying the membership events gives
    /// the members the group really has, and a replacement leaves exactly the members it names.
    @Test func membershipEventsReplayToTheGroupsRealMembers() async throws {
        try await TestServer.run { server, scim in
            let secret = try await Self.application(server)
            var created: [String] = []
            for index in 0..<8 { created.append(try await scim.createUser("m\(index)@example.com")) }
            let users = created
            let group = try await scim.createGroup("Racing", members: [users[0]])
            let patch = { @Sendable (operations: String) in
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[\#(operations)]}"#
            }
            let list = { @Sendable (ids: [String]) in ids.map { #"{"value":"\#($0)"}"# }.joined(separator: ",") }
            await withTaskGroup(of: Void.self) { tasks in
                for worker in 0..<6 {
                    tasks.addTask {
                        for round in 0..<8 {
                            let some = [users[(worker + round) % 8], users[(worker * 3 + round) % 8]]
                            let operation =
                                switch (worker + round) % 3 {
                                case 0: #"{"op":"add","path":"members","value":[\#(list(some))]}"#
                                case 1: #"{"op":"remove","path":"members","value":[\#(list(some))]}"#
                                default: #"{"op":"replace","path":"members","value":[\#(list(some))]}"#
                                }
                            let status = try? await scim.patch("Groups/\(group)", patch(operation)).status
                            #expect(status == 200 || status == 204)
                        }
                    }
                }
            }
            var replayed = Set<String>()
            for event in try await Self.readAll(scim, secret: secret).events {
                let ids = (event["data"]?["members"]?.arrayValue ?? []).compactMap(\.stringValue)
                switch event["type"]?.stringValue {
                case "group.members_added":
                    #expect(replayed.isDisjoint(with: ids), "told added while a member: \(ids)")
                    replayed.formUnion(ids)
                case "group.members_removed":
                    #expect(Set(ids).isSubset(of: replayed), "told removed while not a member: \(ids)")
                    replayed.subtract(ids)
                default: break
                }
            }
            let real = try await scim.get("Groups/\(group)")
            let members = Set((real["members"]?.arrayValue ?? []).compactMap { $0["value"]?.stringValue })
            #expect(replayed == members)
            // A replacement alone leaves exactly what it names.
            #expect(
                [200, 204].contains(
                    try await scim.patch(
                        "Groups/\(group)", patch(#"{"op":"replace","path":"members","value":[\#(list([users[7]]))]}"#)
                    ).status))
            let after = try await scim.get("Groups/\(group)")
            #expect((after["members"]?.arrayValue ?? []).compactMap { $0["value"]?.stringValue } == [users[7]])
        }
    }

    @Test func theRequestIDIsTheResponsesOne() async throws {
        try await TestServer.run { server, scim in
            let secret = try await Self.application(server)
            let reply = try await scim.post(
                "Users", #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"cy@example.com"}"#)
            let requestID = try #require(reply.headers[HTTPField.Name("X-Request-Id")!])
            let (events, _) = try await Self.readAll(scim, secret: secret)
            #expect(events.first?["request"] == .string(requestID))
        }
    }

    @Test func aRefusedChangeLeavesNoEvent() async throws {
        try await TestServer.run { server, scim in
            let secret = try await Self.application(server)
            let ann = try await scim.createUser("ann@example.com")
            let user = #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ANN@example.com"}"#
            #expect(try await scim.post("Users", user).status == 409)
            let patch =
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"#
                + #""Operations":[{"op":"replace","path":"title","value":"CTO"}]}"#
            #expect(try await scim.patch("Users/\(ann)", patch, headers: [.ifMatch: #"W/"9""#]).status == 412)
            let bad =
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"#
                + #""Operations":[{"op":"replace","path":"title","value":"CTO"},{"op":"replace","path":"nope","value":1}]}"#
            #expect(try await scim.patch("Users/\(ann)", bad).status == 400)
            #expect(try await scim.delete("Users/nobody").status == 404)
            let (events, _) = try await Self.readAll(scim, secret: secret)
            #expect(Self.types(events) == ["user.created"])
            let stored = try await server.store.resources.fetch(.user, id: ann, in: .default)
            #expect(stored?.body["title"] == nil, "the refused PATCH changed nothing")
        }
    }

    @Test func aPatchOfThousandsOfMembersIsAFewBoundedEvents() async throws {
        try await TestServer.run { server, scim in
            let secret = try await Self.application(server)
            let now = Date()
            let users = (0..<2500).map { index in
                StoredResource(
                    id: "user-\(index)", kind: .user, version: 1, created: now, lastModified: now,
                    body: ["userName": .string("member\(index)@example.com")])
            }
            try await server.store.resources.insertMany(users, in: .default)
            let group = try await scim.createGroup("Everyone")
            let list = users.map { #"{"value":"\#($0.id)"}"# }.joined(separator: ",")
            let patch =
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"#
                + #""Operations":[{"op":"add","path":"members","value":[\#(list)]}]}"#
            #expect([200, 204].contains(try await scim.patch("Groups/\(group)", patch).status))
            let (events, _) = try await Self.readAll(scim, secret: secret)
            #expect(Self.types(events) == ["group.created"] + Array(repeating: "group.members_added", count: 3))
            let told = events.dropFirst().flatMap { $0["data"]?["members"]?.arrayValue ?? [] }
            #expect(events.dropFirst().map { $0["data"]?["members"]?.arrayValue?.count ?? 0 } == [1000, 1000, 500])
            #expect(Set(told.compactMap(\.stringValue)) == Set(users.map(\.id)))
        }
    }

    /// Writers race a reader that pages with a small limit: each event is read exactly once, in order.
    @Test func cursorsNeverSkipOrRepeatWhileWritesContinue() async throws {
        try await TestServer.run { server, scim in
            let secret = try await Self.application(server)
            let done = Mutexed(0)
            let writers = (0..<4).map { writer in
                Task {
                    defer { done.update { $0 += 1 } }
                    for index in 0..<30 {
                        let id = try await scim.createUser("w\(writer)-\(index)@example.com")
                        if index % 3 == 0 { #expect(try await scim.delete("Users/\(id)").status == 204) }
                    }
                }
            }
            var seen: [JSON] = []
            var cursor: String?
            var finished = false
            while !finished {
                finished = done.value == writers.count
                let (events, next) = try await Self.readAll(scim, secret: secret, after: cursor, limit: 7)
                seen += events
                cursor = next
            }
            for writer in writers { try await writer.value }
            seen += try await Self.readAll(scim, secret: secret, after: cursor, limit: 7).events
            let ids = seen.compactMap { $0["id"]?.stringValue }
            #expect(ids.count == Set(ids).count, "an event was read twice")
            #expect(ids.count == 160, "every event was read (120 creations, 40 deletions): \(ids.count)")
            #expect(seen.map { $0["sequence"]?.intValue ?? 0 } == Array(1...160), "in sequence order")
        }
    }

    @Test func oneOrganizationsFeedAndTypes() async throws {
        try await TestServer.run { server, scim in
            let secret = try await Self.application(server)
            let organizations = server.services.organizations
            let acme = try await organizations.create(name: "Acme")
            let acmeToken = try await organizations.directory(for: acme.key).createToken(
                description: "Acme's Okta", status: .active
            ).secret
            let acmeSCIM = SCIMClient(client: scim.client, token: acmeToken)
            _ = try await scim.createUser("home@example.com")
            let acmeUser = try await acmeSCIM.createUser("one@acme.com")
            _ = try await acmeSCIM.createUser("two@acme.com")
            #expect(try await acmeSCIM.delete("Users/\(acmeUser)").status == 204)

            let (all, _) = try await Self.readAll(scim, secret: secret)
            #expect(all.count == 5)
            let (acmeEvents, acmeCursor) = try await Self.readAll(
                scim, secret: secret, query: "&organization=\(acme.id)")
            #expect(
                Self.types(acmeEvents) == ["organization.created", "user.created", "user.created", "user.deleted"])
            #expect(acmeEvents.map { $0["sequence"]?.intValue ?? 0 } == [1, 2, 3, 4], "each organization has its own")
            #expect(acmeEvents.allSatisfy { $0["organization"]?.stringValue == acme.id })
            let (deletions, past) = try await Self.readAll(
                scim, secret: secret, query: "&types=user.deleted,group.deleted")
            #expect(Self.types(deletions) == ["user.deleted"])
            // A reader of a rare type moves past what it looked at: from its cursor, only later events.
            let moved = try await scim.get(
                "/api/v1/events?types=user.created&after=\(past)", authorization: "Bearer \(secret)")
            #expect(moved["data"] == .array([]), "\(moved.text)")

            // An organization's cursor reads on in that organization only, and not without it.
            _ = try await acmeSCIM.createUser("three@acme.com")
            let (later, _) = try await Self.readAll(
                scim, secret: secret, query: "&organization=\(acme.id)", after: acmeCursor)
            #expect(later.map { $0["sequence"]?.intValue ?? 0 } == [5])
            let foreign = try await scim.get(
                "/api/v1/events?after=\(acmeCursor)", authorization: "Bearer \(secret)")
            #expect(foreign.status == 400)
            #expect(foreign["error"] == .string("invalid_cursor"))
            let unknown = try await scim.get("/api/v1/events?organization=nope", authorization: "Bearer \(secret)")
            #expect(unknown.status == 404)
        }
    }

    /// An organization's creation, renaming, new domains and deletion are told; once deleted, its data goes and
    /// every event of it but the deletion's, which stays (and its organization's row, unlisted) until retention.
    @Test func organizationChangesAreToldAndItsDeletionOutlivesItsData() async throws {
        try await TestServer.run { server, scim in
            let secret = try await Self.application(server)
            let organizations = server.services.organizations
            let acme = try await organizations.create(name: "Acme", domains: ["acme.com"])
            _ = try await organizations.rename(id: acme.id, to: "Acme Corp")
            _ = try await organizations.rename(id: acme.id, to: "Acme Corp")  // no change, no event
            _ = try await organizations.setDomains(id: acme.id, ["acme.com", "acme.io"])
            let token = try await organizations.directory(for: acme.key).createToken(
                description: "Okta", status: .active)
            _ = try await SCIMClient(client: scim.client, token: token.secret).createUser("one@acme.com")
            try await organizations.delete(id: acme.id)
            await #expect(throws: SCIMError.self) { try await organizations.delete(id: acme.id) }

            let (events, _) = try await Self.readAll(scim, secret: secret)
            #expect(
                Self.types(events) == [
                    "organization.created", "organization.updated", "organization.updated", "user.created",
                    "organization.deleted",
                ])
            #expect(events.allSatisfy { $0["organization"]?.stringValue == acme.id })
            #expect(events.map { $0["sequence"]?.intValue ?? 0 } == [1, 2, 3, 4, 5])
            let renamed = try #require(events.dropFirst().first?["data"])
            #expect(renamed["object"]?["name"] == "Acme Corp")
            #expect(renamed["previous"] == .object(["name": "Acme"]))
            #expect(events[2]["data"]?["previous"] == .object(["domains": ["acme.com"]]))
            #expect(events[2]["data"]?["object"]?["domains"] == ["acme.com", "acme.io"])
            #expect(events[4]["data"]?["object"]?["id"] == .string(acme.id))

            // The purge, once the grace for requests under way has passed, removes the user and its event.
            let later = Organizations(
                stores: server.store, baseURL: TestServer.scimBase,
                clock: { Date().addingTimeInterval(Organizations.deletionGrace + 1) })
            while try await later.isBeingDeleted(acme.key) { _ = try await later.purgeStep() }
            let (kept, cursor) = try await Self.readAll(scim, secret: secret)
            #expect(Self.types(kept) == ["organization.deleted"])
            // Its own feed still tells it, to a reader of that organization only.
            let (own, _) = try await Self.readAll(scim, secret: secret, query: "&organization=\(acme.id)")
            #expect(Self.types(own) == ["organization.deleted"])
            #expect(kept.first?["organization"]?.stringValue == acme.id)
            #expect(try await organizations.list().map(\.id) == [organizations.list()[0].id])
            #expect(try await server.store.events.lastSequences()[acme.key] == 5)

            // Retention takes the last event, and the organization's row and sequence with it.
            try await Task.sleep(for: .milliseconds(5))
            #expect(try await organizations.applications.prune(retention: 0) == 1)
            #expect(try await server.store.events.lastSequences()[acme.key] == nil)
            let after = try await scim.get("/api/v1/events?after=\(cursor)", authorization: "Bearer \(secret)")
            #expect(after.status == 200, "\(after.text)")
        }
    }

    @Test func badRequestsGetClearErrors() async throws {
        try await TestServer.run { server, scim in
            let secret = try await Self.application(server)
            _ = try await scim.createUser("ann@example.com")
            let (_, cursor) = try await Self.readAll(scim, secret: secret)
            for (query, code) in [
                ("limit=0", "invalid_limit"), ("limit=1001", "invalid_limit"), ("limit=ten", "invalid_limit"),
                ("types=user.exploded", "invalid_type"), ("after=nonsense", "invalid_cursor"),
                ("after=\(cursor.dropLast())", "invalid_cursor"), ("after=\(cursor)A", "invalid_cursor"),
            ] {
                let reply = try await scim.get("/api/v1/events?\(query)", authorization: "Bearer \(secret)")
                #expect(reply.status == 400, "\(query): \(reply.text)")
                #expect(reply["error"] == .string(code), "\(query): \(reply.text)")
                #expect((reply["detail"]?.stringValue ?? "").isEmpty == false)
            }
            // A paging cursor of the SCIM API is not a feed cursor, though sealed with the same key.
            let page = try await scim.get("Users?count=1&cursor=")
            let scimCursor = try #require(page["nextCursor"]?.stringValue ?? page["previousCursor"]?.stringValue ?? "x")
            #expect(
                try await scim.get("/api/v1/events?after=\(scimCursor)", authorization: "Bearer \(secret)").status
                    == 400)
            for authorization in [
                "", "Bearer ", "Bearer roster_app_nope", "Bearer \(scim.token)", "Basic \(secret)", "Bearer \(secret)x",
            ] {
                let reply = try await scim.get("/api/v1/events", authorization: authorization)
                #expect(reply.status == 401, "\(authorization)")
                #expect(reply.headers[.wwwAuthenticate] == "Bearer")
                #expect(reply["error"] == .string("unauthorized"))
            }
        }
    }

    @Test func aCursorIntoDeletedEventsSaysToResynchronize() async throws {
        try await TestServer.run { server, scim in
            let secret = try await Self.application(server)
            let organizations = server.services.organizations
            let acme = try await organizations.create(name: "Acme")
            _ = try await scim.createUser("ann@example.com")
            let (_, early) = try await Self.readAll(scim, secret: secret)
            let (_, earlyAcme) = try await Self.readAll(scim, secret: secret, query: "&organization=\(acme.id)")
            _ = try await scim.createUser("bob@example.com")
            let acmeToken = try await organizations.directory(for: acme.key).createToken(
                description: "Acme", status: .active
            ).secret
            _ = try await SCIMClient(client: scim.client, token: acmeToken).createUser("one@acme.com")
            try await Task.sleep(for: .milliseconds(5))
            // Retention of nothing: every event so far goes.
            #expect(try await organizations.applications.prune(retention: 0) == 4)
            for (query, cursor) in [("", early), ("&organization=\(acme.id)", earlyAcme)] {
                let reply = try await scim.get(
                    "/api/v1/events?after=\(cursor)\(query)", authorization: "Bearer \(secret)")
                #expect(reply.status == 400, "\(reply.text)")
                #expect(reply["error"] == .string("expired_cursor"))
                #expect(reply["detail"]?.stringValue?.contains("resynchronize") == true)
            }
            // Read from the start, the feed goes on after what was deleted.
            _ = try await scim.createUser("cy@example.com")
            let (events, _) = try await Self.readAll(scim, secret: secret)
            #expect(Self.types(events) == ["user.created"])
            #expect(events.first?["sequence"]?.intValue == 3)
        }
    }

    /// Every page of a read API list.
    static func readPages(_ scim: SCIMClient, secret: String, _ path: String, limit: Int) async throws -> [JSON] {
        var items: [JSON] = []
        var cursor: String?
        for _ in 0..<100 {
            let reply = try await scim.get(
                "\(path)?limit=\(limit)" + (cursor.map { "&after=\($0)" } ?? ""), authorization: "Bearer \(secret)")
            try #require(reply.status == 200, "\(reply.text)")
            items += reply["data"]?.arrayValue ?? []
            guard let next = reply["next_cursor"]?.stringValue else {
                #expect(reply["has_more"] == .bool(false))
                break
            }
            cursor = next
        }
        return items
    }

    @Test func theReadAPIResynchronizesAndTheLatestCursorFollowsOn() async throws {
        try await TestServer.run { server, scim in
            let secret = try await Self.application(server)
            var users: [String] = []
            for index in 0..<25 { users.append(try await scim.createUser("r\(index)@example.com")) }
            let big = try await scim.createGroup("Big", members: Array(users.prefix(23)))
            let small = try await scim.createGroup("Small", members: [users[0]])
            let organization = try await server.services.organizations.organization(key: .default).id

            let organizations = try await scim.get("/api/v1/organizations", authorization: "Bearer \(secret)")
            #expect(organizations["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [organization])
            let base = "/api/v1/organizations/\(organization)"
            let listed = try await Self.readPages(scim, secret: secret, "\(base)/users", limit: 10)
            #expect(listed.compactMap { $0["id"]?.stringValue } == users, "every user once, oldest first")
            #expect(listed.first?["groups"]?.arrayValue?.count == 2, "users with their groups")
            let groups = try await Self.readPages(scim, secret: secret, "\(base)/groups", limit: 1)
            #expect(groups.compactMap { $0["displayName"]?.stringValue } == ["Big", "Small"])
            #expect(groups.allSatisfy { $0["members"] == nil }, "members have pages of their own")
            let members = try await Self.readPages(scim, secret: secret, "\(base)/groups/\(big)/members", limit: 7)
            #expect(Set(members.compactMap { $0["value"]?.stringValue }) == Set(users.prefix(23)))
            #expect(members.count == 23)
            #expect(members.first?["display"]?.stringValue?.hasPrefix("r") == true)

            let one = try await scim.get("\(base)/users/\(users[3])", authorization: "Bearer \(secret)")
            #expect(one["userName"] == .string("r3@example.com"))
            for path in [
                "\(base)/users/nobody", "/api/v1/organizations/nowhere/users", "\(base)/groups/nothing/members",
            ] {
                let missing = try await scim.get(path, authorization: "Bearer \(secret)")
                #expect(missing.status == 404, "\(path): \(missing.text)")
                #expect(missing["error"] == .string("not_found"), "\(path): \(missing.text)")
            }
            // A member page's cursor is bound to its group.
            let first = try await scim.get("\(base)/groups/\(big)/members?limit=5", authorization: "Bearer \(secret)")
            let cursor = try #require(first["next_cursor"]?.stringValue)
            let foreign = try await scim.get(
                "\(base)/groups/\(small)/members?after=\(cursor)", authorization: "Bearer \(secret)")
            #expect(foreign.status == 400)
            #expect(foreign["error"] == .string("invalid_cursor"))
            let unauthenticated = try await scim.get("\(base)/users", authorization: "Bearer \(scim.token)")
            #expect(unauthenticated.status == 401)

            // Take the feed's end first, read the directory, then follow from it: only later changes come.
            for query in ["", "?organization=\(organization)"] {
                let latest = try await scim.get("/api/v1/events/latest\(query)", authorization: "Bearer \(secret)")
                let cursor = try #require(latest["next_cursor"]?.stringValue, "\(latest.text)")
                let newcomer = try await scim.createUser("new\(query.count)@example.com")
                let (events, _) = try await Self.readAll(
                    scim, secret: secret, query: query.isEmpty ? "" : "&" + query.dropFirst(), after: cursor)
                #expect(events.compactMap { $0["data"]?["object"]?["id"]?.stringValue } == [newcomer])
            }
        }
    }
}
