import Directory
import Foundation
import SCIMCore
import Testing

/// RFC 7644 §3.7 Bulk: each operation on its own, `bulkId` references resolved wherever an id goes and in any
/// order, circles refused, `failOnErrors`, and the advertised limits enforced.
@Suite(.serialized) struct BulkTests {
    static let userSchema = #""schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]"#
    static let groupSchema = #""schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"]"#

    static func bulk(_ operations: [String], failOnErrors: Int? = nil) -> String {
        let fail = failOnErrors.map { #""failOnErrors":\#($0),"# } ?? ""
        return #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],\#(fail)"Operations":["#
            + operations.joined(separator: ",") + "]}"
    }

    static func user(_ bulkId: String, _ userName: String, extra: String = "") -> String {
        #"{"method":"POST","path":"/Users","bulkId":"\#(bulkId)","data":{\#(userSchema),"userName":"\#(userName)"\#(extra)}}"#
    }

    static func operations(_ reply: SCIMReply) -> [JSON] { reply["Operations"]?.arrayValue ?? [] }

    static func statuses(_ reply: SCIMReply) -> [String] {
        operations(reply).map { $0["status"]?.stringValue ?? "?" }
    }

    static func id(_ operation: JSON) -> String? {
        operation["location"]?.stringValue?.split(separator: "/").last.map(String.init)
    }

    /// RFC 7644 §3.7.2's example, with the group written before the user it refers to.
    @Test func aGroupNamingAUserCreatedLaterInTheSameRequest() async throws {
        try await TestServer.run { server, scim in
            let reply = try await scim.post(
                "Bulk",
                Self.bulk([
                    #"{"method":"POST","path":"/Groups","bulkId":"ytrewq","data":{\#(Self.groupSchema),"#
                        + #""displayName":"Tour Guides","members":[{"type":"User","value":"bulkId:qwerty"}]}}"#,
                    Self.user("qwerty", "Alice", extra: #","name":{"givenName":"Alice","familyName":"Smith"}"#),
                ]))
            #expect(reply.status == 200, "\(reply.text)")
            #expect(reply["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:BulkResponse"])
            let operations = Self.operations(reply)
            #expect(Self.statuses(reply) == ["201", "201"], "\(reply.text)")
            #expect(operations.map { $0["bulkId"]?.stringValue } == ["ytrewq", "qwerty"])
            #expect(
                operations.allSatisfy { $0["method"] == "POST" && $0["version"]?.stringValue?.hasPrefix("W/") == true })
            let groupLocation = try #require(operations[0]["location"]?.stringValue)
            #expect(groupLocation.hasPrefix(TestServer.scimBase + "/Groups/"))
            let userID = try #require(Self.id(operations[1]))
            let group = try await scim.get("Groups/\(try #require(Self.id(operations[0])))")
            #expect(group["members"]?.arrayValue?.map { $0["value"]?.stringValue } == [userID])
            // Each operation is in the activity log as the request it stands for, with its provenance.
            let events = try await server.directory.activity(ActivityQuery(limit: 10))
            #expect(events.contains { $0.method == "POST" && $0.status == 201 && $0.resourceID == userID })
            #expect(try await server.directory.provenance(of: userID) != nil)
        }
    }

    /// The four methods in one request, each with its own status, version checks as `If-Match` would.
    @Test func postPutPatchAndDeleteEachAnswerForThemselves() async throws {
        try await TestServer.run { _, scim in
            let bob = try await scim.createUser("bob@example.com")
            let carol = try await scim.createUser("carol@example.com")
            let team = try await scim.createGroup("Team")
            let reply = try await scim.post(
                "Bulk",
                Self.bulk([
                    Self.user("dan", "dan@example.com"),
                    #"{"method":"PUT","path":"/Users/\#(bob)","version":"W/\"1\"","data":{\#(Self.userSchema),"#
                        + #""userName":"bob@example.com","displayName":"Bob B","active":true}}"#,
                    #"{"method":"PATCH","path":"/Groups/\#(team)","data":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"#
                        + #""Operations":[{"op":"add","path":"members","value":[{"value":"bulkId:dan"},{"value":"\#(bob)"}]}]}}"#,
                    #"{"method":"DELETE","path":"/Users/\#(carol)","version":"W/\"7\""}"#,
                    #"{"method":"DELETE","path":"/Users/\#(carol)"}"#,
                    #"{"method":"DELETE","path":"/Users/\#(carol)"}"#,
                ]))
            #expect(Self.statuses(reply) == ["201", "200", "200", "412", "204", "404"], "\(reply.text)")
            let operations = Self.operations(reply)
            #expect(operations[1]["version"] == "W/\"2\"")
            #expect(operations[3]["response"]?["status"] == "412")
            #expect(operations[5]["response"]?["schemas"] == [.string(MessageSchema.error)])
            #expect(operations[4]["location"]?.stringValue == TestServer.scimBase + "/Users/\(carol)")
            #expect(try await scim.get("Users/\(bob)")["displayName"] == "Bob B")
            let members = try await scim.get("Groups/\(team)")["members"]?.arrayValue ?? []
            #expect(
                Set(members.compactMap { $0["value"]?.stringValue }) == [bob, try #require(Self.id(operations[0]))])
            try await scim.get("Users/\(carol)").expectError(404)
        }
    }

    /// A bulkId stands for an id in a path, in a PATCH filter, in `manager`, in members: wherever an id goes.
    @Test func bulkIdsResolveInPathsFiltersAndReferences() async throws {
        try await TestServer.run { _, scim in
            let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
            let patchOp = #""schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]"#
            let reply = try await scim.post(
                "Bulk",
                Self.bulk([
                    // Written before the POSTs they need.
                    #"{"method":"PATCH","path":"/Users/bulkId:boss","data":{\#(patchOp),"#
                        + #""Operations":[{"op":"replace","path":"displayName","value":"The Boss"}]}}"#,
                    Self.user(
                        "report", "report@example.com", extra: #","\#(enterprise)":{"manager":{"value":"bulkId:boss"}}"#
                    ),
                    Self.user("boss", "boss@example.com"),
                    #"{"method":"POST","path":"/Groups","bulkId":"team","data":{\#(Self.groupSchema),"displayName":"Team","#
                        + #""members":[{"value":"bulkId:boss"},{"value":"bulkId:report"}]}}"#,
                    #"{"method":"PATCH","path":"/Groups/bulkId:team","data":{\#(patchOp),"#
                        + #""Operations":[{"op":"remove","path":"members[value eq \"bulkId:report\"]"}]}}"#,
                ]))
            #expect(Self.statuses(reply) == ["200", "201", "201", "201", "200"], "\(reply.text)")
            let operations = Self.operations(reply)
            let boss = try #require(Self.id(operations[2]))
            let report = try await scim.get("Users/\(try #require(Self.id(operations[1])))")
            #expect(report[enterprise]?["manager"]?["value"] == .string(boss))
            #expect(try await scim.get("Users/\(boss)")["displayName"] == "The Boss")
            #expect(operations[0]["location"] == .string(TestServer.scimBase + "/Users/\(boss)"))
            let team = try await scim.get("Groups/\(try #require(Self.id(operations[3])))")
            #expect(team["members"]?.arrayValue?.map { $0["value"]?.stringValue } == [boss])
        }
    }

    /// RFC 7644 §3.7.1's circle, a chain hanging from it, a bulkId nobody creates and one whose POST failed: each of
    /// those operations is refused with 409, and the rest of the request still runs.
    @Test func circlesAndUnresolvableReferencesFailTheirOperationsOnly() async throws {
        try await TestServer.run { _, scim in
            _ = try await scim.createUser("taken@example.com")
            let reply = try await scim.post(
                "Bulk",
                Self.bulk([
                    #"{"method":"POST","path":"/Groups","bulkId":"a","data":{\#(Self.groupSchema),"displayName":"A","#
                        + #""members":[{"value":"bulkId:b","type":"Group"}]}}"#,
                    #"{"method":"POST","path":"/Groups","bulkId":"b","data":{\#(Self.groupSchema),"displayName":"B","#
                        + #""members":[{"value":"bulkId:a","type":"Group"}]}}"#,
                    #"{"method":"POST","path":"/Groups","bulkId":"c","data":{\#(Self.groupSchema),"displayName":"C","#
                        + #""members":[{"value":"bulkId:a"}]}}"#,
                    #"{"method":"DELETE","path":"/Users/bulkId:nobody"}"#,
                    Self.user("dup", "TAKEN@example.com"),
                    #"{"method":"POST","path":"/Groups","bulkId":"d","data":{\#(Self.groupSchema),"displayName":"D","#
                        + #""members":[{"value":"bulkId:dup"}]}}"#,
                    Self.user("fine", "fine@example.com"),
                ]))
            #expect(Self.statuses(reply) == ["409", "409", "409", "409", "409", "409", "201"], "\(reply.text)")
            let operations = Self.operations(reply)
            #expect(operations[4]["response"]?["scimType"] == "uniqueness")
            for index in [0, 1, 2, 3, 5] {
                #expect(operations[index]["response"]?["scimType"] == "invalidValue", "\(operations[index])")
            }
            #expect(operations[0]["response"]?["detail"]?.stringValue?.contains("circle") == true)
            #expect(operations[3]["response"]?["detail"]?.stringValue?.contains("nobody") == true)
            #expect(try await scim.get("Groups")["totalResults"] == 0, "nothing of the circle was created")
        }
    }

    /// `failOnErrors`: after that many errors the rest is not attempted, and the answer lists what was.
    @Test func failOnErrorsStopsTheRest() async throws {
        try await TestServer.run { _, scim in
            _ = try await scim.createUser("taken@example.com")
            let reply = try await scim.post(
                "Bulk",
                Self.bulk(
                    [
                        Self.user("1", "one@example.com"), Self.user("2", "taken@example.com"),
                        Self.user("3", "three@example.com"), Self.user("4", "taken@example.com"),
                        Self.user("5", "five@example.com"),
                    ], failOnErrors: 2))
            #expect(reply.status == 200)
            #expect(Self.statuses(reply) == ["201", "409", "201", "409"], "\(reply.text)")
            let five = try await scim.get("Users?filter=userName%20eq%20%22five@example.com%22")
            #expect(five["totalResults"] == 0)
        }
    }

    /// POSTs run together, but two that name one resource still run in their order: the first one wins.
    @Test func postsOfOneNameRunInTheirOrder() async throws {
        try await TestServer.run { _, scim in
            var operations: [String] = []
            for index in 0..<150 { operations.append(Self.user("u\(index)", "u\(index)@example.com")) }
            operations.insert(Self.user("first", "Same@example.com", extra: #","displayName":"first""#), at: 40)
            operations.insert(Self.user("second", "same@EXAMPLE.com", extra: #","displayName":"second""#), at: 41)
            let reply = try await scim.post("Bulk", Self.bulk(operations))
            let statuses = Self.statuses(reply)
            #expect(statuses.count == 152)
            #expect(statuses[40] == "201" && statuses[41] == "409", "\(statuses[38...43])")
            #expect(statuses.filter { $0 == "201" }.count == 151)
            let same = try await scim.get("Users?filter=userName%20eq%20%22same@example.com%22")
            #expect(same["Resources"]?.arrayValue?.first?["displayName"] == "first")
            #expect(try await scim.get("Users?count=0")["totalResults"] == 151)
        }
    }

    /// Operations that cannot run as written are answered in their place; the rest run. A body that is no
    /// BulkRequest is refused whole.
    @Test func malformedOperationsAndRequests() async throws {
        try await TestServer.run { _, scim in
            let reply = try await scim.post(
                "Bulk",
                Self.bulk([
                    #"{"method":"GET","path":"/Users"}"#,
                    #"{"method":"POST","path":"/Users","data":{\#(Self.userSchema),"userName":"nobulkid"}}"#,
                    #"{"method":"PUT","path":"/Users/x"}"#,
                    #"{"method":"POST","path":"/Schemas","bulkId":"s","data":{}}"#,
                    #"{"method":"DELETE","path":"/Users"}"#,
                    #""not an object""#,
                    Self.user("same", "one@example.com"),
                    Self.user("same", "two@example.com"),
                    #"{"method":"post","path":"Users","bulkId":"ok","data":{\#(Self.userSchema),"userName":"ok@example.com"}}"#,
                    #"{"method":"POST","path":"/Users","bulkId":"bad","data":{\#(Self.userSchema),"userName":42}}"#,
                ]))
            #expect(reply.status == 200, "\(reply.text)")
            #expect(
                Self.statuses(reply) == ["400", "400", "400", "400", "400", "400", "201", "400", "201", "400"],
                "\(reply.text)")
            #expect(Self.operations(reply).allSatisfy { $0["status"] == "201" || $0["response"]?["detail"] != nil })
            try await scim.post("Bulk", "[]").expectError(400, scimType: "invalidSyntax")
            try await scim.post("Bulk", #"{"Operations":{}}"#).expectError(400, scimType: "invalidSyntax")
            try await scim.post("Bulk", #"{"schemas":["urn:x"],"Operations":[]}"#).expectError(
                400, scimType: "invalidSyntax")
            try await scim.post("Bulk", #"{"failOnErrors":0,"Operations":[]}"#).expectError(
                400, scimType: "invalidValue")
            try await scim.post("Bulk", #"{"Operations":[}"#).expectError(400, scimType: "invalidSyntax")
            #expect(try await scim.post("Bulk", #"{"Operations":[]}"#)["Operations"] == [])
        }
    }

    /// maxOperations and maxPayloadSize are advertised and enforced with 413 (RFC 7644 §3.7.4).
    @Test func limitsAreAdvertisedAndEnforced() async throws {
        try await TestServer.run(limits: Directory.Limits(maxBulkOperations: 3, maxBulkPayloadSize: 2000)) { _, scim in
            let config = try await scim.get("ServiceProviderConfig")
            #expect(config["bulk"]?["supported"] == true)
            #expect(config["bulk"]?["maxOperations"] == 3)
            #expect(config["bulk"]?["maxPayloadSize"] == 2000)
            let four = Self.bulk((0..<4).map { Self.user("u\($0)", "u\($0)@example.com") })
            try await scim.post("Bulk", four).expectError(413)
            let large = Self.bulk([
                Self.user("big", "big@example.com", extra: #","title":"\#(String(repeating: "x", count: 2100))""#)
            ])
            try await scim.post("Bulk", large).expectError(413)
            #expect(try await scim.get("Users")["totalResults"] == 0, "nothing of a refused request was created")
            #expect(Self.statuses(try await scim.post("Bulk", Self.bulk([Self.user("a", "a@example.com")]))) == ["201"])
        }
    }

    /// Operations on one resource keep their written order even when one of them waits for a later POST, and an
    /// operation waiting for a bulkId does not let a later one on its resource overtake it.
    @Test func operationsOnOneResourceKeepTheirOrder() async throws {
        try await TestServer.run { _, scim in
            let patchOp = #""schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]"#
            let reply = try await scim.post(
                "Bulk",
                Self.bulk([
                    Self.user("u", "u@example.com"),
                    #"{"method":"POST","path":"/Groups","bulkId":"g","data":{\#(Self.groupSchema),"displayName":"G","#
                        + #""members":[{"value":"bulkId:u"}]}}"#,
                    #"{"method":"PATCH","path":"/Users/bulkId:u","data":{\#(patchOp),"#
                        + #""Operations":[{"op":"replace","path":"title","value":"bulkId:g"}]}}"#,
                    #"{"method":"DELETE","path":"/Users/bulkId:u"}"#,
                ]))
            #expect(Self.statuses(reply) == ["201", "201", "200", "204"], "\(reply.text)")
            // Add a member that a later POST creates, then empty the group: it ends empty.
            let team = try await scim.createGroup("Team")
            let second = try await scim.post(
                "Bulk",
                Self.bulk([
                    #"{"method":"PATCH","path":"/Groups/\#(team)","data":{\#(patchOp),"#
                        + #""Operations":[{"op":"add","path":"members","value":[{"value":"bulkId:late"}]}]}}"#,
                    #"{"method":"PATCH","path":"/Groups/\#(team)","data":{\#(patchOp),"#
                        + #""Operations":[{"op":"replace","path":"members","value":[]}]}}"#,
                    Self.user("late", "late@example.com"),
                ]))
            #expect(Self.statuses(second) == ["200", "200", "201"], "\(second.text)")
            #expect(try await scim.get("Groups/\(team)")["members"]?.arrayValue?.isEmpty != false)
        }
    }

    /// Operations each naming the next one's bulkId, so they run last to first, one at a time: resolved, in one
    /// request (scheduling them is linear; a chain of 1,000 once took 10 s to schedule).
    @Test func aLongChainOfForwardReferences() async throws {
        try await TestServer.run { _, scim in
            let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
            let operations = (0..<100).map { index in
                Self.user(
                    "c\(index)", "chain\(index)@example.com",
                    extra: index == 99 ? "" : #","\#(enterprise)":{"manager":{"value":"bulkId:c\#(index + 1)"}}"#)
            }
            let reply = try await scim.post("Bulk", Self.bulk(operations))
            let statuses = Self.statuses(reply)
            #expect(statuses.count == 100 && statuses.allSatisfy { $0 == "201" }, "\(reply.text.prefix(500))")
            let ids = Self.operations(reply).compactMap(Self.id)
            let first = try await scim.get("Users/\(ids[0])")
            #expect(first[enterprise]?["manager"]?["value"] == .string(ids[1]))
        }
    }

    /// Only whole values, path segments and PATCH path filters name bulkIds; other text is kept as written.
    @Test func freeTextThatQuotesABulkIdIsKept() async throws {
        try await TestServer.run { _, scim in
            let reply = try await scim.post(
                "Bulk",
                Self.bulk([
                    Self.user("a", "a@example.com"),
                    Self.user("b", "b@example.com", extra: #","displayName":"He said \"bulkId:a\" ok""#),
                    #"{"method":"POST","path":"/Users","bulkId":"c","version":null,"#
                        + #""data":{\#(Self.userSchema),"userName":"c@example.com"}}"#,
                ]))
            #expect(Self.statuses(reply) == ["201", "201", "201"], "\(reply.text)")
            let b = try await scim.get("Users/\(try #require(Self.id(Self.operations(reply)[1])))")
            #expect(b["displayName"] == #"He said "bulkId:a" ok"#)
        }
    }

    /// A Bulk body may be as large as ServiceProviderConfig says (4 MiB), announced with Content-Length, though
    /// other requests stop at 1 MiB.
    @Test func aBulkBodyMayBeLargerThanOtherBodies() async throws {
        try await TestServer.run { _, scim in
            let title = String(repeating: "t", count: 4000)
            let operations = (0..<400).map {
                Self.user("l\($0)", "large\($0)@example.com", extra: #","title":"\#(title)""#)
            }
            let body = Self.bulk(operations)
            #expect(body.utf8.count > 1_500_000)
            let reply = try await scim.post("Bulk", body)
            #expect(reply.status == 200, "\(reply.text.prefix(300))")
            #expect(Self.statuses(reply).filter { $0 == "201" }.count == 400)
            try await scim.post("Users", "{\"userName\":\"\(String(repeating: "x", count: 1_100_000))\"}").expectError(
                413)
        }
    }

    /// A Bulk request pays the token's rate limit for each operation: the next request waits.
    @Test func aBulkRequestPaysTheRateLimitPerOperation() async throws {
        try await TestServer.run(rateLimit: 2, configure: ThrottlingTests.stopped) { _, scim in
            let reply = try await scim.post(
                "Bulk", Self.bulk((0..<30).map { Self.user("r\($0)", "r\($0)@example.com") }))
            #expect(Self.statuses(reply).count == 30)
            try await scim.get("Users").expectError(429)
        }
    }
}
