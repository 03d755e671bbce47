import Testing

@testable import SCIMCore

/// Nested object literals in fixtures.
extension JSON: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSON)...) {
        self = .object(JSONObject(elements.map { (key: $0.0, value: $0.1) }))
    }
}

/// A JSON object from JSON text, so fixtures read like the bodies providers send.
func parsedObject(_ text: String) throws -> JSONObject {
    try #require(try JSON.parse(Array(text.utf8)).objectValue)
}

private func parse(_ text: String) throws -> JSON {
    try JSON.parse(Array(text.utf8))
}

/// A body that is not JSON is a 400 "invalidSyntax" (RFC 7644 §3.12), not a crash or a 500.
@Test(arguments: [
    "", " ", "userName=bjensen", "{", #"{"a":}"#, #"{"a" 1}"#, #"{a:1}"#, "[1,]", #"{"a":1,}"#, #"{"a":1}}"#, "[1 2]",
    "nul", "True", "'a'", "NaN", "01", "-", "1.", ".5", "1e", "+1", "1e400", #""a"#, "\"a\u{1}b\"", #""\x""#,
    #""\u12G4""#, #""\ud800""#, #""\udc00\ud800""#, "[1] [2]", "/* c */ 1",
])
func parseRejectsNonJSONWithInvalidSyntax(text: String) throws {
    let error = #expect(throws: SCIMError.self) { try parse(text) }
    #expect(error?.scimType == "invalidSyntax")
    #expect(error?.status == 400)
}

/// Request bodies refuse U+0000 (no store keeps it whole); bodies already stored with one still read.
@Test func requestBodiesRefuseNULAndStoredBodiesKeepIt() throws {
    let text = #"{"a":"x\u0000y"}"#
    let error = #expect(throws: SCIMError.self) { try JSON.parse(Array(text.utf8), refusingNUL: true) }
    #expect(error?.scimType == "invalidValue")
    #expect(error?.detail.contains("byte 7") == true, "\(error?.detail ?? "")")
    #expect(try parse(text)["a"] == .string("x\u{0}y"))
    #expect(try JSON.parse(Array(#"{"a":"x\u0001"}"#.utf8), refusingNUL: true)["a"] == .string("x\u{1}"))
}

@Test func parseRejectsInvalidUTF8() throws {
    #expect(throws: SCIMError.self) { try JSON.parse([0x22, 0xC3, 0x28, 0x22]) }
    #expect(throws: SCIMError.self) { try JSON.parse([0x22, 0xFF, 0x22]) }
    #expect(try JSON.parse([0x22, 0xC3, 0xAB, 0x22]) == "ë")
}

/// Hostile nesting is a 400, not a stack overflow.
@Test func deepNestingIsRejectedWithoutExhaustingTheStack() throws {
    #expect(throws: SCIMError.self) { try parse(String(repeating: "[", count: 100_000)) }
    #expect(throws: SCIMError.self) {
        try parse(String(repeating: #"{"a":"#, count: 1000) + "1" + String(repeating: "}", count: 1000))
    }
    let shallow = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
    #expect(try parse(shallow).arrayValue?.count == 1)
}

/// RFC 8259 §8.1: a leading byte order mark may be ignored; elsewhere it is not whitespace.
@Test func parseIgnoresALeadingByteOrderMark() throws {
    #expect(try JSON.parse([0xEF, 0xBB, 0xBF] + Array("{}".utf8)) == [:])
    #expect(throws: SCIMError.self) { try JSON.parse(Array("[".utf8) + [0xEF, 0xBB, 0xBF] + Array("]".utf8)) }
}

@Test func parseAcceptsWhitespaceAroundEveryToken() throws {
    #expect(try parse(" \t\r\n{ \"a\" : [ 1 , { } , \"b\" ] }\n") == ["a": [1, [:], "b"]])
}

@Test func parseReadsEveryKindOfValue() throws {
    let json = try parse(#" {"s":"x","t":true,"f":false,"n":null,"i":-7,"d":2.5,"a":[1,"2"],"o":{"k":{}}} "#)
    #expect(
        json == [
            "s": "x", "t": true, "f": false, "n": nil, "i": -7, "d": .double(2.5), "a": [1, "2"], "o": ["k": [:]],
        ])
    #expect(try parse("[]") == [])
    #expect(try parse("42") == 42)
    #expect(try parse(#""a""#) == "a")
}

/// Okta compares counters "as integers, not as strings"; integers stay integers through parse and serialization.
@Test func integersStayIntegers() throws {
    let json = try parse(#"{"totalResults":100,"big":9007199254740993,"negative":-1}"#)
    #expect(json["totalResults"] == .int(100))
    #expect(json["big"] == .int(9_007_199_254_740_993))
    #expect(
        JSON.object(["totalResults": 100, "startIndex": 1]).serialized() == #"{"totalResults":100,"startIndex":1}"#)
    #expect(JSON.int(-42).serialized() == "-42")
}

@Test func decimalsStayDecimals() throws {
    #expect(try parse("2.5") == .double(2.5))
    #expect(try parse("1.0") == .double(1))
    #expect(try parse("1e3") == .double(1000))
    #expect(try parse("-0.5E-2") == .double(-0.005))
    #expect(try parse("99999999999999999999") == .double(1e20))
    #expect(JSON.double(2.5).serialized() == "2.5")
    #expect(JSON.double(.infinity).serialized() == "null")
}

@Test func booleansAreNotNumbers() throws {
    #expect(try parse("[true,1,0,false]") == [true, 1, 0, false])
}

/// RFC 8259 §7: quotation mark, reverse solidus and the control characters must be escaped.
@Test func serializationEscapesQuotesBackslashesAndControlCharacters() throws {
    let text = "a\"b\\c\nd\re\tf\u{0}g\u{1F}h/"
    #expect(JSON.string(text).serialized() == #""a\"b\\c\nd\re\tf\u0000g\u001fh/""#)
    #expect(try parse(JSON.string(text).serialized()) == .string(text))
    #expect(JSON.object([#"k"ey"#: "v"]).serialized() == #"{"k\"ey":"v"}"#)
}

/// Strings round-trip unicode as it is, including characters outside the basic multilingual plane.
@Test(arguments: ["Zoë Ångström", "日本語", "👩🏽‍💻", "e\u{301}", "\u{2028}"])
func unicodeRoundTrips(text: String) throws {
    let serialized = JSON.string(text).serialized()
    #expect(serialized == "\"\(text)\"")
    #expect(try parse(serialized) == .string(text))
    #expect(try parse(#""\u00eb\ud83d\udc69""#) == "ë👩")
}

/// Parsing and serialization keep an object's member order, so stored bodies and responses read stably.
@Test func memberOrderIsKept() throws {
    let text = #"{"schemas":[],"id":"1","userName":"u","name":{"givenName":"B","familyName":"J","formatted":"B J"}}"#
    #expect(try parse(text).serialized() == text)
    #expect(try parse(text).objectValue?.keys == ["schemas", "id", "userName", "name"])
}

/// RFC 7643 §2.1: names are case-insensitive, so a repeated name in any case keeps its first spelling, last value.
@Test func repeatedNamesKeepTheLastValue() throws {
    #expect(try parse(#"{"userName":"a","title":"t","USERNAME":"b"}"#).serialized() == #"{"userName":"b","title":"t"}"#)
}

@Test func roundTripPreservesStructure() throws {
    let json = try parse(#"{"Operations":[{"op":"Add","path":"members","value":[{"$ref":null,"value":"f648"}]}]}"#)
    #expect(try parse(json.serialized()) == json)
}

/// RFC 7643 §2.1: object member names are looked up case-insensitively; equality ignores member order.
@Test func objectsLookUpNamesCaseInsensitivelyAndCompareUnordered() throws {
    var object: JSONObject = ["userName": "u"]
    #expect(object["USERNAME"] == "u")
    object["username"] = "v"
    #expect(object.keys == ["userName"] && object["userName"] == "v")
    #expect(JSONObject(dictionaryLiteral: ("a", 1), ("b", 2)) == JSONObject(dictionaryLiteral: ("b", 2), ("a", 1)))
    #expect(JSONObject(dictionaryLiteral: ("a", 1)) != JSONObject(dictionaryLiteral: ("A", 1)))
}
