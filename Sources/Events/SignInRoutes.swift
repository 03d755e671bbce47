import Directory
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Single sign-on's public pages: for now each SAML connection's service provider metadata, which an identity
/// provider can be given instead of the values one by one.
public struct SignInRoutes: Sendable {
    let organizations: Organizations

    public init(organizations: Organizations) {
        self.organizations = organizations
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("sso/saml/:connection/metadata") { _, context -> Response in
            let id = try context.parameters.require("connection")
            guard let connection = try await organizations.connections.connection(id: id) else {
                return Response(
                    status: .notFound,
                    headers: [
                        .contentType: "text/plain; charset=utf-8", HTTPField.Name("X-Content-Type-Options")!: "nosniff",
                    ],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: "There is no SAML connection \(id).\n")))
            }
            let xml = connection.serviceProviderMetadata(publicURL: organizations.publicURL)
            return Response(
                status: .ok, headers: [.contentType: "application/samlmetadata+xml", .cacheControl: "max-age=300"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: xml)))
        }
    }
}
