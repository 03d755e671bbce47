import Testing

@testable import SCIMCore

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

    /// What nobody sees is no part of the key (as in NFKC_Casefold), even where it is allowed in the name.
    @Test func invisibleCodePointsAllowedInANameAreNoPartOfItsKey() {
        #expect(IdentityName.problem("bob1\u{FE0F}") == nil)
        #expect(IdentityName.key("Bob1\u{FE0F}").utf8.elementsEqual("bob1".utf8))
        #expect(
            IdentityName.fold("\u{2764}\u{FE0F} Fans").unicodeScalars.map(\.value) == [
                0x2764, 0x20, 0x66, 0x61, 0x6E, 0x73,
            ])
    }

    /// Compatibility forms can make a short name long: ﷺ alone is 18 letters.
    @Test func aNameWhoseKeyIsTooLongIsRefused() {
        let name = String(repeating: "\u{FDFA}", count: 300)
        #expect(name.utf8.count < 1024)
        #expect(IdentityName.problem(name)?.contains("normalized") == true)
        #expect(IdentityName.problem(String(repeating: "\u{FDFA}", count: 20)) == nil)
    }

    /// Emoji sequences need their joiners and variation selectors.
    @Test func emojiSequencesAreNames() {
        #expect(IdentityName.problem("\u{1F469}\u{200D}\u{1F4BB} Developers") == nil)
        #expect(IdentityName.problem("\u{2764}\u{FE0F} Fans") == nil)
    }

    /// ASCII names take a shortcut past the Unicode properties; for every one of these (white space, controls,
    /// DEL, printable characters, up to past the longest key) it answers as the scalars do.
    @Test func asciiNamesAnswerAsTheirScalarsDo() {
        let pieces = [
            " ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", "\u{1C}", "\u{1F}", "\u{7F}", "a", "Z", "0", "@", ".", "~",
        ]
        var random = 0x9E37_79B9_7F4A_7C15 as UInt64
        var names = [
            "", " ", "\t \n", String(repeating: "a", count: 2048), String(repeating: "a", count: 2049),
            " " + String(repeating: "b", count: 2048) + " ",
        ]
        for _ in 0..<4000 {
            random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            var name = ""
            for shift in stride(from: 0, to: Int((random >> 60) + 1) * 4, by: 4) {
                name += pieces[Int((random >> UInt64(shift)) % UInt64(pieces.count))]
            }
            names.append(name)
        }
        for name in names {
            #expect(IdentityName.problem(name) == IdentityName.problemOfAnyName(name), "\(Array(name.utf8))")
            #expect(IdentityName.trimmed(name) == IdentityName.trimmedScalars(name), "\(Array(name.utf8))")
        }
    }
}
