import Testing

@testable import SCIMCore

/// Filter spellings identity providers send that RFC 7644's grammar does not have.
@Suite struct FilterDialectTests {
    /// Entra ID: "attributes used for user uniqueness must be filterable (e.g. emails[type eq "work"].value eq …)".
    @Test func entraValuePathFollowedBySubAttributeComparisonMeansAConjunction() throws {
        let filter = try Filter.parse(#"emails[type eq "work"].value eq "user@contoso.com""#)
        let expected = Filter.valuePath(
            AttributePath(name: "emails"),
            .and(
                .compare(AttributePath(name: "type"), .eq, .string("work")),
                .compare(AttributePath(name: "value"), .eq, .string("user@contoso.com"))))
        #expect(filter == expected)
        let user: JSONObject = [
            "emails": [
                .object(["value": "user@contoso.com", "type": "home"]), .object(["value": "x@y", "type": "work"]),
            ]
        ]
        #expect(filter.matches(user, in: .user) == false)
        let matching: JSONObject = ["emails": [.object(["value": "User@Contoso.com", "type": "work"])]]
        #expect(filter.matches(matching, in: .user))
    }

    @Test func entraValuePathSubAttributeFormCombinesWithLogic() throws {
        let filter = try Filter.parse(#"emails[type eq "work"].value pr and userName eq "a""#)
        guard case .and(.valuePath(_, .and(_, .present)), .compare) = filter else {
            Issue.record("unexpected tree \(filter)")
            return
        }
    }

    /// PingOne's admin-written filters use mixed-case operators.
    @Test func pingOneMixedCaseOperatorsParse() throws {
        #expect(
            try Filter.parse(#"username Eq "jdoe""#) == .compare(AttributePath(name: "username"), .eq, .string("jdoe")))
        #expect(try Filter.parse(#"email Co "@x""#) == .compare(AttributePath(name: "email"), .co, .string("@x")))
    }
}
