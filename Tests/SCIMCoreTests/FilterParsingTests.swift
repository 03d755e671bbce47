import Testing

@testable import SCIMCore

private func path(_ name: String, _ sub: String? = nil, schema: String? = nil) -> AttributePath {
    AttributePath(schema: schema, name: name, subAttribute: sub)
}

private func eq(_ name: String, _ value: String) -> Filter {
    .compare(path(name), .eq, .string(value))
}

/// The detail of the `invalidFilter` error parsing `text` throws, or nil when it parses.
private func filterError(_ text: String, limits: FilterLimits = .default) -> String? {
    do {
        _ = try Filter.parse(text, limits: limits)
        return nil
    } catch {
        #expect(error.scimType == "invalidFilter")
        #expect(error.status == 400)
        return error.detail
    }
}

@Test func parsesEqualityWithQuotedString() throws {
    #expect(try Filter.parse(#"userName eq "bjensen""#) == eq("userName", "bjensen"))
}

/// RFC 7644 §3.4.2.2: "Attribute names and attribute operators used in filters are case insensitive."
@Test(arguments: [#"USERNAME Eq "x" AND title PR"#, #"userName eq "x" and title pr"#, #"userName EQ "x" aNd title Pr"#])
func operatorsAndKeywordsAreCaseInsensitive(text: String) throws {
    let filter = try Filter.parse(text)
    guard case .and(.compare(let lhs, .eq, .string("x")), .present(let rhs)) = filter else {
        Issue.record("Unexpected tree \(filter)")
        return
    }
    #expect(lhs.name.caseInsensitiveEquals("userName"))
    #expect(rhs.name.caseInsensitiveEquals("title"))
}

@Test(arguments: ComparisonOperator.allCases)
func everyComparisonOperatorParses(comparison: ComparisonOperator) throws {
    let filter = try Filter.parse("meta.lastModified \(comparison.rawValue.uppercased()) \"2024-01-01T00:00:00Z\"")
    #expect(filter == .compare(path("meta", "lastModified"), comparison, .string("2024-01-01T00:00:00Z")))
}

/// RFC 7644 §3.4.2.2 Table 4: "and" has higher precedence than "or".
@Test func andBindsTighterThanOr() throws {
    let filter = try Filter.parse(#"a eq "1" or b eq "2" and c eq "3""#)
    #expect(filter == .or(eq("a", "1"), .and(eq("b", "2"), eq("c", "3"))))
}

@Test func notBindsTighterThanAnd() throws {
    let filter = try Filter.parse(#"not (a eq "1") and b eq "2""#)
    #expect(filter == .and(.not(eq("a", "1")), eq("b", "2")))
}

/// RFC 7644 §3.4.2.2 Table 4: parentheses are "precedence grouping".
@Test func parenthesesOverridePrecedence() throws {
    let filter = try Filter.parse(#"(a eq "1" or b eq "2") and c eq "3""#)
    #expect(filter == .and(.or(eq("a", "1"), eq("b", "2")), eq("c", "3")))
}

@Test func logicalOperatorsAreLeftAssociative() throws {
    let (a, b, c) = (Filter.present(path("a")), Filter.present(path("b")), Filter.present(path("c")))
    #expect(try Filter.parse("a pr or b pr or c pr") == .or(.or(a, b), c))
    #expect(try Filter.parse("a pr and b pr and c pr") == .and(.and(a, b), c))
}

@Test func notWithoutSpaceBeforeParenthesisParses() throws {
    #expect(try Filter.parse(#"not(a eq "1")"#) == .not(eq("a", "1")))
}

/// RFC 7644 §3.10: a fully qualified path is the schema URN, a colon, and the attribute path.
@Test func urnQualifiedPathSplitsAtTheLastColon() throws {
    let urn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    let filter = try Filter.parse(#"\#(urn):manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d""#)
    let value = ComparisonValue.string("26118915-6090-4610-87e4-49d8ca9f808d")
    #expect(filter == .compare(path("manager", "value", schema: urn), .eq, value))
}

@Test func urnPrefixIsRecognisedInAnyCase() throws {
    let filter = try Filter.parse("URN:ietf:params:scim:schemas:core:2.0:User:userName pr")
    #expect(filter == .present(path("userName", schema: "URN:ietf:params:scim:schemas:core:2.0:User")))
}

/// RFC 7644 §3.4.2.2: `emails[type eq "work" and value co "@example.com"]`.
@Test func valuePathHoldsLogicalExpressions() throws {
    let filter = try Filter.parse(#"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#)
    let inner = Filter.and(eq("type", "work"), .compare(path("value"), .co, .string("@example.com")))
    #expect(filter == .and(eq("userType", "Employee"), .valuePath(path("emails"), inner)))
}

@Test func valuePathsCannotNest() {
    let detail = filterError(#"emails[type[value eq "x"]]"#)
    #expect(detail?.contains("nested") == true)
}

@Test func jsonStringEscapesAreDecoded() throws {
    let filter = try Filter.parse(#"displayName eq "say \"hi\" \\ \/ \u00e9\n\ud83d\ude00""#)
    #expect(filter == eq("displayName", "say \"hi\" \\ / é\n😀"))
}

@Test(arguments: [
    ("42", ComparisonValue.int(42)), ("-7", .int(-7)), ("1.5", .double(1.5)), ("2e3", .double(2000)),
    ("true", .bool(true)), ("FALSE", .bool(false)), ("Null", .null),
])
func bareLiteralsParseAsJSONValues(text: String, value: ComparisonValue) throws {
    #expect(try Filter.parse("x eq \(text)") == .compare(path("x"), .eq, value))
}

/// Entra ID sends `externalId eq jyoung`, without quotes; a bare word that is no JSON literal is a string.
@Test(arguments: ["jyoung", "jyoung@contoso.com", "007", "1.2.3", "abc-def"])
func unquotedBareWordIsAString(word: String) throws {
    #expect(try Filter.parse("externalId eq \(word)") == eq("externalId", word))
}

@Test func quotedBooleanStaysAString() throws {
    #expect(try Filter.parse(#"active eq "True""#) == eq("active", "True"))
}

@Test func unterminatedStringReportsWhereItStarts() {
    #expect(filterError(#"userName eq "bjensen"#) == "Unterminated string starting at position 12.")
}

@Test func missingOperatorReportsPosition() {
    #expect(filterError(#"userName "bjensen""#) == #"Expected a comparison operator after "userName" at position 9."#)
    #expect(filterError("userName") == #"Expected a comparison operator after "userName" at position 8."#)
}

@Test func unknownOperatorIsNamed() {
    #expect(filterError(#"userName equals "x""#) == #"Unknown comparison operator "equals" at position 9."#)
}

@Test func trailingTokensAreRejected() {
    #expect(filterError(#"userName eq "x" title pr"#) == #"Expected "and" or "or" but found "title" at position 16."#)
}

@Test(arguments: [
    "", "   ", "(", ")", "userName eq", "userName eq (", "(userName pr", "userName pr)", "a pr and", "and", "not",
    "not a pr", #"emails[type eq "work""#, "emails]", "[x pr]", "1abc pr", "a.b.c pr", "urn:x pr", #"a eq "\q""#,
    #"a eq "\u12""#, #"a eq "\ud800""#, "a eq \"\\", "a..b pr", "a:b pr",
])
func malformedFiltersAreInvalidFilterErrors(text: String) {
    #expect(filterError(text) != nil)
}

@Test func emptyFilterIsRejected() {
    #expect(filterError("  ") == "The filter is empty at position 0.")
}

@Test func filterLongerThanTheLimitIsRejected() {
    let text = #"userName eq ""# + String(repeating: "a", count: 70_000) + "\""
    #expect(filterError(text)?.contains("longer than the limit of 65536 characters") == true)
    #expect(filterError("userName pr", limits: FilterLimits(maxLength: 5)) != nil)
}

@Test func deepParenthesesAreRejectedWithoutExhaustingTheStack() {
    let text = String(repeating: "(", count: 100_000) + "a pr" + String(repeating: ")", count: 100_000)
    let detail = filterError(text, limits: FilterLimits(maxLength: 1_000_000))
    #expect(detail == "The filter nests more than 32 levels deep at position 32.")
}

@Test func nestingWithinTheLimitIsAccepted() throws {
    let text = String(repeating: "not (", count: 32) + "a pr" + String(repeating: ")", count: 32)
    #expect(throws: Never.self) { try Filter.parse(text) }
    #expect(filterError("not (" + text + ")") != nil)
}

/// A client looking up a list of ids sends `id eq "…" or id eq "…" …`: a chain of one operator is one level,
/// however long; what bounds it is the number of comparisons.
@Test func aChainOfOneOperatorIsOneLevelAndItsTermsAreCounted() throws {
    let ids = (0..<1000).map { #"id eq "0190abcd-0000-7000-8000-\#(String(format: "%012d", $0))""# }
    let chain = ids.joined(separator: " or ")
    let filter = try Filter.parse(chain)
    #expect(filter.chain(of: .or).count == 1000)
    let tooMany = chain + #" or userName eq "one more""#
    #expect(filterError(tooMany)?.contains("more than 1000 comparisons") == true)
    let conjunction = (0..<200).map { "a\($0) pr" }.joined(separator: " and ")
    #expect(filterError("(\(conjunction)) or b pr") == nil)
}

@Test func alternatingOperatorsStillCountTowardsDepth() {
    var text = "a pr"
    for level in 0..<40 { text = "b\(level) pr \(level % 2 == 0 ? "or" : "and") (\(text))" }
    #expect(filterError(text)?.contains("more than 32 levels") == true)
}

/// The canonical text re-parses to the same tree.
@Test(arguments: [
    #"userName eq "bjensen""#, #"a eq "1" or b eq "2" and c eq "3""#, #"(a eq "1" or b eq "2") and c eq "3""#,
    #"a pr and (b pr and c pr)"#, #"a pr or (b pr or c pr)"#, #"not (a pr or b pr) and c pr"#,
    #"emails[type eq "work" and (value co "@x" or primary eq true)]"#, #"x eq "q\"u\\o\nte\u0001""#,
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq jyoung",
    "n gt 12 and d le 1.25 and e eq 1e-7 and f eq null and g ne FALSE", "meta.lastModified gt \"2011-05-13T04:42:34Z\"",
])
func descriptionReparsesToTheSameTree(text: String) throws {
    let filter = try Filter.parse(text)
    #expect(try Filter.parse(filter.description) == filter)
}

@Test func descriptionIsCanonical() throws {
    let filter = try Filter.parse(#"USERNAME EQ bjensen AND (A PR OR NOT(B PR))"#)
    #expect(filter.description == #"USERNAME eq "bjensen" and (A pr or not (B pr))"#)
}

@Test(arguments: [
    ("userName", path("userName")), ("name.familyName", path("name", "familyName")),
    ("members.$ref", path("members", "$ref")),
    (
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
        path("manager", "value", schema: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")
    ),
])
func attributePathParses(text: String, expected: AttributePath) throws {
    #expect(try AttributePath.parse(text) == expected)
}

@Test(arguments: ["", "a.b.c", "1name", "name.", #"emails[type eq "work"]"#, "user name", "urn:", "a:b"])
func malformedAttributePathIsInvalidPath(text: String) {
    let errorType = pathErrorType { try AttributePath.parse(text) }
    #expect(errorType == "invalidPath")
}

/// The `scimType` of the error `parse` throws, or nil when it succeeds.
private func pathErrorType<T>(_ parse: () throws -> T) -> String? {
    do {
        _ = try parse()
        return nil
    } catch {
        return (error as? SCIMError)?.scimType ?? "not a SCIMError"
    }
}

/// RFC 7644 §3.5.2: `PATH = attrPath / valuePath [subAttr]`.
@Test func patchPathWithValueFilterAndSubAttributeParses() throws {
    let patchPath = try PatchPath.parse(#"emails[type eq "work"].value"#)
    let expected = PatchPath(attribute: path("emails"), filter: eq("type", "work"), subAttributeAfterFilter: "value")
    #expect(patchPath == expected)
    #expect(patchPath.description == #"emails[type eq "work"].value"#)
}

@Test func patchPathForms() throws {
    let urn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    let members = PatchPath(attribute: path("members"), filter: eq("value", "abc"))
    #expect(try PatchPath.parse(#"members[value eq "abc"]"#) == members)
    #expect(try PatchPath.parse("\(urn):manager") == PatchPath(attribute: path("manager", schema: urn)))
    #expect(try PatchPath.parse("name.familyName") == PatchPath(attribute: path("name", "familyName")))
}

@Test(arguments: ["", "emails]", #"emails[type eq "work"] .value"#, #"emails[type eq "x"].1"#, "name.x[a pr]", "a b"])
func malformedPatchPathIsInvalidPath(text: String) {
    let errorType = pathErrorType { try PatchPath.parse(text) }
    #expect(errorType == "invalidPath")
}

@Test func malformedValueFilterInPatchPathIsInvalidFilter() {
    #expect(throws: SCIMError.invalidFilter(#"Unknown comparison operator "equals" at position 12."#)) {
        try PatchPath.parse(#"emails[type equals "work"]"#)
    }
    let errorType = pathErrorType { try PatchPath.parse("emails[") }
    #expect(errorType == "invalidFilter")
}
