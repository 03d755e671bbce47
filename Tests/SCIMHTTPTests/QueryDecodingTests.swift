import Foundation
import Hummingbird
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
