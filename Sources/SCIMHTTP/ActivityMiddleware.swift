import Directory
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// Records every SCIM request in the activity log: who sent it, what it touched, what it changed, how it ended.
struct ActivityMiddleware: Sendable {
    typealias Context = SCIMRequestContext
    let log: ActivityLog
    /// Requests without a valid token are kept at most once per client address every ten seconds, so a flood of
    /// made-up tokens cannot crowd the identity providers' requests out of the log.
    let anonymous = AnonymousSampler(interval: 10)

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        let time = Date()
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            record(request, context: context, status: 500, time: time, elapsed: ContinuousClock.now - started)
            throw error
        }
        record(
            request, context: context, status: Int(response.status.code), time: time,
            elapsed: ContinuousClock.now - started)
        return response
    }

    private func record(_ request: Request, context: Context, status: Int, time: Date, elapsed: Duration) {
        let facts = context.trace.current
        if facts.token == nil, !anonymous.admits(context.clientAddress ?? "unknown", at: time) { return }
        let target = Self.target(of: request.uri.path)
        log.record(
            ActivityEvent(
                time: time, organization: facts.token?.organization, requestID: context.id,
                tokenID: facts.token?.id, tokenName: facts.token?.description,
                client: IdentityProvider(userAgent: request.headers[.userAgent]).rawValue,
                method: request.method.rawValue, path: Self.clipped(request.uri.path), status: status,
                resourceKind: target.kind?.rawValue, resourceID: Self.clipped(facts.resourceID ?? target.id),
                resourceName: Self.clipped(facts.resourceName), changes: facts.changes,
                detail: Self.clipped(facts.detail),
                milliseconds: Double(elapsed.components.seconds) * 1000
                    + Double(elapsed.components.attoseconds) / 1e15))
    }

    /// The resource type and id a path names: `/scim/v2/Users/{id}`. Read on bytes: it runs for every request.
    static func target(of path: String) -> (kind: ResourceKind?, id: String?) {
        let bytes = path.utf8
        var start = bytes.startIndex
        var kind: ResourceKind?
        // Segment by segment, empty ones skipped, without building an array of them.
        while start < bytes.endIndex {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "/")) ?? bytes.endIndex
            if start < end {
                let segment = bytes[start..<end]
                if let kind { return (kind, segment.first == UInt8(ascii: ".") ? nil : String(Substring(segment))) }
                kind = endpoints.first { $0.name.elementsEqual(segment) }?.kind
            }
            start = end < bytes.endIndex ? bytes.index(after: end) : end
        }
        return (kind, nil)
    }

    /// Each kind's endpoint without its slash (`Users`), as bytes: a kind's endpoint is its resource type's, which
    /// is not worth building for every request.
    private static let endpoints = ResourceKind.allCases.map { (kind: $0, name: Array($0.endpoint.utf8.dropFirst())) }

    /// At most 512 characters, without NULs (PostgreSQL text cannot hold them): an event is evidence, not a copy.
    static func clipped(_ text: String?) -> String? {
        text.map(clipped)
    }

    static func clipped(_ text: String) -> String {
        // Most texts are short and clean; those pass untouched, without Foundation's string search.
        let clean = !text.utf8.contains(0)
        if clean && text.utf8.count <= 512 { return text }
        let short = text.prefix(512)
        return clean ? String(short) : String(short.filter { $0 != "\u{0}" })
    }
}

/// Admits one event per key per interval.
final class AnonymousSampler: Sendable {
    let interval: TimeInterval
    private let last = Mutex<[String: Date]>([:])

    init(interval: TimeInterval) {
        self.interval = interval
    }

    func admits(_ key: String, at time: Date) -> Bool {
        last.withLock { seen in
            if let previous = seen[key], time.timeIntervalSince(previous) < interval { return false }
            if seen.count > 10_000 { seen.removeAll() }
            seen[key] = time
            return true
        }
    }
}
