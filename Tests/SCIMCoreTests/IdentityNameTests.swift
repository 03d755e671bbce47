import SCIMCore
import Testing

/// Names that identify a resource compare as RFC 8265's UsernameCaseMapped profile (or more strictly).
@Suite struct IdentityNameTests {
    /// Each of these became a separate user beside `Alice@x.com` when names were folded by case alone.
    @Test(arguments: [
        "Alice@x.com ", " Alice@x.com", "Alice@x.com\t", "\u{A0}Alice@x.com", "\u{FF21}lice@x.com", "ALICE@X.COM",
        "\u{3000}alice@x.com",
    ])
    func variantsOfOneNameShareItsKey(variant: String) {
        #expect(
            IdentityName.key(variant).utf8.elementsEqual("alice@x.com".utf8), "\(variant.unicodeScalars.map(\.value))")
        #expect(IdentityName.problem(variant) == nil)
    }

    @Test func composedAndDecomposedFormsAndFullCaseFoldingAgree() {
        let composed = IdentityName.key("Jos\u{E9}@x.com")
        #expect(IdentityName.key("jose\u{301}@x.com").utf8.elementsEqual(composed.utf8))
        #expect(IdentityName.key("Stra\u{DF}e").utf8.elementsEqual("strasse".utf8))
        #expect(IdentityName.key("\u{FB01}le").utf8.elementsEqual("file".utf8), "compatibility ligature")
        #expect(IdentityName.key("Anna Smith") != IdentityName.key("AnnaSmith"), "inner spaces count")
        #expect(IdentityName.key("ana") != IdentityName.key("\u{430}na"), "Cyrillic а is another letter")
    }

    @Test(arguments: [
        ("   ", "blank"), ("\t\n", "blank"), ("ali\u{200B}ce", "U+200B"), ("alice\u{200D}", "U+200D"),
        ("al\u{FEFF}ice", "U+FEFF"), ("al\u{202E}ice", "U+202E"), ("al\tice", "U+9"), ("\u{3164}", "U+3164"),
        ("a\u{AD}lice", "U+AD"),
    ])
    func blankAndInvisibleNamesAreRefused(name: String, named: String) {
        let problem = IdentityName.problem(name)
        #expect(problem?.contains(named) == true, "\(problem ?? "accepted")")
    }

    /// Emoji sequences need their joiners and variation selectors.
    @Test func emojiSequencesAreNames() {
        #expect(IdentityName.problem("\u{1F469}\u{200D}\u{1F4BB} Developers") == nil)
        #expect(IdentityName.problem("\u{2764}\u{FE0F} Fans") == nil)
    }
}
