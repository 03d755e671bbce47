import Foundation
import RosterTestSupport
import Testing

/// Every input the fuzzer ever crashed on (and the seeds it starts from) goes through the parsers again on every
/// test run, through the same entry point libFuzzer uses (`scripts/fuzz.sh` runs the fuzzer itself).
@Suite struct FuzzCorpusTests {
    @Test func theFuzzCorpusReplaysWithoutACrash() async throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("FuzzCorpus").path
        let fuzzer = RosterCLITests.binary.deletingLastPathComponent().appendingPathComponent("roster-fuzz").path
        let child = try ChildProcess(fuzzer, [corpus], output: .pipe)
        let (data, _, status) = await child.finish()
        let output = String(decoding: data, as: UTF8.self)
        #expect(status == 0, "\(output)")
        let count = Int(output.split(separator: " ").dropFirst().first ?? "") ?? 0
        #expect(count >= 4, "\(output)")
    }
}
