import Directory
import Hummingbird
import SCIMCore

extension SCIMRoutes {
    /// `/ServiceProviderConfig`, `/ResourceTypes` and `/Schemas` (RFC 7644 §4), each also addressable by id.
    func registerDiscovery(on group: SCIMRouteGroup) {
        group.get("ServiceProviderConfig") { _, _ in
            SCIMResponse.json(.ok, serviceProviderConfig.representation(location: url("/ServiceProviderConfig")))
        }
        group.get("ResourceTypes") { _, context in
            SCIMResponse.json(.ok, listing(try await resourceTypes(context).map(resourceTypeJSON)))
        }
        group.get("ResourceTypes/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let type = try await resourceTypes(context).first(where: { $0.id.caseInsensitiveEquals(id) }) else {
                throw SCIMError.notFound("Resource type \"\(id)\" not found.")
            }
            return SCIMResponse.json(.ok, resourceTypeJSON(type))
        }
        group.get("Schemas") { _, context in
            SCIMResponse.json(.ok, listing(try await schemas(context).map(schemaJSON)))
        }
        group.get("Schemas/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let schema = try await schemas(context).first(where: { $0.id.caseInsensitiveEquals(id) }) else {
                throw SCIMError.notFound("Schema \"\(id)\" not found.")
            }
            return SCIMResponse.json(.ok, schemaJSON(schema))
        }
        for path in ["ServiceProviderConfig", "ResourceTypes", "ResourceTypes/:id", "Schemas", "Schemas/:id"] {
            for method in [HTTPRequest.Method.post, .put, .patch, .delete] {
                group.on(RouterPath(stringLiteral: path), method: method) { request, _ -> Response in
                    throw SCIMError.methodNotAllowed(
                        "\(request.method) is not allowed on \(request.uri.path): "
                            + "discovery endpoints are read-only.")
                }
            }
        }
    }

    var serviceProviderConfig: ServiceProviderConfig {
        ServiceProviderConfig(
            maxResults: limits.maxResults, maxPayloadSize: limits.maxBulkPayloadSize,
            maxOperations: limits.maxBulkOperations, cursorTimeout: limits.cursorTimeout)
    }

    /// The resource types of the token's organization as they stand now: its custom user fields, and no other
    /// organization's, appear without a restart.
    func resourceTypes(_ context: SCIMRequestContext) async throws -> [ResourceType] {
        let snapshot = try await context.requireDirectory().schemas()
        return ResourceKind.allCases.map(snapshot.type)
    }

    /// Every schema of every resource type, each once.
    func schemas(_ context: SCIMRequestContext) async throws -> [Schema] {
        var seen = Set<String>()
        return try await resourceTypes(context).flatMap(\.allSchemas).filter { seen.insert($0.id).inserted }
    }

    private func resourceTypeJSON(_ type: ResourceType) -> JSON {
        type.resourceTypeRepresentation(location: url("/ResourceTypes/\(type.id)"))
    }

    private func schemaJSON(_ schema: Schema) -> JSON {
        schema.representation(location: url("/Schemas/\(schema.id)"))
    }

    private func listing(_ resources: [JSON]) -> JSON {
        ListResponse(totalResults: resources.count, startIndex: 1, resources: resources).json
    }

    private func url(_ path: String) -> String { organizations.scimEndpoint + path }
}
