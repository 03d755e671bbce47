import Logging
import Synchronization

#if canImport(Darwin)
    import Darwin
#else
    import Glibc
#endif

/// Log lines in swift-log's `StreamLogHandler` format (`time level label: key=value … [source] message`), written
/// with less work per request.
///
/// Hummingbird gives every request's logger its request id, and `StreamLogHandler` re-sorts and re-joins its
/// metadata on every such change, logged or not; it also formats the time with `strftime` for every line. Here
/// metadata is sorted only when a line is written, and the time is formatted once a second.
public struct LineLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private let write: @Sendable (String) -> Void

    /// A handler writing each line to `write`, whole.
    public init(label: String, write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.write = write
    }

    /// Standard output, one `write(2)` per line, so lines from many threads never interleave.
    public static func standardOutput(label: String) -> LineLogHandler {
        LineLogHandler(label: label) { line in writeAll(line, to: STDOUT_FILENO) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let explicit = event.metadata { all.merge(explicit) { _, new in new } }
        if let error = event.error {
            all["error.message"] = "\(error)"
            all["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        var line = Self.clock.now()
        line.reserveCapacity(128)
        line += " \(event.level)"
        line += label.isEmpty ? ":" : " \(label):"
        for (key, value) in all.sorted(by: { $0.key < $1.key }) {
            line += " \(key)=\(value)"
        }
        line += " [\(event.source)] \(event.message)\n"
        write(line)
    }

    static let clock = SecondClock()
}

/// The local time as `strftime("%Y-%m-%dT%H:%M:%S%z")` gives it, formatted again only when the second changes.
public final class SecondClock: Sendable {
    private let last = Mutex<(second: time_t, text: String)>((-1, ""))

    public init() {}

    public func now() -> String {
        let second = time(nil)
        if let text = last.withLock({ $0.second == second ? $0.text : nil }) { return text }
        let text = Self.format(second)
        last.withLock { $0 = (second, text) }
        return text
    }

    public static func format(_ second: time_t) -> String {
        var second = second
        var local = tm()
        guard localtime_r(&second, &local) != nil else { return "<unknown>" }
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &local)
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Writes all of `text` to `descriptor`, retrying after interruptions; gives up silently on an error, as a log must.
private func writeAll(_ text: String, to descriptor: Int32) {
    var text = text
    text.withUTF8 { bytes in
        var rest = UnsafeRawBufferPointer(bytes)
        while !rest.isEmpty {
            #if canImport(Darwin)
                let written = Darwin.write(descriptor, rest.baseAddress, rest.count)
            #else
                let written = Glibc.write(descriptor, rest.baseAddress, rest.count)
            #endif
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            rest = UnsafeRawBufferPointer(rebasing: rest[written...])
        }
    }
}
