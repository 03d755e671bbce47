import Foundation
import SCIMCore
import Testing

/// Clients look up lists of ids in one filter: `id eq "…" or id eq "…" …`, 200 terms in a GET query string and
/// 1,000 in POST /.search, answered as one query.
@Suite struct LongOrFilterTests {
    static func filter(_ ids: [String]) -> String {
        ids.map { "id eq \"\($0)\"" }.joined(separator: " or ")
    }

    @Test func twoHundredIdsInAGetAndAThousandInASearch() async throws {
        try await TestServer.run { server, scim in
            var ids: [String] = []
            for index in 0..<210 { ids.append(try await scim.createUser("many\(index)@example.com")) }
            let chosen = Array(ids.prefix(200))
            let encoded = Self.filter(chosen).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let listed = try await scim.get("Users?count=500&filter=\(encoded)")
            #expect(listed.status == 200, "\(listed.text.prefix(300))")
            #expect(listed["totalResults"] == 200)
            let thousand = chosen + (0..<800).map { "missing-\($0)" }
            let body = JSON.object(["filter": .string(Self.filter(thousand)), "count": 500]).serialized()
            let searched = try await scim.post("Users/.search", body)
            #expect(searched.status == 200, "\(searched.text.prefix(300))")
            #expect(searched["totalResults"] == 200)
        }
    }
}
