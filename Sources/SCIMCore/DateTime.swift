import Foundation

/// `xsd:dateTime` values (RFC 7643 §2.3.5): parsed leniently, always written in UTC with milliseconds.
public enum DateTime {
    /// Parses `2026-11-29T02:17:12Z`, with or without fractional seconds, with `Z` or an offset.
    public static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: withFraction) { return date }
        if let date = try? Date(text, strategy: withoutFraction) { return date }
        return nil
    }

    /// Formats a date as `2026-11-29T02:17:12.123Z`, to the nearest millisecond, as the stores keep dates.
    ///
    /// Written here rather than with Foundation's ISO 8601 style, which took 0.9% of a GET's CPU for a user's two
    /// dates, and which cut the binary fraction as it is: a date made from 1707274260192 ms (as every stored one
    /// is) is a hair below it and came out as `.191`, a millisecond before what was stored or sent. Dates before
    /// 1970 or after 9999 are left to Foundation.
    public static func format(_ date: Date) -> String {
        let nearest = (date.timeIntervalSince1970 * 1000).rounded()
        guard nearest >= 0, nearest < 253_402_300_800_000 else { return date.formatted(withFraction) }
        let milliseconds = Int64(nearest)
        let (days, inDay) = milliseconds.quotientAndRemainder(dividingBy: 86_400_000)
        let (year, month, day) = civil(daysSince1970: days)
        var text: [UInt8] = []
        text.reserveCapacity(24)
        func append(_ value: Int64, digits: Int, then separator: Unicode.Scalar) {
            var divisor: Int64 = 1
            for _ in 1..<digits { divisor *= 10 }
            while divisor > 0 {
                text.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
            text.append(UInt8(ascii: separator))
        }
        append(year, digits: 4, then: "-")
        append(month, digits: 2, then: "-")
        append(day, digits: 2, then: "T")
        append(inDay / 3_600_000, digits: 2, then: ":")
        append(inDay / 60_000 % 60, digits: 2, then: ":")
        append(inDay / 1000 % 60, digits: 2, then: ".")
        append(inDay % 1000, digits: 3, then: "Z")
        return String(decoding: text, as: UTF8.self)
    }

    /// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civil(daysSince1970 days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468  // from 0000-03-01
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let withoutFraction = Date.ISO8601FormatStyle()
}
