import Foundation
import RosterTestSupport
import Testing

/// python-scim's scim2-tester, a conformance suite nobody here wrote, runs every one of its checks against a real
/// `roster serve` (discovery, create/read/replace/delete, attributes, PATCH add/remove/replace on every path).
///
/// Runs when `ROSTER_SCIM2_TESTER_PYTHON` names a Python with `scim2-tester[httpx2]` installed. CI installs it and
/// runs this suite on its own after the others, with `ROSTER_REQUIRE_SCIM2_TESTER=1`, so a missing one fails.
@Suite(.serialized) struct Scim2TesterTests {
    static let python = ProcessInfo.processInfo.environment["ROSTER_SCIM2_TESTER_PYTHON"]
    static let required = ProcessInfo.processInfo.environment["ROSTER_REQUIRE_SCIM2_TESTER"] == "1"

    /// The checks whose expectations depart from the RFCs rather than Roster from them: after a PATCH of
    /// `members`, they compare what they sent with the group read back, field for field, so the `display` a server
    /// adds to each member (RFC 7643 §4.2, readOnly) counts as a difference.
    static let known = ["check_add_attribute[Group]", "check_replace_attribute[Group]"]

    @Test(.enabled(if: python != nil || required))
    func everyCheckPasses() async throws {
        let python = try #require(Self.python, "set ROSTER_SCIM2_TESTER_PYTHON (see .ci/run)")
        let database = RosterCLITests.temporaryDatabase()
        let token = try await RosterCLITests.createToken("scim2-tester", database: database)
        let server = try RunningServer(arguments: ["serve", "--port", "0", "--database", database])
        defer { server.stop() }
        let port = try await server.waitForPort()
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/scim2-tester.py").path
        let child = try ChildProcess(
            python,
            [script, "http://127.0.0.1:\(port)/scim/v2", token] + Self.known.flatMap { ["--known", $0] },
            output: .pipe, errors: .output)
        let (data, _, status) = await child.finish()
        let report = String(decoding: data, as: UTF8.self)
        #expect(status == 0, "\(report)")
        #expect(report.contains(" 0 failed"), "\(report)")
        // Every check ran: discovery let the resource checks through.
        let passed = report.split(separator: "\n").last.flatMap { $0.split(separator: " ").dropFirst().first }
        #expect(Int(passed ?? "") ?? 0 > 100, "\(report)")
    }
}
