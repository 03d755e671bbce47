import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process started with `posix_spawn`, for the tests that run `roster`, the fuzzer, chromedriver and curl.
///
/// Not Foundation's `Process`: on this toolchain its `run()` reads past a buffer while it lists the parent's open
/// files (swift-corelibs-foundation PR #5472, not in Swift 6.3.1) and now and then crashed a whole test run here,
/// whichever test happened to be starting a process.
public final class ChildProcess: @unchecked Sendable {
    /// Where one of the child's standard streams goes.
    public enum Stream: Sendable {
        case inherit, discard, pipe
        /// Standard error into the same place as standard output.
        case output
    }

    public let pid: pid_t
    /// The parent's ends of the streams given as `.pipe`: read the child's output and errors, write its input.
    public let input: FileHandle?
    public let output: FileHandle?
    public let errors: FileHandle?
    private let lock = NSLock()
    private var status: Int32?
    /// Held from making a child's pipes to starting it, so no other child starts in between and inherits them.
    private static let spawning = NSLock()

    /// Starts `executable` (a path, or a name looked up in PATH) with `environment` added to this process's own.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], input: Stream = .inherit,
        output: Stream = .inherit, errors: Stream = .inherit
    ) throws {
        Self.spawning.lock()
        defer { Self.spawning.unlock() }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var childEnds: [Int32] = []
        defer { for descriptor in childEnds { close(descriptor) } }
        func connect(_ stream: Stream, to target: Int32, childReads: Bool) throws -> FileHandle? {
            switch stream {
            case .inherit:
                return nil
            case .discard:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", childReads ? O_RDONLY : O_WRONLY, 0)
                return nil
            case .output:
                posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, target)
                return nil
            case .pipe:
                // Close-on-exec, so no other child holds an end open (its reader would never see the end of the
                // stream); dup2 gives the child its copy without the flag. Glibc's pipe2 is not visible to Swift,
                // so the flag is set after the fact, under the lock every spawn here takes.
                var ends: [Int32] = [-1, -1]
                guard pipe(&ends) == 0 else { throw CLIError(description: "pipe: errno \(errno)") }
                for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
                let (child, parent) = childReads ? (ends[0], ends[1]) : (ends[1], ends[0])
                childEnds.append(child)
                posix_spawn_file_actions_adddup2(&actions, child, target)
                return FileHandle(fileDescriptor: parent, closeOnDealloc: true)
            }
        }
        self.input = try connect(input, to: STDIN_FILENO, childReads: true)
        self.output = try connect(output, to: STDOUT_FILENO, childReads: false)
        self.errors = try connect(errors, to: STDERR_FILENO, childReads: false)

        let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0)=\($1)" }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = variables.map { strdup($0) } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid = pid_t()
        let result = posix_spawnp(&pid, executable, &actions, nil, argv, envp)
        guard result == 0 else { throw CLIError(description: "could not start \(executable): errno \(result)") }
        self.pid = pid
    }

    /// Reads the child's piped output and errors to their ends and waits for it to exit, on threads of their own.
    ///
    /// All of this blocks for as long as the child runs, and a test blocking one of the two threads of Swift's
    /// cooperative pool on this machine stalls every other test: in full runs, a 20 ms store test took 10 s and a
    /// request one test timed took over 10 s. The pipes are read at the same time, so a child filling one while
    /// the other is read does not stop.
    public func finish() async -> (output: Data, errors: Data, status: Int32) {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { [self] in
                let errors = ReadToEnd(errors)
                let output = self.output?.readDataToEndOfFile() ?? Data()
                continuation.resume(returning: (output, errors.data(), wait()))
            }
        }
    }

    /// Waits for the child to end: its exit code, or the number of the signal that ended it (as `Process` says).
    @discardableResult public func wait() -> Int32 {
        lock.lock()
        defer { lock.unlock() }
        if let status { return status }
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) == -1 && errno == EINTR {}
        let ended = Self.status(raw)
        status = ended
        return ended
    }

    /// Whether the child has ended, without waiting for it.
    public var hasEnded: Bool {
        lock.lock()
        defer { lock.unlock() }
        return endedStatus() != nil
    }

    /// The child's status if it has ended (reaping it), nil while it runs; called with the lock held.
    private func endedStatus() -> Int32? {
        if let status { return status }
        var raw: Int32 = 0
        guard waitpid(pid, &raw, WNOHANG) == pid else { return nil }
        status = Self.status(raw)
        return status
    }

    /// A `waitpid` status as `Process` gives it: the exit code, or the number of the signal.
    private static func status(_ raw: Int32) -> Int32 { raw & 0x7f == 0 ? (raw >> 8) & 0xff : raw & 0x7f }

    /// The child's end within `seconds`, waited for off Swift's thread pool; nil if it is still running.
    public func end(within seconds: Double) async -> Int32? {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { [self] in
                let deadline = Date().addingTimeInterval(seconds)
                while Date() < deadline {
                    lock.lock()
                    let ended = endedStatus()
                    lock.unlock()
                    if let ended { return continuation.resume(returning: ended) }
                    usleep(20_000)
                }
                continuation.resume(returning: nil)
            }
        }
    }

    /// Sends `signal`, unless the child has already been waited for (its pid may belong to another process by now).
    public func send(_ signal: Int32) {
        lock.lock()
        defer { lock.unlock() }
        if status == nil { _ = kill(pid, signal) }
    }
}

/// A pipe read to its end on a thread of its own.
private final class ReadToEnd: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var collected = Data()

    init(_ handle: FileHandle?) {
        Thread.detachNewThread { [self] in
            collected = handle?.readDataToEndOfFile() ?? Data()
            done.signal()
        }
    }

    /// Everything read, once the pipe has ended.
    func data() -> Data {
        done.wait()
        return collected
    }
}

/// A child process that could not be started or run as a test expected.
public struct CLIError: Error, CustomStringConvertible {
    public var description: String

    public init(description: String) {
        self.description = description
    }
}
