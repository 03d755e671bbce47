/// Names people read in the console (organizations, tokens): no control characters, which break pages and logs, and
/// no text-direction overrides or isolates, which make a name read as another (U+202E turns "Acme" around).
public enum DisplayText {
    public static func isDeceptive(_ text: String) -> Bool {
        text.unicodeScalars.contains { scalar in
            scalar.properties.generalCategory == .control || (0x202A...0x202E).contains(scalar.value)
                || (0x2066...0x2069).contains(scalar.value)
        }
    }
}
