import Foundation

extension CustomField {
    /// The longest attribute name a label may give, in characters.
    public static let maxAttributeNameLength = 64

    /// The SCIM attribute name of a field label: lower case, punctuation and symbols stripped, each run of
    /// whitespace one dash, letters folded to ASCII ("Some User's Field" → `some-users-field`, "Straße" → `strasse`).
    ///
    /// The result is an RFC 7643 §2.1 `ATTRNAME = ALPHA *(nameChar)`, ASCII only, so that filters and PATCH paths can
    /// name it. A label that gives no such name (nothing left, a leading digit, non-Latin letters, too long) is an
    /// `invalidValue` saying what to change.
    public static func attributeName(forLabel label: String) throws(SCIMError) -> String {
        var slug = Slug()
        for character in label { slug.append(character) }
        if !slug.unspellable.isEmpty {
            let letters = slug.unspellable.prefix(5).map(String.init).joined(separator: ", ")
            throw .invalidValue(
                "The field name \"\(label)\" has characters with no ASCII spelling (\(letters)): use Latin letters in the "
                    + "field name; its SCIM attribute name must be ASCII.")
        }
        let name = slug.text.trimmingCharacters(in: CharacterSet(charactersIn: "-_"))
        guard let first = name.unicodeScalars.first else {
            throw .invalidValue(
                label.allSatisfy(\.isWhitespace)
                    ? "A custom field needs a name."
                    : "The field name \"\(label)\" has no letters or digits to make a SCIM attribute name from.")
        }
        var problems: [SCIMError] = []
        if ("0"..."9").contains(first) {
            problems.append(
                .invalidValue(
                    "The field name \"\(label)\" gives the SCIM attribute name \"\(name)\", which starts with a digit; "
                        + "RFC 7643 attribute names start with a letter: begin the field name with a letter."))
        }
        if name.count > maxAttributeNameLength {
            problems.append(
                .invalidValue(
                    "The field name \"\(label)\" gives a SCIM attribute name of \(name.count) characters; at most "
                        + "\(maxAttributeNameLength) are allowed: shorten the field name."))
        }
        if let error = SCIMError.combining(problems) { throw error }
        return name
    }
}

/// An attribute name being built from a label, one character at a time.
private struct Slug {
    var text = ""
    /// Letters and digits with no ASCII spelling, as they appear in the label.
    var unspellable: [Character] = []

    /// Letters that compatibility decomposition leaves alone but that have a usual ASCII spelling.
    private static let spellings: [Unicode.Scalar: String] = [
        "ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d",
        "ð": "d", "Ð": "d", "þ": "th", "Þ": "th", "ł": "l", "Ł": "l", "ı": "i", "ħ": "h", "Ħ": "h", "ŧ": "t",
        "Ŧ": "t", "ŋ": "n", "Ŋ": "n",
    ]

    /// Appends the ASCII spelling of one character: "é" is "e", "ﬁ" is "fi", punctuation and symbols are nothing.
    mutating func append(_ character: Character) {
        for scalar in String(character).decomposedStringWithCompatibilityMapping.unicodeScalars {
            append(scalar, of: character)
        }
    }

    private mutating func append(_ scalar: Unicode.Scalar, of character: Character) {
        let properties = scalar.properties
        if [.nonspacingMark, .spacingMark, .enclosingMark].contains(properties.generalCategory) {
            return  // the accent of "é", once decomposed
        } else if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_" {
            text.unicodeScalars.append(scalar)
        } else if ("A"..."Z").contains(scalar) {
            text += String(scalar).lowercased()
        } else if let spelling = Self.spellings[scalar] {
            text += spelling
        } else if properties.isWhitespace || properties.generalCategory == .dashPunctuation {
            if !text.hasSuffix("-") { text += "-" }
        } else if properties.isAlphabetic || properties.numericType == .decimal {
            if !unspellable.contains(character) { unspellable.append(character) }
        }
    }
}
