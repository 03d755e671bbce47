import Directory
import Foundation
import Hummingbird
import Logging
import SCIMCore

extension SCIMRoutes {
    /// `POST /Bulk` (RFC 7644 §3.7): 200 with each attempted operation's own status, in the order written. Bounded by
    /// `maxOperations` and `maxPayloadSize` (413 past either). When the database is unavailable before any
    /// operation succeeded, the whole request is answered 503, as a single request would be: nothing was changed.
    func bulk(_ request: Request, _ context: SCIMRequestContext) async throws -> Response {
        let directory = try context.requireDirectory()
        var request = request
        let body = try await request.scimBody(limit: limits.maxBulkPayloadSize)
        let bulk = try BulkRequest(body, maxOperations: limits.maxBulkOperations)
        // Admitted as one request, it pays for each of its operations: the token's next requests wait for them.
        if let token = context.token {
            throttles.requests?.charge(token.id, cost: Double(bulk.operations.count - 1))
        }
        let result = await directory.bulk(bulk)
        recordActivity(of: result.outcomes, request: request, context: context)
        if let unavailable = result.unavailable, !result.outcomes.contains(where: { $0.status < 400 }) {
            throw unavailable
        }
        let failures = result.outcomes.filter { $0.status >= 400 }.count
        if failures > 0 {
            context.trace.failed("\(failures) of \(result.outcomes.count) operations failed.")
        }
        return SCIMResponse.json(
            .ok,
            .object([
                "schemas": .array([.string(MessageSchema.bulkResponse)]),
                "Operations": .array(result.outcomes.map(\.json)),
            ]))
    }

    /// Each operation is recorded as the request it stands for, under the Bulk request's id, so the console shows
    /// whom each one created, changed or deleted (and the provenance of what it created).
    private func recordActivity(of outcomes: [BulkOutcome], request: Request, context: SCIMRequestContext) {
        let facts = context.trace.current
        let base = String(request.uri.path.dropLast("/Bulk".count))
        let client = IdentityProvider(userAgent: request.headers[.userAgent]).rawValue
        let time = Date()
        for outcome in outcomes {
            if let unexpected = outcome.unexpected {
                context.logger.error(
                    "Unexpected error in a Bulk operation",
                    metadata: ["error": "\(unexpected)", "operation": "\(outcome.index)"])
            }
            let path = outcome.location.map { base + String($0.dropFirst(organizations.scimEndpoint.count)) }
            organizations.activityLog.record(
                ActivityEvent(
                    time: time, organization: facts.token?.organization, requestID: context.id,
                    tokenID: facts.token?.id, tokenName: facts.token?.description, client: client,
                    method: outcome.method, path: ActivityMiddleware.clipped(path ?? base + "/Bulk"),
                    status: outcome.status, resourceKind: outcome.kind?.rawValue,
                    resourceID: ActivityMiddleware.clipped(outcome.id),
                    resourceName: ActivityMiddleware.clipped(outcome.name), changes: outcome.changes,
                    detail: ActivityMiddleware.clipped(outcome.error?.detail),
                    milliseconds: Double(outcome.elapsed.components.seconds) * 1000
                        + Double(outcome.elapsed.components.attoseconds) / 1e15))
        }
    }
}
