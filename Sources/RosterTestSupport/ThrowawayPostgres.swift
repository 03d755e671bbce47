import Foundation

/// A PostgreSQL cluster of a test's own, which the test may stop and start (an outage, a restart), unlike the
/// shared one `scripts/with-postgres.sh` runs. Needs Debian's postgresql package; as root, it runs as `postgres`.
public final class ThrowawayPostgres: Sendable {
    public let url: String
    let directory: String
    let port: Int
    let bin: String
    let asPostgres: [String]

    /// The newest installed PostgreSQL's binaries, if any.
    public static var binaries: String? {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap { Int($0) }
        guard let newest = versions.max() else { return nil }
        let bin = "\(root)/\(newest)/bin"
        return FileManager.default.isExecutableFile(atPath: bin + "/pg_ctl") ? bin : nil
    }

    public static var isAvailable: Bool { binaries != nil }

    /// Creates and starts a cluster with a database `roster`.
    public init() async throws {
        guard let bin = Self.binaries else { throw ThrowawayPostgresError("PostgreSQL is not installed") }
        self.bin = bin
        directory = NSTemporaryDirectory() + "roster-outage-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if getuid() == 0 {
            asPostgres = ["/usr/sbin/runuser", "-u", "postgres", "--"]
            try await Self.run(["/bin/chown", "postgres", directory])
        } else {
            asPostgres = []
        }
        try await Self.run(
            asPostgres + [
                "\(bin)/initdb", "-D", "\(directory)/data", "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync",
            ])
        // Below the ephemeral range (32768 up), where the servers' own ports come from; a port another process
        // holds gets another try.
        var started: Int?
        for _ in 0..<3 where started == nil {
            let candidate = Int.random(in: 20_000..<30_000)
            if (try? await Self.run(asPostgres + ["\(bin)/pg_ctl"] + Self.startArguments(directory, candidate))) != nil
            {
                started = candidate
            }
        }
        guard let started else { throw ThrowawayPostgresError("PostgreSQL did not start on three ports") }
        port = started
        url = "postgres://postgres@127.0.0.1:\(port)/roster"
        try await run("createdb", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", "roster"])
    }

    /// Runs `body` with a new cluster, and removes the cluster afterwards, whatever `body` did.
    public static func with(_ body: (ThrowawayPostgres) async throws -> Void) async throws {
        let postgres = try await ThrowawayPostgres()
        do {
            try await body(postgres)
        } catch {
            await postgres.remove()
            throw error
        }
        await postgres.remove()
    }

    static func startArguments(_ directory: String, _ port: Int) -> [String] {
        [
            "-D", "\(directory)/data", "-l", "\(directory)/server.log", "-w", "-o",
            "-c listen_addresses=127.0.0.1 -p \(port) -k \(directory) -c fsync=off -c max_connections=200", "start",
        ]
    }

    /// Starts the cluster again on its port; a start that fails is tried once more two seconds later, as an
    /// operator would (CI saw one restart fail, once, after a fast shutdown). Each failure prints the end of the
    /// server's log, and the error carries it.
    public func start() async throws {
        for attempt in 1...2 {
            do {
                return try await run("pg_ctl", Self.startArguments(directory, port))
            } catch let error as ThrowawayPostgresError {
                let log = (try? String(contentsOfFile: "\(directory)/server.log", encoding: .utf8)) ?? ""
                let failure =
                    error.description + "\nserver.log ends with:\n"
                    + log.split(separator: "\n").suffix(15).joined(separator: "\n")
                FileHandle.standardError.write(Data("ThrowawayPostgres: start \(attempt) failed: \(failure)\n".utf8))
                if attempt == 2 { throw ThrowawayPostgresError(failure) }
                try await Task.sleep(for: .seconds(2))
            }
        }
    }

    /// A fast shutdown, as an operator restarting the database would do: sessions are ended, transactions rolled
    /// back.
    public func stop() async throws {
        try await run("pg_ctl", ["-D", "\(directory)/data", "-m", "fast", "-w", "stop"])
    }

    public func remove() async {
        try? await run("pg_ctl", ["-D", "\(directory)/data", "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func run(_ tool: String, _ arguments: [String]) async throws {
        try await Self.run(asPostgres + ["\(bin)/\(tool)"] + arguments)
    }

    private static func run(_ command: [String]) async throws {
        let child = try ChildProcess(command[0], Array(command.dropFirst()), output: .pipe, errors: .pipe)
        let (output, errors, status) = await child.finish()
        guard status == 0 else {
            throw ThrowawayPostgresError(
                "\(command.joined(separator: " ")) exited with \(status): "
                    + String(decoding: output + errors, as: UTF8.self))
        }
    }
}

public struct ThrowawayPostgresError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
