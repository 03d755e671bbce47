import Foundation
import SCIMCore
import Testing

/// `DateTime.format` writes the millisecond a date falls in, checked against Foundation on whole seconds (which a
/// binary fraction cannot blur) with the milliseconds added.
@Test func datesFormatAsFoundationDoesWithTheirMilliseconds() {
    let wholeSeconds = Date.ISO8601FormatStyle()
    var generator = SystemRandomNumberGenerator()
    let edges: [Int64] = [
        0, 999, 1000, 86_399_999, 951_782_400_000, 1_707_274_260_192, 4_102_444_800_000, 253_402_300_799_999,
    ]
    let random = (0..<20_000).map { _ in Int64.random(in: 0...253_402_300_799_999, using: &generator) }
    for milliseconds in edges + random {
        let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        let seconds = Date(timeIntervalSince1970: Double(milliseconds / 1000)).formatted(wholeSeconds)
        let fraction = String(1000 + milliseconds % 1000).dropFirst()
        #expect(DateTime.format(date) == seconds.dropLast() + "." + fraction + "Z", "\(milliseconds)")
    }
}

/// Foundation's style wrote 2024-02-07T02:51:00.192Z back as .191 (the binary fraction is a hair below it).
@Test(arguments: ["2024-02-07T02:51:00.192Z", "2028-09-06T05:05:38.277Z", "2026-11-29T00:00:00.000Z"])
func aMillisecondValueReadsBackAsWritten(text: String) throws {
    #expect(DateTime.format(try #require(DateTime.parse(text))) == text)
}

@Test func fractionsBeyondTheMillisecondRoundAndFarDatesStillFormat() throws {
    #expect(DateTime.format(try #require(DateTime.parse("2026-11-29T10:00:00.1239Z"))) == "2026-11-29T10:00:00.124Z")
    #expect(DateTime.format(try #require(DateTime.parse("2026-11-29T10:00:00.1231Z"))) == "2026-11-29T10:00:00.123Z")
    #expect(DateTime.format(try #require(DateTime.parse("2026-12-31T23:59:59.9999Z"))) == "2027-01-01T00:00:00.000Z")
    #expect(DateTime.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59.000Z")
    #expect(DateTime.format(Date(timeIntervalSince1970: 253_402_300_800)) == "10000-01-01T00:00:00.000Z")
}

/// A date that does not exist is refused, not rolled over into another one (Foundation read 2024-02-30 as March 1st).
@Test(arguments: [
    "2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2024-04-31T00:00:00Z", "2024-13-01T00:00:00Z",
    "2024-00-10T00:00:00Z", "2024-01-00T00:00:00Z", "2024-01-01T25:61:61Z", "2024-01-01T24:00:00Z",
    "2024-01-01T23:60:00Z", "2024-01-01T23:59:60Z", "2024-01-01T10:00:00+15:00", "2024-01-01T10:00:00+02:60",
])
func impossibleDatesAreRefused(text: String) {
    #expect(DateTime.parse(text) == nil)
}

@Test(arguments: [
    "2024-02-29T23:59:59Z", "2000-02-29T00:00:00Z", "2024-12-31T23:59:59.999Z", "2024-01-01T10:00:00+14:00",
    "2024-06-30T12:00:00-09:30",
])
func realDatesAtTheEdgesAreRead(text: String) {
    #expect(DateTime.parse(text) != nil)
}
