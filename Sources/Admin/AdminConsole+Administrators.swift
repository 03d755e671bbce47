import Directory
import Foundation
import Hummingbird
import SCIMHTTP

struct AdministratorsPage: PageModel {
    struct Row: Sendable {
        var id: String
        var username: String
        var created: String
        var isYou: Bool
        var removable: Bool
    }
    var layout: Layout
    var administrators: [Row]
    var minimumPassword: Int
    var error: String?
    var username = ""
}

extension AdminConsole {
    /// Admin › Administrators: who may sign in to the console; add one, remove one (never the last).
    func registerAdministrators(on group: RouterGroup<SCIMRequestContext>) {
        group.get("administrators") { request, _ in
            try await administratorsPage(request, try await signedIn(request))
        }
        group.post("administrators", use: addAdministrator)
        group.post("administrators/:id/remove", use: removeAdministrator)
    }

    @Sendable func addAdministrator(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let session = try await signedIn(request)
        let form = try await form(request, context: context, session: session)
        guard form["password"] == form["confirm"] else {
            return try await administratorsPage(request, session, error: "The two passwords differ.", form: form)
        }
        do {
            let admin = try await accounts.create(username: form["username"] ?? "", password: form["password"] ?? "")
            return redirect("/admin/administrators", flash: "\(admin.username) can now sign in.")
        } catch let problem as AccountProblem {
            return try await administratorsPage(request, session, error: problem.description, form: form)
        }
    }

    @Sendable func removeAdministrator(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let session = try await signedIn(request)
        _ = try await form(request, context: context, session: session)
        let id = try context.parameters.require("id")
        let name = try await accounts.all().first { $0.id == id }?.username ?? "The administrator"
        switch try await accounts.remove(id: id) {
        case .removed:
            // Removing oneself ends one's own session with the others.
            return id == session.admin.id
                ? redirect("/admin/sign-in", flash: "You removed yourself: your sessions have ended.")
                : redirect("/admin/administrators", flash: "\(name) removed; their sessions have ended.")
        case .last:
            return try await administratorsPage(
                request, session,
                error: "The console needs at least one administrator: add another before removing this one.")
        case .notFound:
            throw ConsoleError.notFound("There is no such administrator; they may have been removed already.")
        }
    }

    private func administratorsPage(
        _ request: Request, _ session: SignedIn, error: String? = nil, form: Form? = nil
    ) async throws -> Response {
        let admins = try await accounts.all()
        let page = AdministratorsPage(
            layout: layout(
                "Administrators", section: .administrators, session: session, scope: try? await scopeOfDefault(),
                request: request),
            administrators: admins.map {
                .init(
                    id: $0.id, username: $0.username, created: Format.time($0.created),
                    isYou: $0.id == session.admin.id, removable: admins.count > 1)
            },
            minimumPassword: Accounts.minimumPasswordLength, error: error, username: form?["username"] ?? "")
        return render("administrators", page, status: error == nil ? .ok : .badRequest)
    }

    /// The default organization's scope, for the pages about every organization (their navigation leads to it).
    func scopeOfDefault() async throws -> Scope {
        try await scope(of: .default)
    }
}
