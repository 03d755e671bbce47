import App
import Foundation
import Logging
import Synchronization
import Testing

/// Roster's log lines read as swift-log's `StreamLogHandler` writes them, so nothing changes for whoever reads
/// the logs; only the work per line is less.
struct LineLogHandlerTests {
    final class Lines: TextOutputStream, Sendable {
        let all = Mutex<[String]>([])
        func write(_ string: String) { all.withLock { $0.append(string) } }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String { "disk full" }
    }

    @Test func linesReadAsStreamLogHandlersDo() {
        let ours = Lines()
        let theirs = Lines()
        for (index, stream) in [ours, theirs].enumerated() {
            func handler(_ label: String) -> any LogHandler {
                index == 0
                    ? LineLogHandler(label: label) { ours.write($0) }
                    : StreamLogHandler(label: label, stream: stream, metadataProvider: nil)
            }
            var logger = Logger(label: "roster", factory: handler)
            logger.info("started")
            logger[metadataKey: "hb.request.id"] = "7edf"
            logger.info("request", metadata: ["status": "200", "method": "GET", "path": "/scim/v2/Users"])
            logger.warning("override", metadata: ["hb.request.id": "other", "a": ["1", "2"]])
            logger.error("failed", error: Failure(), metadata: ["b": ["k": "v"]])
            logger.debug("not written at the default level")
            logger[metadataKey: "hb.request.id"] = nil
            logger.notice("", metadata: [:])
            var unlabelled = Logger(label: "", factory: handler)
            unlabelled.logLevel = .trace
            unlabelled.trace("quiet")
        }
        // Each line without its time, which may fall in different seconds for the two handlers.
        func untimed(_ lines: Lines) -> [String] {
            lines.all.withLock { $0 }.map { String($0.drop { $0 != " " }) }
        }
        #expect(untimed(ours).count == 6)
        #expect(untimed(ours) == untimed(theirs))
        #expect(
            untimed(ours)[1]
                == " info roster: hb.request.id=7edf method=GET path=/scim/v2/Users status=200 [SCIMHTTPTests] request\n"
        )
    }

    @Test func timesAreLocalSecondsWithTheirOffset() throws {
        let clock = SecondClock()
        let before = Date()
        let text = clock.now()
        #expect(text.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}/) != nil, "\(text)")
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ssZ"
        let parsed = try #require(formatter.date(from: text))
        #expect(abs(parsed.timeIntervalSince(before)) < 2)
        #expect(SecondClock.format(86_400) != SecondClock.format(86_401))
        #expect(try #require(formatter.date(from: SecondClock.format(86_401))) == Date(timeIntervalSince1970: 86_401))
    }
}
