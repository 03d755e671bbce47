import Directory
import Foundation
import Hummingbird
import SCIMCore
import SCIMHTTP

struct SingleSignOnPage: PageModel {
    struct Connection: Sendable {
        var id: String
        var idpEntityID: String
        var entityID: String
        var acsURL: String
        var metadataURL: String
        var certificateURL: String
        var justInTime: Bool
        var idpInitiated: Bool
        var created: String
        var lastAttempt: String?
        var lastSucceeded: Bool
        var lastText: String?
        var removePath: String
    }

    var layout: Layout
    var connections: [Connection]
    var hasConnections: Bool
    var addPath: String
    var organizationID: String
    var authorizeURL: String
}

extension AdminConsole {
    /// Single sign-on: the organization's SAML connections, each with the values to paste into Okta and Entra ID
    /// and its latest sign-in attempt (who, or why it was refused, in words); add one from the identity provider's
    /// metadata, or remove one.
    func registerSingleSignOn(on group: RouterGroup<SCIMRequestContext>) {
        scoped(group, .get, "sso") { request, context in
            let session = try await signedIn(request)
            return try await singleSignOnPage(request, scope: try await scope(context), session: session)
        }
        scoped(group, .post, "sso/connections") { request, context in
            let session = try await signedIn(request)
            let scope = try await scope(context)
            // Metadata with several certificates runs to tens of kilobytes.
            let form = try await form(request, context: context, session: session, limit: 512 * 1024)
            guard let metadata = form.text("metadata") else {
                throw ConsoleError.badRequest("Paste the identity provider's SAML metadata XML.")
            }
            do {
                _ = try await organizations.connections.add(
                    organization: scope.organization.id, identityProvider: .metadata(Data(metadata.utf8)),
                    justInTime: form["justInTime"] == "on")
            } catch let error as SCIMError {
                throw ConsoleError.badRequest(error.detail)
            }
            return redirect(
                scope.base + "/sso", flash: "Connection added. Paste its values into the identity provider.")
        }
        scoped(group, .post, "sso/connections/:id/remove") { request, context in
            let session = try await signedIn(request)
            let scope = try await scope(context)
            _ = try await form(request, context: context, session: session)
            let id = try context.parameters.require("id")
            guard let connection = try await organizations.connections.connection(id: id),
                connection.organization == scope.organization.key,
                try await organizations.connections.remove(id: id)
            else { throw ConsoleError.notFound("There is no such connection; it may have been removed.") }
            return redirect(scope.base + "/sso", flash: "Connection removed: its sign-ins under way fail.")
        }
    }

    private func singleSignOnPage(_ request: Request, scope: Scope, session: SignedIn) async throws -> Response {
        let publicURL =
            organizations.publicURL.hasSuffix("/")
            ? String(organizations.publicURL.dropLast()) : organizations.publicURL
        let rows = try await organizations.connections.list(organization: scope.organization.id).map { connection in
            let urls = connection.urls(publicURL: organizations.publicURL)
            return SingleSignOnPage.Connection(
                id: connection.id, idpEntityID: connection.idpEntityID, entityID: urls.entityID,
                acsURL: urls.acsURL, metadataURL: urls.metadataURL, certificateURL: urls.certificateURL,
                justInTime: connection.justInTime, idpInitiated: connection.idpInitiatedApplication != nil,
                created: Format.time(connection.created),
                lastAttempt: connection.lastAttempt.map { Format.time($0.time) },
                lastSucceeded: connection.lastAttempt?.succeeded ?? false, lastText: connection.lastAttempt?.text,
                removePath: "\(scope.base)/sso/connections/\(connection.id)/remove")
        }
        let page = SingleSignOnPage(
            layout: layout("Single sign-on", section: .signIn, session: session, scope: scope, request: request),
            connections: rows, hasConnections: !rows.isEmpty, addPath: scope.base + "/sso/connections",
            organizationID: scope.organization.id, authorizeURL: publicURL + "/oauth/authorize")
        return render("sso", page)
    }
}
