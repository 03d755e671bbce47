import Foundation
import HTTPTypes
import Hummingbird
import SCIMCore
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Concurrent writes to one resource never lose an update: versions are checked inside the write (RFC 7644 §3.14).
@Suite struct ConcurrencyTests {
    static func patch(_ operation: String) -> String {
        #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[\#(operation)]}"#
    }

    @Test func concurrentMemberAddsAreAllKept() async throws {
        try await TestServer.run { _, client in
            var users: [String] = []
            for index in 0..<30 { users.append(try await client.createUser("concurrent\(index)@example.com")) }
            let group = try await client.createGroup("Crowd")
            let statuses = try await withThrowingTaskGroup(of: Int.self) { tasks in
                for user in users {
                    tasks.addTask {
                        let body = Self.patch(#"{"op":"add","path":"members","value":[{"value":"\#(user)"}]}"#)
                        return try await client.patch("Groups/\(group)", body).status
                    }
                }
                return try await tasks.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == 204 }, "\(statuses)")
            let members = try await client.get("Groups/\(group)")["members"]?.arrayValue ?? []
            #expect(Set(members.compactMap { $0["value"]?.stringValue }) == Set(users))
        }
    }

    @Test func concurrentAttributeChangesToOneUserAreAllKept() async throws {
        try await TestServer.run { _, client in
            let id = try await client.createUser("busy@example.com")
            let attributes = ["title", "nickName", "userType", "preferredLanguage", "timezone", "profileUrl"]
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                for attribute in attributes {
                    tasks.addTask {
                        let body = Self.patch(#"{"op":"add","path":"\#(attribute)","value":"set-\#(attribute)"}"#)
                        let reply = try await client.patch("Users/\(id)", body)
                        #expect(reply.status == 200, "\(reply.text)")
                    }
                }
                try await tasks.waitForAll()
            }
            let user = try await client.get("Users/\(id)")
            for attribute in attributes { #expect(user[attribute] == .string("set-\(attribute)")) }
            #expect(user["meta"]?["version"] == .string(#"W/"\#(attributes.count + 1)""#))
        }
    }

    /// With `If-Match`, exactly one writer per version wins; the others get 412 and change nothing.
    @Test func concurrentConditionalPatchesLetExactlyOneWin() async throws {
        try await TestServer.run { _, client in
            let id = try await client.createUser("race@example.com")
            let statuses = try await withThrowingTaskGroup(of: Int.self) { tasks in
                for index in 0..<12 {
                    tasks.addTask {
                        let body = Self.patch(#"{"op":"replace","path":"title","value":"winner \#(index)"}"#)
                        return try await client.patch("Users/\(id)", body, headers: [.ifMatch: #"W/"1""#]).status
                    }
                }
                return try await tasks.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 200 }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == 412 }.count == 11, "\(statuses)")
            let user = try await client.get("Users/\(id)")
            #expect(user["meta"]?["version"] == .string(#"W/"2""#))
        }
    }

    /// Each create on a connection of its own, so they really are concurrent (the test client sends its requests
    /// one after another on one connection, each within the same 20 s).
    @Test func concurrentCreatesOfOneUserNameMakeExactlyOneUser() async throws {
        try await TestServer.run { server, client in
            let port = try #require(client.client.port)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { tasks in
                for index in 0..<20 {
                    tasks.addTask {
                        let userName = index % 2 == 0 ? "same@example.com" : "SAME@example.com"
                        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/scim/v2/Users")!)
                        request.httpMethod = "POST"
                        request.timeoutInterval = 120
                        request.setValue("Bearer \(server.token)", forHTTPHeaderField: "Authorization")
                        request.setValue("application/scim+json", forHTTPHeaderField: "Content-Type")
                        request.httpBody = Data(#"{"userName":"\#(userName)"}"#.utf8)
                        let (_, response) = try await URLSession.shared.data(for: request)
                        return (response as? HTTPURLResponse)?.statusCode ?? 0
                    }
                }
                return try await tasks.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 201 }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == 409 }.count == 19, "\(statuses)")
            #expect(try await client.get("Users")["totalResults"] == 1)
        }
    }
}
