import Testing

@testable import Directory

/// The token in an `Authorization` header, in every form identity providers and administrators send it: the
/// common `Bearer <token>` is read on bytes, every other form by the general reading, with the same answers.
struct TokenHeaderTests {
    @Test(
        arguments: [
            ("Bearer roster_abc-_1", "roster_abc-_1"), ("bearer roster_abc", "roster_abc"),
            ("BEARER roster_abc", "roster_abc"),
            ("BeArEr roster_abc", "roster_abc"), ("Bearer  roster_abc", "roster_abc"),
            (" Bearer roster_abc ", "roster_abc"),
            ("Bearer roster_abc\u{3000}", "roster_abc"), ("\u{00A0}Bearer roster_abc", "roster_abc"),
            ("roster_abc", "roster_abc"), ("Bearer", "Bearer"), ("Bearer ", "Bearer"), ("Bearer x", "x"),
            ("Bearer ro ster", "ro ster"), ("Basic dXNlcjpwYXNz", nil), ("Bearerroster_abc", "Bearerroster_abc"),
            ("Bearer\troster_abc", "Bearer\troster_abc"), ("Bearer rosté", "rosté"), ("", nil), ("   ", nil),
        ] as [(String, String?)])
    func theTokenIsReadFromEveryFormOfTheHeader(header: String, token: String?) {
        #expect(TokenAuthenticator.secret(from: header) == token, "\(header)")
    }

    @Test func noHeaderNoToken() {
        #expect(TokenAuthenticator.secret(from: nil) == nil)
    }
}
