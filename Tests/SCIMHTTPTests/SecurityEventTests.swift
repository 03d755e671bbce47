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
                by: application, longPoll: .zero)
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
                by: application, longPoll: .zero)
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

    @Test func aRotatedKeySignsAndTheOneBeforeStaysPublished() async throws {
        try await TestServer.run { server, scim in
            let organizations = server.services.organizations
            let secret = try await organizations.applications.create(name: "Replica", redirectURIs: []).secret
            _ = try await Self.poll(scim, secret: secret, #"{"returnImmediately":true}"#)
            _ = try await scim.createUser("a@example.com")
            let before = try Self.verified(
                try await Self.poll(scim, secret: secret, #"{"returnImmediately":true}"#),
                keys: try await Self.keys(scim))
            let old = try #require(before.first?.header["kid"]?.stringValue)
            let new = try await organizations.rotateSigningKey()
            #expect(new != old)
            _ = try await scim.createUser("b@example.com")
            let keys = try await Self.keys(scim)
            #expect(Set(keys["keys"]?.arrayValue?.compactMap { $0["kid"]?.stringValue } ?? []) == [old, new])
            let after = try Self.verified(
                try await Self.poll(scim, secret: secret, #"{"returnImmediately":true}"#), keys: keys)
            #expect(after.map { $0.header["kid"] } == [.string(new)])
            #expect(keys["keys"]?.arrayValue?.allSatisfy { $0["d"] == nil && $0["p"] == nil } == true, "public only")
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
