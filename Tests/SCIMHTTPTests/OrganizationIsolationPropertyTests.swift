import Directory
import Foundation
import HTTPTypes
import RosterTestSupport
import SCIMCore
import Testing

/// The isolation property: random SCIM operations through two organizations' tokens (each sometimes naming the
/// other's resources), then every read through organization A equals what A's operations alone give on a
/// database holding A only. Ids and times differ between the two databases, so answers are compared with A's
/// ids replaced by their place in the sequence and times left out; versions and ETags are compared as they are.
@Suite struct OrganizationIsolationPropertyTests {
    @Test(arguments: [7] as [UInt64])
    func everyReadThroughOneOrganizationIsWhatItAloneWouldGive(seed: UInt64) async throws {
        let steps = Self.generate(seed: seed, count: 140)
        for backend in StoreBackend.servable {
            let (shared, foreign) = try await TestServer.run(on: backend, tokenCacheSeconds: 2, rateLimit: nil) {
                server, scim in
                let other = try await Self.secondOrganization(server, scim)
                let run = Run(clients: [0: scim, 1: other], foreign: [:])
                return (try await run.perform(steps), await run.ids.filter { $0.key.organization == 1 })
            }
            let alone = try await TestServer.run(on: backend, tokenCacheSeconds: 2, rateLimit: nil) { _, scim in
                try await Run(clients: [0: scim], foreign: foreign).perform(steps)
            }
            #expect(shared.count == alone.count)
            for (index, (together, apart)) in zip(shared, alone).enumerated() {
                #expect(together == apart, "\(backend) seed \(seed), answer \(index) of \(shared.count)")
            }
            // The sequence made A's requests meet B's resources and names, or the comparison proves little.
            #expect(steps.contains { $0.organization == 0 && $0.op.references.contains { $0.organization == 1 } })
        }
    }

    static func secondOrganization(_ server: TestServer, _ scim: SCIMClient) async throws -> SCIMClient {
        let organizations = server.services.organizations
        let acme = try await organizations.create(name: "Acme")
        let token = try await organizations.directory(for: acme.key).createToken(description: "B", status: .active)
        return SCIMClient(client: scim.client, token: token.secret)
    }

    /// A resource by the organization that made it, its kind and its place among that organization's creations
    /// of the kind (a create that was refused still takes a place, which then names nothing).
    struct Ref: Sendable, Hashable, CustomStringConvertible {
        var organization: Int
        var kind: ResourceKind
        var index: Int

        var description: String { "{\(organization == 0 ? "A" : "B").\(kind.rawValue).\(index)}" }
    }

    enum Op: Sendable {
        case createUser(name: Int, title: Int)
        case createGroup(name: Int, members: [Ref])
        case retitle(Ref, title: Int)
        case deactivate(Ref)
        case replaceUser(Ref, name: Int)
        case delete(Ref)
        case addMembers(Ref, [Ref])
        case removeMember(Ref, Ref)
        case replaceGroup(Ref, name: Int, members: [Ref])
        case read(Ref)
        case findUser(name: Int)
        case findGroupsOf(Ref)

        var references: [Ref] {
            switch self {
            case .createUser, .findUser: []
            case .createGroup(_, let members): members
            case .retitle(let ref, _), .deactivate(let ref), .replaceUser(let ref, _), .delete(let ref),
                .read(let ref), .findGroupsOf(let ref):
                [ref]
            case .addMembers(let group, let members): [group] + members
            case .removeMember(let group, let member): [group, member]
            case .replaceGroup(let group, _, let members): [group] + members
            }
        }
    }

    struct Step: Sendable {
        var organization: Int
        var op: Op
    }

    /// A deterministic sequence: both organizations draw names from one small pool (so each meets its own
    /// uniqueness and never the other's), and a reference names the other organization's resource one time in five.
    static func generate(seed: UInt64, count: Int) -> [Step] {
        var random = SplitMix(seed: seed)
        var made = [[ResourceKind: Int]](repeating: [.user: 0, .group: 0], count: 2)
        var steps: [Step] = []
        func ref(_ kind: ResourceKind, of organization: Int) -> Ref? {
            let other = 1 - organization
            let owner = random.below(5) == 0 && made[other][kind]! > 0 ? other : organization
            guard made[owner][kind]! > 0 else { return nil }
            return Ref(organization: owner, kind: kind, index: random.below(made[owner][kind]!))
        }
        func refs(_ kind: ResourceKind, of organization: Int) -> [Ref] {
            (0..<random.below(4)).compactMap { _ in ref(kind, of: organization) }
        }
        while steps.count < count {
            let organization = random.below(5) < 3 ? 0 : 1
            let anyone = random.below(4) == 0 ? ResourceKind.group : .user
            let op: Op? =
                switch random.below(12) {
                case 0, 1:
                    .createUser(name: random.below(14), title: random.below(3))
                case 2: .createGroup(name: random.below(5), members: refs(.user, of: organization))
                case 3: ref(.user, of: organization).map { .retitle($0, title: random.below(3)) }
                case 4: ref(.user, of: organization).map(Op.deactivate)
                case 5: ref(.user, of: organization).map { .replaceUser($0, name: random.below(14)) }
                case 6: ref(anyone, of: organization).map(Op.delete)
                case 7: ref(.group, of: organization).map { .addMembers($0, refs(.user, of: organization)) }
                case 8:
                    ref(.group, of: organization).flatMap { group in
                        ref(.user, of: organization).map { .removeMember(group, $0) }
                    }
                case 9:
                    ref(.group, of: organization).map {
                        .replaceGroup($0, name: random.below(5), members: refs(.user, of: organization))
                    }
                case 10: ref(anyone, of: organization).map(Op.read)
                default:
                    random.below(2) == 0
                        ? .findUser(name: random.below(14)) : ref(.group, of: organization).map(Op.findGroupsOf)
                }
            guard let op else { continue }
            if case .createUser = op { made[organization][.user]! += 1 }
            if case .createGroup = op { made[organization][.group]! += 1 }
            steps.append(Step(organization: organization, op: op))
        }
        return steps
    }

    /// One database's run: the steps its organizations take, and what organization A saw.
    actor Run {
        let clients: [Int: SCIMClient]
        /// B's ids as the shared database gave them, for a database without B: ids that exist nowhere there.
        let foreign: [Ref: String]
        var ids: [Ref: String] = [:]
        var made = [[ResourceKind: Int]](repeating: [.user: 0, .group: 0], count: 2)

        init(clients: [Int: SCIMClient], foreign: [Ref: String]) {
            self.clients = clients
            self.foreign = foreign
        }

        /// A's answers to its own steps, then to reads of everything it holds.
        func perform(_ steps: [Step]) async throws -> [String] {
            var answers: [String] = []
            for step in steps {
                guard let client = clients[step.organization] else {
                    if case .createUser = step.op { made[step.organization][.user]! += 1 }
                    if case .createGroup = step.op { made[step.organization][.group]! += 1 }
                    continue
                }
                let reply = try await send(step.op, by: step.organization, with: client)
                if step.organization == 0 { answers.append(normalized(reply)) }
            }
            return answers + (try await readEverything(with: clients[0]!))
        }

        private func send(_ op: Op, by organization: Int, with client: SCIMClient) async throws -> SCIMReply {
            switch op {
            case .createUser(let name, let title):
                return try await create(
                    .user, by: organization, client: client,
                    body: .object([
                        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                        "userName": .string("user\(name)@example.com"),
                        "title": .string("title\(title)"), "active": true,
                    ]))
            case .createGroup(let name, let members):
                return try await create(
                    .group, by: organization, client: client,
                    body: .object([
                        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                        "displayName": .string("group\(name)"),
                        "members": .array(members.map { .object(["value": .string(id($0))]) }),
                    ]))
            case .retitle(let ref, let title):
                return try await client.patch(path(ref), Self.patch("replace", "title", .string("title\(title)")))
            case .deactivate(let ref):
                return try await client.patch(path(ref), Self.patch("replace", nil, .object(["active": false])))
            case .replaceUser(let ref, let name):
                let body = JSON.object([
                    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                    "userName": .string("user\(name)@example.com"),
                ])
                return try await client.put(path(ref), body.serialized())
            case .delete(let ref):
                return try await client.delete(path(ref))
            case .addMembers(let group, let members):
                let value = JSON.array(members.map { .object(["value": .string(id($0))]) })
                return try await client.patch(path(group), Self.patch("add", "members", value))
            case .removeMember(let group, let member):
                return try await client.patch(
                    path(group), Self.patch("remove", "members[value eq \"\(id(member))\"]", nil))
            case .replaceGroup(let group, let name, let members):
                let body = JSON.object([
                    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": .string("group\(name)"),
                    "members": .array(members.map { .object(["value": .string(id($0))]) }),
                ])
                return try await client.put(path(group), body.serialized())
            case .read(let ref):
                return try await client.get(path(ref))
            case .findUser(let name):
                return try await client.get("Users?filter=" + Self.encoded(#"userName eq "user\#(name)@example.com""#))
            case .findGroupsOf(let group):
                return try await client.get("Users?filter=" + Self.encoded(#"groups.value eq "\#(id(group))""#))
            }
        }

        private func create(_ kind: ResourceKind, by organization: Int, client: SCIMClient, body: JSON) async throws
            -> SCIMReply
        {
            let ref = Ref(organization: organization, kind: kind, index: made[organization][kind]!)
            made[organization][kind]! += 1
            let reply = try await client.post(kind.endpoint.dropFirst().description, body.serialized())
            if reply.status == 201, let id = reply["id"]?.stringValue { ids[ref] = id }
            return reply
        }

        /// Everything A holds, read every way: lists in creation order, each resource by id, lookups by name.
        private func readEverything(with client: SCIMClient) async throws -> [String] {
            var answers = [
                normalized(try await client.get("Users?count=1000")),
                normalized(try await client.get("Groups?count=1000&attributes=displayName,members")),
                normalized(try await client.get("Users?count=1000&sortBy=title&sortOrder=descending")),
            ]
            for kind in ResourceKind.allCases {
                for index in 0..<made[0][kind]! {
                    answers.append(
                        normalized(try await client.get(path(Ref(organization: 0, kind: kind, index: index)))))
                }
            }
            for name in 0..<14 {
                let filter = Self.encoded(#"userName eq "user\#(name)@example.com""#)
                answers.append(normalized(try await client.get("Users?filter=\(filter)")))
            }
            return answers
        }

        /// The id a reference names here: A's and this database's B's as made, B's of the shared database where B
        /// is absent, and an id of nothing for a create that was refused.
        private func id(_ ref: Ref) -> String {
            ids[ref] ?? foreign[ref]
                ?? "0190abcd-0000-7000-8000-\(String(format: "%012d", ref.index * 10 + ref.organization))"
        }

        private func path(_ ref: Ref) -> String {
            "\(ref.kind.endpoint.dropFirst())/\(id(ref))"
        }

        /// An answer with A's ids replaced by their references and the times (which differ) left out.
        private func normalized(_ reply: SCIMReply) -> String {
            var text = reply.text
            for (ref, id) in ids where ref.organization == 0 {
                text = text.replacingOccurrences(of: id, with: "\(ref)")
            }
            let json = (try? JSON.parse(Array(text.utf8))).map(Self.withoutTimes)?.serialized() ?? text
            return "\(reply.status) \(reply.headers[.eTag] ?? "-") \(json)"
        }

        private static func withoutTimes(_ json: JSON) -> JSON {
            switch json {
            case .object(let object):
                var result = JSONObject()
                for (key, value) in object.members where key != "created" && key != "lastModified" {
                    result[key] = withoutTimes(value)
                }
                return .object(result)
            case .array(let array): return .array(array.map(withoutTimes))
            default: return json
            }
        }

        private static func patch(_ op: String, _ path: String?, _ value: JSON?) -> String {
            var operation: JSONObject = ["op": .string(op)]
            if let path { operation["path"] = .string(path) }
            if let value { operation["value"] = value }
            return JSON.object([
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [.object(operation)],
            ]).serialized()
        }

        private static func encoded(_ filter: String) -> String {
            filter.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? filter
        }
    }
}

/// SplitMix64: a small, fast, seedable generator, so a failing sequence can be replayed.
struct SplitMix {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
