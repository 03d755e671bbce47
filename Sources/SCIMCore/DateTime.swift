import Foundation

/// `xsd:dateTime` values (RFC 7643 §2.3.5): parsed leniently, always written in UTC with milliseconds.
public enum DateTime {
    /// Parses `2026-11-29T02:17:12Z`, with or without fractional seconds, with `Z` or an offset.
    public static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: withFraction) { return date }
        if let date = try? Date(text, strategy: withoutFraction) { return date }
        return nil
    }

    /// Formats a date as `2026-11-29T02:17:12.123Z`.
    public static func format(_ date: Date) -> String {
        date.formatted(withFraction)
    }

    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let withoutFraction = Date.ISO8601FormatStyle()
}
