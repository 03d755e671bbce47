import Foundation
import Testing

/// Every input the fuzzer ever crashed on (and the seeds it starts from) goes through the parsers again on every
/// test run, through the same entry point libFuzzer uses (`scripts/fuzz.sh` runs the fuzzer itself).
@Suite struct FuzzCorpusTests {
    @Test func theFuzzCorpusReplaysWithoutACrash() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("FuzzCorpus").path
        let process = Process()
        process.executableURL = RosterCLITests.binary.deletingLastPathComponent().appendingPathComponent("roster-fuzz")
        process.arguments = [corpus]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        let count = Int(output.split(separator: " ").dropFirst().first ?? "") ?? 0
        #expect(count >= 4, "\(output)")
    }
}
