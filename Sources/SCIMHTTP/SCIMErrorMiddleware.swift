import Hummingbird
import Logging
import NIOCore
import SCIMCore

/// Turns every failure under `/scim/v2` into a SCIM error body; unexpected errors become a 500 that names the
/// request id and is logged with detail, which never reaches the client.
struct SCIMErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as SCIMError {
            if error.status >= 500 {
                context.logger.error("SCIM request failed", metadata: ["detail": "\(error.detail)"])
            }
            return SCIMResponse.error(error, requestID: context.id)
        } catch let error as HTTPError {
            return SCIMResponse.error(Self.translate(error, request: request))
        } catch is NIOTooManyBytesError {
            return SCIMResponse.error(.payloadTooLarge("The request body is too large."))
        } catch {
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
