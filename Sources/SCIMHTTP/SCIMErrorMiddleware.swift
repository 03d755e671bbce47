import Hummingbird
import Logging
import NIOCore
import SCIMCore

/// Turns every failure under `/scim/v2` into a SCIM error body; unexpected errors become a 500 that names the
/// request id and is logged with detail, which never reaches the client.
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
