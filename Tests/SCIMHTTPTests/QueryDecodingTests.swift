import Directory
import Foundation
import Hummingbird
import SCIMCore
import Testing

@testable import SCIMHTTP

/// Query parameters are decoded on bytes; the answers must be Foundation's (`+` as a space, then
/// `removingPercentEncoding`), malformed escapes and non-UTF-8 bytes included.
@Test(arguments: [
    "plain", "userName%20eq%20%22a%40b.c%22", "a+b", "a%2Bb", "%C3%A9t%C3%A9", "%E9", "%4", "%", "%zz", "%%41",
    "", "100%25", "caf%C3%A9+%26+co", "%00", "a%00b", "%C0%80", "%ED%A0%80", "%F0%9F%98%80",
])
func queryValuesDecodeAsFoundationDoes(text: String) {
    let foundation = text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    #expect(Request.decode(Substring(text)) == foundation, "\(text)")
}

/// The query is split once per request; each read must answer as a scan of the raw query would.
@Test func queryParametersAreReadByCaseInsensitiveNameFirstMatchWinning() throws {
    let query = QueryParameters(
        "count=5&Filter=userName%20eq%20%22a%3Db%22&COUNT=9&&flag&%73ortBy=name.givenName&x=a=b")
    #expect(try query.value("count") == "5")
    #expect(try query.value("filter") == "userName eq \"a=b\"")
    #expect(try query.value("flag") == "")
    #expect(try query.value("sortBy") == "name.givenName", "names are percent-decoded too")
    #expect(try query.value("x") == "a=b", "only the first = separates")
    #expect(try query.value("startIndex") == nil)
    #expect(try QueryParameters(nil).value("filter") == nil)
}

@Test func unreadableParametersAreErrorsNamedForWhatTheyAre() {
    let query = QueryParameters("filter=%zz&count=%E9")
    #expect(#expect(throws: SCIMError.self) { try query.value("filter") }?.scimType == "invalidFilter")
    #expect(#expect(throws: SCIMError.self) { try query.value("count") }?.scimType == "invalidValue")
}

/// The activity log names what a request touched from its path alone.
@Test(
    arguments: [
        ("/scim/v2/Users/abc", ResourceKind.user, "abc"), ("/scim/v2/Groups/g-1/", .group, "g-1"),
        ("/scim/v2/Users", .user, nil), ("/scim/v2/Users/.search", .user, nil), ("/scim/v2//Users//x", .user, "x"),
        ("/scim/v2/ServiceProviderConfig", nil, nil), ("/scim/v2/users/abc", nil, nil), ("/", nil, nil),
        ("/scim/v2/Bulk/Users/1", .user, "1"), ("/scim/v2/Users/%C3%A9", .user, "%C3%A9"),
    ] as [(String, ResourceKind?, String?)])
func activityTargetsComeFromThePath(path: String, kind: ResourceKind?, id: String?) {
    let target = ActivityMiddleware.target(of: path)
    #expect(target.kind == kind && target.id == id, "\(path)")
}
