import Dispatch

/// Runs CPU-heavy work on threads of its own, so the event loops that serve every other request keep answering
/// while one request computes. Only work known to be long goes here: the hop costs more than short work.
enum Offload {
    private static let queue = DispatchQueue(label: "roster.compute", qos: .userInitiated, attributes: .concurrent)

    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}
