import Directory
import Hummingbird
import Logging
import NIOCore
import SCIMCore
import Synchronization

/// Turns every failure under `/scim/v2` into a SCIM error body: a database that cannot be reached is a 503 with
/// `Retry-After` (507 when its storage is full), and unexpected errors become a 500 that names the request id and
/// is logged with detail, which never reaches the client.
struct SCIMErrorMiddleware: Sendable {
    typealias Context = SCIMRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as SCIMError {
            context.trace.failed(error.detail)
            if error.status >= 500 {
                context.logger.error("SCIM request failed", metadata: ["detail": "\(error.detail)"])
            }
            return SCIMResponse.error(error, requestID: context.id)
        } catch let error as HTTPError {
            let translated = Self.translate(error, request: request)
            context.trace.failed(translated.detail)
            return SCIMResponse.error(translated)
        } catch is NIOTooManyBytesError {
            context.trace.failed("The request body is too large.")
            return SCIMResponse.error(.payloadTooLarge("The request body is too large."))
        } catch let error where StoreUnavailable.from(error) != nil {
            let unavailable = StoreUnavailable.from(error)!
            context.trace.failed(unavailable.detail)
            OutageLog.shared.report(unavailable, logger: context.logger)
            var answer = SCIMError(status: unavailable.status, detail: unavailable.detail)
            answer.retryAfter = unavailable.retryAfter
            return SCIMResponse.error(answer)
        } catch {
            context.trace.failed("Internal server error.")
            context.logger.error(
                "Unexpected error in SCIM request", metadata: ["error": "\(String(reflecting: error))"])
            return SCIMResponse.error(SCIMError(status: 500, detail: "Internal server error."), requestID: context.id)
        }
    }

    private static func translate(_ error: HTTPError, request: Request) -> SCIMError {
        switch error.status {
        case .notFound: .notFound("No SCIM endpoint at \(request.uri.path).")
        case .methodNotAllowed: .methodNotAllowed("\(request.method) is not allowed on \(request.uri.path).")
        case .contentTooLarge: .payloadTooLarge("The request body is too large.")
        default: SCIMError(status: Int(error.status.code), detail: error.body ?? error.status.reasonPhrase)
        }
    }
}

/// Logs a database outage once when it begins and then at most every ten seconds, with how many requests it
/// refused meanwhile: a storm of identical lines helps nobody at 3 a.m.
public final class OutageLog: Sendable {
    public static let shared = OutageLog()
    private let state = Mutex<(last: ContinuousClock.Instant?, refused: Int)>((nil, 0))

    public func report(_ unavailable: StoreUnavailable, logger: Logger) {
        let now = ContinuousClock.now
        let refused: Int? = state.withLock { state in
            state.refused += 1
            if let last = state.last, now - last < .seconds(10) { return nil }
            defer { state = (now, 0) }
            return state.refused
        }
        guard let refused else { return }
        logger.warning(
            "The database is unavailable: requests are answered \(unavailable.status) with Retry-After",
            metadata: ["cause": "\(unavailable.cause)", "refused": "\(refused)"])
    }
}
