import Directory
import Foundation
import HTTPTypes
import RosterTestSupport
import SCIMCore
import Testing
import _CryptoExtras

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The event feed as SCIM security events (RFC 9967) taken by polling (RFC 8936): each user and group event a SET
/// signed by a key published at `/.well-known/jwks.json`, handed out until acknowledged, again after
/// `redeliveryAfter` when not, with clear errors for a bad poll. (`SecurityEventPeerTests` verifies the same SETs
/// with PyJWT.)
@Suite(.serialized) struct SecurityEventTests {
    static let patchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
    static let prov = "urn:ietf:params:scim:event:prov:"

    /// Polls with `body` and returns the reply.
    static func poll(_ scim: SCIMClient, secret: String, _ body: String) async throws -> SCIMReply {
        try await scim.send(.post, "/api/v1/security-events", body: body, authorization: "Bearer \(secret)")
    }

    /// The SETs of a reply, checked against the published keys and decoded: (jti, header, claims).
    static func verified(_ reply: SCIMReply, keys: JSON) throws -> [(id: String, header: JSON, claims: JSON)] {
        try #require(reply.status == 200, "\(reply.text)")
        let sets = try #require(reply["sets"]?.objectValue, "\(reply.text)")
        return try sets.members.map { id, token in
            let parts = try #require(token.stringValue).split(separator: ".", omittingEmptySubsequences: false)
            try #require(parts.count == 3)
            let header = try JSON.parse(try #require(Base64URL.decode(parts[0])))
            let claims = try JSON.parse(try #require(Base64URL.decode(parts[1])))
            let kid = try #require(header["kid"]?.stringValue)
            let jwk = try #require(keys["keys"]?.arrayValue?.first { $0["kid"]?.stringValue == kid }, "kid \(kid)")
            let n = try #require(jwk["n"]?.stringValue)
            let e = try #require(jwk["e"]?.stringValue)
            let key = try _RSA.Signing.PublicKey(
                n: try #require(Base64URL.decode(n)), e: try #require(Base64URL.decode(e)))
            let signature = _RSA.Signing.RSASignature(rawRepresentation: try #require(Base64URL.decode(parts[2])))
            #expect(
                key.isValidSignature(signature, for: Data("\(parts[0]).\(parts[1])".utf8), padding: .insecurePKCS1v1_5),
                "\(id) verifies with the published key")
            return (id, header, claims)
        }
    }

    static func keys(_ scim: SCIMClient) async throws -> JSON {
        let reply = try await scim.send(.get, "/.well-known/jwks.json", authorization: "")
        #expect(reply.status == 200)
        #expect(reply.contentType == "application/jwk-set+json")
        return try #require(reply.json)
    }

    @Test func eachChangeIsASignedSETOfItsKind() async throws {
        try await TestServer.run { server, scim in
            let (application, secret) = try await server.services.organizations.applications.create(
                name: "Replica", redirectURIs: [])
            // The stream starts at the first poll, as a new webhook starts after what was written.
            _ = try await scim.createUser("before@example.com")
            let first = try await Self.poll(scim, secret: secret, #"{"returnImmediately":true}"#)
            #expect(first.status == 200)
            #expect(first["sets"] == .object([:]), "\(first.text)")

            let ann = try await scim.createUser("ann@example.com", extra: #","externalId":"00u1""#)
            let patch = #"{"schemas":["\#(Self.patchOp)"],"Operations":[{"op":"replace","value":{"active":false}}]}"#
            #expect(try await scim.patch("Users/\(ann)", patch).status == 200)
            let group = try await scim.createGroup("Engineering", members: [ann])
            let removal = #"{"schemas":["\#(Self.patchOp)"],"Operations":[{"op":"remove","path":"members"}]}"#
            let emptied = try await scim.patch("Groups/\(group)", removal)
            #expect(emptied.status == 200 || emptied.status == 204, "\(emptied.text)")
            #expect(try await scim.delete("Users/\(ann)").status == 204)
            _ = try await server.services.organizations.create(name: "Acme")  // no SCIM resource: no SET

            let keys = try await Self.keys(scim)
            let reply = try await Self.poll(scim, secret: secret, #"{"returnImmediately":true}"#)
            let sets = try Self.verified(reply, keys: keys)
            #expect(reply["moreAvailable"] == .bool(false))
            let (events, _) = try await EventFeedTests.readAll(scim, secret: secret)
            let told = events.filter { !($0["type"]?.stringValue ?? "").hasPrefix("organization.") }.dropFirst()
            #expect(sets.map(\.id) == told.map { $0["id"]?.stringValue ?? "" }, "each event once, in the feed's order")
            let uris = sets.map { $0.claims["events"]?.objectValue?.keys.sorted() ?? [] }
            #expect(
                uris == [
                    [Self.prov + "create:full"], [Self.prov + "deactivate", Self.prov + "put:full"],
                    [Self.prov + "create:full"], [Self.prov + "patch:full"], [Self.prov + "patch:full"],
                    [Self.prov + "delete"],
                ])
            for (_, header, claims) in sets {
                #expect(header["alg"] == "RS256")
                #expect(header["typ"] == "secevent+jwt")
                #expect(claims["iss"] == .string(TestServer.publicURL))
                #expect(claims["aud"] == .string(application.clientID))
                #expect(claims["sub"] == nil && claims["exp"] == nil)
                #expect(claims["sub_id"]?["format"] == "scim")
                #expect(claims["txn"]?.stringValue?.isEmpty == false)
                #expect(claims["iat"]?.intValue != nil)
            }
            let created = sets[0].claims
            #expect(
                created["sub_id"]
                    == .object([
                        "format": "scim", "uri": .string("/Users/\(ann)"), "id": .string(ann), "externalId": "00u1",
                    ]))
            let data = try #require(created["events"]?[Self.prov + "create:full"])
            #expect(data["data"]?["userName"] == "ann@example.com")
            #expect(data["version"] == data["data"]?["meta"]?["version"])
            #expect(sets[1].claims["events"]?[Self.prov + "put:full"]?["data"]?["active"] == .bool(false))
            let added = try #require(sets[3].claims["events"]?[Self.prov + "patch:full"]?["data"])
            #expect(sets[3].claims["sub_id"]?["uri"] == .string("/Groups/\(group)"))
            #expect(added["schemas"] == [.string(Self.patchOp)])
            let member: JSON = .object(["value": .string(ann), "$ref": .string("/Users/\(ann)")])
            #expect(
                added["Operations"] == .array([.object(["op": "add", "path": "members", "value": .array([member])])]))
            let removed: JSON = .object(["op": "remove", "path": .string(#"members[value eq "\#(ann)"]"#)])
            #expect(sets[4].claims["events"]?[Self.prov + "patch:full"]?["data"]?["Operations"] == .array([removed]))
            #expect(sets[5].claims["events"]?[Self.prov + "delete"] == .object([:]))
            #expect(sets[5].claims["sub_id"]?["uri"] == .string("/Users/\(ann)"))
        }
    }

    @Test func whatIsNotAcknowledgedIsHandedOutAgainAndWhatIsIsNot() async throws {
        try await TestServer.run { server, scim in
            let secret = try await server.services.organizations.applications.create(name: "Replica", redirectURIs: [])
                .secret
            _ = try await Self.poll(scim, secret: secret, #"{"returnImmediately":true}"#)
            for index in 0..<5 { _ = try await scim.createUser("u\(index)@example.com") }
            let keys = try await Self.keys(scim)
            let firstReply = try await Self.poll(scim, secret: secret, #"{"maxEvents":3,"returnImmediately":true}"#)
            let first = try Self.verified(firstReply, keys: keys)
            #expect(first.count == 3)
            #expect(firstReply["moreAvailable"] == .bool(true))
            // Acknowledging two, the next poll brings the other two new ones; the unacknowledged one is not yet due.
            let ack = #"["\#(first[0].id)","\#(first[1].id)"]"#
            let second = try Self.verified(
                try await Self.poll(scim, secret: secret, #"{"ack":\#(ack),"returnImmediately":true}"#), keys: keys)
            #expect(second.count == 2)
            #expect(Set(second.map(\.id)).isDisjoint(with: first.map(\.id)))

            // Past the redelivery delay (a clock that far ahead), the unacknowledged ones come again, the same SETs.
            let later = Organizations(
                stores: server.store, baseURL: TestServer.scimBase,
                clock: { Date().addingTimeInterval(Applications.redeliveryAfter + 1) })
            let application = try #require(try await later.applications.list().first)
            let again = try await later.applications.poll(
                SecurityEventPoll(acknowledged: [], refused: [:], maxEvents: nil, returnImmediately: true),
                by: application, longPoll: .zero
            ).batch
            #expect(Set(again.sets.map(\.id)) == Set([first[2].id] + second.map(\.id)))
            let tokens = Dictionary(uniqueKeysWithValues: (first + second).map { ($0.id, $0) })
            for (id, token) in again.sets {
                let parts = token.split(separator: ".")
                #expect(try JSON.parse(Base64URL.decode(parts[1]) ?? Data()) == tokens[id]?.claims)
            }
            // Acknowledged (one refused by the receiver counts as taken), nothing is handed out again.
            let done = (again.sets.map(\.id).dropFirst().map { #""\#($0)""# }).joined(separator: ",")
            let refused = again.sets[0].id
            let closing = try await Self.poll(
                scim, secret: secret,
                #"{"ack":[\#(done)],"setErrs":{"\#(refused)":{"err":"invalid_key","description":"no"}},"maxEvents":0}"#)
            #expect(closing["sets"] == .object([:]))
            let none = try await later.applications.poll(
                SecurityEventPoll(acknowledged: [], refused: [:], maxEvents: nil, returnImmediately: true),
                by: application, longPoll: .zero
            ).batch
            #expect(none.sets.isEmpty)
        }
    }

    @Test func aLongPollAnswersWhenAnEventIsWritten() async throws {
        try await TestServer.run { server, scim in
            let secret = try await server.services.organizations.applications.create(name: "Replica", redirectURIs: [])
                .secret
            _ = try await Self.poll(scim, secret: secret, #"{"returnImmediately":true}"#)
            // On a connection of its own: the test client sends one request at a time.
            let port = try #require(scim.client.port)
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/v1/security-events")!)
            request.httpMethod = "POST"
            request.httpBody = Data("{}".utf8)
            request.setValue("Bearer \(secret)", forHTTPHeaderField: "Authorization")
            request.timeoutInterval = 60
            let waiting = Task { [request] in try await URLSession.shared.data(for: request) }
            try await Task.sleep(for: .milliseconds(300))
            let id = try await scim.createUser("late@example.com")
            let (data, _) = try await waiting.value
            let reply = try JSON.parse(Array(data))
            let tokens = reply["sets"]?.objectValue?.members.compactMap { $0.value.stringValue } ?? []
            let subjects = try tokens.map { token in
                try JSON.parse(Base64URL.decode(token.split(separator: ".")[1]) ?? Data())["sub_id"]?["id"]
            }
            #expect(subjects == [.string(id)], "\(reply)")
        }
    }

    /// A new key is published at once and signs only once verifiers' cached key sets have expired; the one
    /// before stays published.
    @Test func aRotatedKeyIsPublishedBeforeItSigns() async throws {
        try await TestServer.run { server, scim in
            let organizations = server.services.organizations
            let (application, secret) = try await organizations.applications.create(name: "Replica", redirectURIs: [])
            _ = try await Self.poll(scim, secret: secret, #"{"returnImmediately":true}"#)
            _ = try await scim.createUser("a@example.com")
            let before = try Self.verified(
                try await Self.poll(scim, secret: secret, #"{"returnImmediately":true}"#),
                keys: try await Self.keys(scim))
            let old = try #require(before.first?.header["kid"]?.stringValue)
            let new = try await organizations.rotateSigningKey()
            #expect(new.id != old)
            let keys = try await Self.keys(scim)
            #expect(Set(keys["keys"]?.arrayValue?.compactMap { $0["kid"]?.stringValue } ?? []) == [old, new.id])
            #expect(keys["keys"]?.arrayValue?.allSatisfy { $0["d"] == nil && $0["p"] == nil } == true, "public only")
            _ = try await scim.createUser("b@example.com")
            let meanwhile = try Self.verified(
                try await Self.poll(scim, secret: secret, #"{"returnImmediately":true}"#), keys: keys)
            #expect(meanwhile.map { $0.header["kid"] } == [.string(old)], "not yet: a verifier may hold the old set")

            // Past the delay (a clock that far ahead): the new key signs, the old one stays published.
            let later = Organizations(
                stores: server.store, baseURL: TestServer.scimBase,
                clock: { Date().addingTimeInterval(Organizations.signingKeyActivation + 1) })
            _ = try await scim.createUser("c@example.com")
            let after = try await later.applications.poll(
                SecurityEventPoll(acknowledged: [], refused: [:], maxEvents: nil, returnImmediately: true),
                by: application, longPoll: .zero
            ).batch
            // The new one, and the two never acknowledged handed out again: all signed with the new key.
            #expect(after.sets.count == 3)
            for (_, token) in after.sets {
                let header = try JSON.parse(Base64URL.decode(token.split(separator: ".")[0]) ?? Data())
                #expect(header["kid"] == .string(new.id))
            }
            let published = try await later.jsonWebKeySet()["keys"]?.arrayValue?.compactMap { $0["kid"]?.stringValue }
            #expect(Set(published ?? []) == [old, new.id])
            let states = try await later.signingKeys()
            #expect(states.map(\.isSigning) == [true, false])
            // A week after, the old key is no longer published.
            let weekLater = Organizations(
                stores: server.store, baseURL: TestServer.scimBase,
                clock: { Date().addingTimeInterval(Organizations.signingKeyActivation + 8 * 86400) })
            let kept = try await weekLater.jsonWebKeySet()["keys"]?.arrayValue?.compactMap { $0["kid"]?.stringValue }
            #expect(kept == [new.id])
        }
    }

    /// Pollers of one application racing each other: each SET is handed to one, and one acknowledged never
    /// comes back.
    @Test func racingPollersNeverGetAnAcknowledgedSETAgain() async throws {
        try await TestServer.run { server, scim in
            let organizations = server.services.organizations
            let (application, _) = try await organizations.applications.create(name: "Replica", redirectURIs: [])
            let applications = organizations.applications
            let poll: @Sendable ([String]) async throws -> [String] = { ack in
                try await applications.poll(
                    SecurityEventPoll(acknowledged: ack, refused: [:], maxEvents: 5, returnImmediately: true),
                    by: application, longPoll: .zero
                ).batch.sets.map(\.id)
            }
            _ = try await poll([])
            for index in 0..<80 { _ = try await scim.createUser("r\(index)@example.com") }
            let taken = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        var mine: [String] = []
                        var last: [String] = []
                        for _ in 0..<5 {
                            last = try await poll(last)
                            mine += last
                        }
                        _ = try await poll(last)
                        return mine
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(taken.count == Set(taken).count, "each SET to one poller")
            let later = Organizations(
                stores: server.store, baseURL: TestServer.scimBase,
                clock: { Date().addingTimeInterval(Applications.redeliveryAfter + 1) })
            let again = try await later.applications.poll(
                SecurityEventPoll(acknowledged: [], refused: [:], maxEvents: nil, returnImmediately: true),
                by: application, longPoll: .zero
            ).batch
            // The racers may have left some SETs untaken (a poll can come back short while others claim): those
            // come back, as they should; an acknowledged one never does.
            let cameBack = Set(again.sets.map(\.id)).intersection(taken)
            #expect(cameBack.isEmpty, "acknowledged SETs came back: \(cameBack.count) of \(taken.count)")
            #expect(taken.count + Set(again.sets.map(\.id)).subtracting(taken).count == 80, "every SET is there once")
            // What the racers did not take is still there, each once.
            let rest = try await poll([])
            #expect(Set(rest).isDisjoint(with: taken))
        }
    }

    /// An organization's deletion is told to SET receivers (it takes every user and group, with no event for
    /// each); its creation and renaming are not (no SCIM resource).
    @Test func anOrganizationsDeletionIsASET() async throws {
        try await TestServer.run { server, scim in
            let organizations = server.services.organizations
            let (application, secret) = try await organizations.applications.create(name: "Replica", redirectURIs: [])
            _ = try await Self.poll(scim, secret: secret, #"{"returnImmediately":true}"#)
            let acme = try await organizations.create(name: "Acme")
            _ = try await organizations.rename(id: acme.id, to: "Acme Corp")
            try await organizations.delete(id: acme.id)
            let sets = try Self.verified(
                try await Self.poll(scim, secret: secret, #"{"returnImmediately":true}"#),
                keys: try await Self.keys(scim))
            #expect(sets.count == 1)
            let claims = try #require(sets.first?.claims)
            #expect(claims["sub_id"] == .object(["format": "opaque", "id": .string(acme.id)]))
            #expect(claims["events"]?[Applications.organizationDeletedURI]?["organization"]?["name"] == "Acme Corp")
            #expect(claims["aud"] == .string(application.clientID))
        }
    }

    /// A poll's answer is bounded in bytes as in count; what did not fit comes in the next.
    @Test func aPollsAnswerIsBoundedInBytes() async throws {
        try await TestServer.run { server, scim in
            let secret = try await server.services.organizations.applications.create(name: "Replica", redirectURIs: [])
                .secret
            _ = try await Self.poll(scim, secret: secret, #"{"returnImmediately":true}"#)
            let address = String(repeating: "a", count: 3900)
            let emails = (0..<220).map { #"{"value":"\#(address)\#($0)@example.com"}"# }.joined(separator: ",")
            for index in 0..<10 {
                let created = try await scim.post(
                    "Users", #"{"userName":"big\#(index)@example.com","emails":[\#(emails)]}"#)
                try #require(created.status == 201, "\(created.text.prefix(300))")
            }
            let first = try await Self.poll(scim, secret: secret, #"{"returnImmediately":true}"#)
            let firstCount = first["sets"]?.objectValue?.count ?? 0
            #expect((1..<10).contains(firstCount), "\(firstCount)")
            #expect(first.text.utf8.count < Applications.maxSecurityEventBytes + (2 << 20))
            #expect(first["moreAvailable"] == .bool(true))
            let ack = (first["sets"]?.objectValue?.keys ?? []).map { #""\#($0)""# }.joined(separator: ",")
            let second = try await Self.poll(scim, secret: secret, #"{"ack":[\#(ack)],"returnImmediately":true}"#)
            #expect((second["sets"]?.objectValue?.count ?? 0) == 10 - firstCount)
        }
    }

    /// Long polls of one application are bounded; a poll of an application removed meanwhile is refused (401),
    /// and redelivery filling a poll still says more is waiting.
    @Test func longPollsAreBoundedAndARemovedApplicationIsRefused() async throws {
        try await TestServer.run { server, scim in
            let applications = server.services.organizations.applications
            let (application, _) = try await applications.create(name: "Replica", redirectURIs: [])
            let wait = SecurityEventPoll(acknowledged: [], refused: [:], maxEvents: nil, returnImmediately: false)
            _ = try await applications.poll(
                SecurityEventPoll(acknowledged: [], refused: [:], maxEvents: 0, returnImmediately: true),
                by: application, longPoll: .zero)
            let outcomes = await withTaskGroup(of: Int.self) { group in
                for _ in 0..<(Applications.maxWaitingPolls + 2) {
                    group.addTask {
                        do {
                            // Long enough that all six are waiting or refused before the first ends, however
                            // slowly a loaded machine starts them.
                            _ = try await applications.poll(wait, by: application, longPoll: .seconds(10))
                            return 200
                        } catch let error as FeedError {
                            return error.status
                        } catch {
                            return 500
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == 200 }.count == Applications.maxWaitingPolls)
            #expect(outcomes.filter { $0 == 429 }.count == 2)

            // Redelivery fills a poll: it says more is waiting.
            for index in 0..<4 { _ = try await scim.createUser("m\(index)@example.com") }
            let two = SecurityEventPoll(acknowledged: [], refused: [:], maxEvents: 2, returnImmediately: true)
            _ = try await applications.poll(two, by: application, longPoll: .zero)
            let later = Organizations(
                stores: server.store, baseURL: TestServer.scimBase,
                clock: { Date().addingTimeInterval(Applications.redeliveryAfter + 1) })
            let again = try await later.applications.poll(two, by: application, longPoll: .zero).batch
            #expect(again.sets.count == 2)
            #expect(again.moreAvailable)

            #expect(try await applications.remove(id: application.id))
            await #expect(throws: FeedError.unauthorized) {
                _ = try await applications.poll(wait, by: application, longPoll: .zero)
            }
        }
    }

    @Test func aBadPollGetsAClearError() async throws {
        try await TestServer.run { server, scim in
            let secret = try await server.services.organizations.applications.create(name: "Replica", redirectURIs: [])
                .secret
            for body in [
                "", "[]", "nonsense", #"{"ack":"x"}"#, #"{"ack":[1]}"#, #"{"maxEvents":-1}"#, #"{"maxEvents":"3"}"#,
                #"{"returnImmediately":"yes"}"#, #"{"setErrs":{"x":{"description":"no code"}}}"#, #"{"unknown":1}"#,
            ] {
                let reply = try await Self.poll(scim, secret: secret, body)
                #expect(reply.status == 400, "\(body): \(reply.text)")
                #expect(reply["error"] == "invalid_request", "\(body)")
                #expect(reply["detail"]?.stringValue?.isEmpty == false)
            }
            let big = try await Self.poll(
                scim, secret: secret, #"{"ack":["\#(String(repeating: "x", count: 1 << 20))"]}"#)
            #expect(big.status == 413)
            for authorization in ["", "Bearer \(scim.token)", "Bearer roster_app_nope"] {
                let reply = try await scim.send(
                    .post, "/api/v1/security-events", body: "{}", authorization: authorization)
                #expect(reply.status == 401)
                #expect(reply.headers[.wwwAuthenticate] == "Bearer")
            }
        }
    }
}
