import Foundation

/// How names that identify a resource (`userName`, a group's `displayName`) are compared: as RFC 8265's
/// UsernameCaseMapped profile compares usernames, or a little more strictly. Surrounding white space is trimmed;
/// compatibility forms are mapped (fullwidth `Ａ` is `A`, `ﬁ` is `fi`), composed (NFKC, so `é` typed as `e` and a
/// combining accent is `é`), and case folded (`ß` is `ss`). Two names with the same key are the same name. The
/// name itself is stored and returned as the client sent it.
public enum IdentityName {
    /// The comparison key of a whole name.
    public static func key(_ name: String) -> String {
        trimmed(fold(trimmed(name)))
    }

    /// The comparison form of part of a name (what `co`, `sw` and `ew` look for), untrimmed.
    public static func fold(_ text: String) -> String {
        // ASCII is its own compatibility form and folds by lower-casing: a hundred times faster, and most names.
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.lowercased() }
        let folded = text.precomposedStringWithCompatibilityMapping.folding(options: [.caseInsensitive], locale: nil)
            .precomposedStringWithCompatibilityMapping
        // As NFKC_Casefold does, code points nobody sees are no part of the name: `bob1` and `bob1` followed by a
        // variation selector are one name.
        guard folded.unicodeScalars.contains(where: \.properties.isDefaultIgnorableCodePoint) else { return folded }
        var visible = String.UnicodeScalarView()
        visible.append(contentsOf: folded.unicodeScalars.lazy.filter { !$0.properties.isDefaultIgnorableCodePoint })
        return String(visible)
    }

    /// The longest key, in bytes, a name may have: compatibility forms can make a name of 1 KiB more than ten times
    /// longer, and a key must fit the index that keeps it unique.
    public static let maxKeyBytes = 2048

    /// Why a name cannot identify anything, or nil: blank, holding a character nobody can see or type apart from
    /// others (controls, zero-width and other format characters, default-ignorable code points), or too long to
    /// compare once normalized. Joiners and variation selectors are allowed inside emoji sequences, which need them.
    public static func problem(_ name: String) -> String? {
        // Printable ASCII, as most names are: nothing invisible, and its key (lower-cased) as long as it is. Walking
        // the scalars' Unicode properties was 2% of a create's CPU.
        if name.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) {
            let length = trimmed(name).utf8.count
            if length == 0 { return "must not be blank" }
            return length > maxKeyBytes
                ? "is \(length) bytes long once normalized for comparison, more than \(maxKeyBytes)" : nil
        }
        return problemOfAnyName(name)
    }

    /// `problem` for any name, by the Unicode properties of its scalars.
    static func problemOfAnyName(_ name: String) -> String? {
        let core = trimmed(name)
        if core.isEmpty { return "must not be blank" }
        var previous: Unicode.Scalar?
        for scalar in core.unicodeScalars {
            defer { previous = scalar }
            guard isInvisible(scalar) else { continue }
            if let previous, previous.properties.isEmoji || isEmojiJoiner(previous), isEmojiJoiner(scalar) {
                continue
            }
            return "must not contain the invisible character U+\(String(scalar.value, radix: 16, uppercase: true))"
        }
        let length = key(core).utf8.count
        if length > maxKeyBytes {
            return "is \(length) bytes long once normalized for comparison, more than \(maxKeyBytes)"
        }
        return nil
    }

    static func trimmed(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII's white space is tab to carriage return and the space.
            let white = { (byte: UInt8) in byte == 0x20 || (0x09...0x0D).contains(byte) }
            let bytes = text.utf8
            guard let first = bytes.firstIndex(where: { !white($0) }), let last = bytes.lastIndex(where: { !white($0) })
            else { return "" }
            return String(text[first...last])
        }
        return trimmedScalars(text)
    }

    /// `trimmed` for any text, by the Unicode white space property.
    static func trimmedScalars(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }

    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate: true
        default: scalar.properties.isDefaultIgnorableCodePoint
        }
    }

    /// Zero-width joiner, variation selectors and tag characters: the invisible parts of emoji sequences.
    static func isEmojiJoiner(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value == 0x200D || (0xFE00...0xFE0F).contains(scalar.value) || (0xE0020...0xE007F).contains(scalar.value)
    }
}
