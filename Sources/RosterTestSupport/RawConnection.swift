import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP connection driven byte by byte, for what an HTTP client library will not do: stop mid-header, hang up
/// mid-body, send `Expect: 100-continue`. Its waits block a thread of their own, never one of Swift's cooperative
/// threads, which the server under test needs to answer.
public final class RawConnection: @unchecked Sendable {
    private let socket: Int32
    private var open = true

    public init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw CocoaError(.fileReadUnknown) }
    }

    deinit { hangUp() }

    /// Closes the connection from this side.
    public func hangUp() {
        guard open else { return }
        open = false
        Glibc.close(socket)
    }

    public func send(_ text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer { Glibc.send(socket, $0.baseAddress, $0.count - 1, 0) }
    }

    /// What arrives within `seconds` (after the first bytes, until the peer pauses); nil once the peer has closed
    /// the connection and nothing more came.
    public func receive(within seconds: Double) async -> String? {
        await offThePool { self.blockingReceive(within: seconds) }
    }

    /// What arrives until it ends with `suffix`, the peer closes, or `seconds` pass: a response whose parts come
    /// apart on a loaded machine is still read whole.
    public func receive(until suffix: String, within seconds: Double) async -> String? {
        await offThePool {
            let received = self.blockingRead(within: seconds) { $0.hasSuffix(suffix) }
            return received.isEmpty ? nil : received
        }
    }

    /// Everything that arrives until the peer closes the connection, or `seconds` pass.
    public func receiveAll(within seconds: Double) async -> String {
        await offThePool { self.blockingRead(within: seconds) { _ in false } }
    }

    /// What arrives until `enough` says so, the peer closes, or `seconds` pass.
    private func blockingRead(within seconds: Double, enough: (String) -> Bool) -> String {
        var received = Data()
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline, !enough(String(decoding: received, as: UTF8.self)) {
            var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(max(1, deadline.timeIntervalSinceNow * 1000))) > 0 else { break }
            var buffer = [UInt8](repeating: 0, count: 65_536)
            let count = recv(socket, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// Whether the peer closes the connection within `seconds`, whatever it sends first.
    public func closes(within seconds: Double) async -> Bool {
        await offThePool { self.blockingCloses(within: seconds) }
    }

    private func offThePool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: work()) }
        }
    }

    private func blockingReceive(within seconds: Double) -> String? {
        var received = Data()
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let wait = received.isEmpty ? Int32(max(1, deadline.timeIntervalSinceNow * 1000)) : 200
            guard poll(&poller, 1, wait) > 0 else { break }
            var buffer = [UInt8](repeating: 0, count: 65_536)
            let count = recv(socket, &buffer, buffer.count, 0)
            if count <= 0 { return received.isEmpty ? nil : String(decoding: received, as: UTF8.self) }
            received.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: received, as: UTF8.self)
    }

    private func blockingCloses(within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(max(1, deadline.timeIntervalSinceNow * 1000))) > 0 else { return false }
            var buffer = [UInt8](repeating: 0, count: 65_536)
            if recv(socket, &buffer, buffer.count, 0) <= 0 { return true }
        }
        return false
    }
}
