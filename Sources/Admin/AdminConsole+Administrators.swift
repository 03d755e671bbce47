import Directory
import Foundation
import Hummingbird
import SCIMHTTP

extension AdminConsole {
    /// Admin › Administrators: who may sign in to the console; add one, remove one (never the last).
    func registerAdministrators(on group: RouterGroup<SCIMRequestContext>) {
        group.get("administrators") { request, _ in
            try await administratorsPage(try await signedIn(request))
        }
        group.post("administrators") { request, context in
            let session = try await signedIn(request)
            let form = try await form(request, context: context, session: session)
            guard form["password"] == form["confirm"] else {
                return try await administratorsPage(session, error: "The two passwords differ.", form: form)
            }
            do {
                let admin = try await accounts.create(
                    username: form["username"] ?? "", password: form["password"] ?? "")
                return try await administratorsPage(session, added: admin.username)
            } catch let problem as AccountProblem {
                return try await administratorsPage(session, error: problem.description, form: form)
            }
        }
        group.post("administrators/:id/remove") { request, context in
            let session = try await signedIn(request)
            _ = try await form(request, context: context, session: session)
            let id = try context.parameters.require("id")
            switch try await accounts.remove(id: id) {
            case .removed:
                // Removing oneself ends one's own session with the others.
                return Pages.redirect(id == session.admin.id ? "/admin/sign-in" : "/admin/administrators")
            case .last:
                return try await administratorsPage(
                    session,
                    error: "The console needs at least one administrator: add another before removing this one."
                )
            case .notFound:
                throw ConsoleError.notFound("There is no such administrator; they may have been removed already.")
            }
        }
    }

    private func administratorsPage(
        _ session: SignedIn, error: String? = nil, added: String? = nil, form: Form? = nil
    ) async throws -> Response {
        var data = layout("Administrators", section: "administrators", signedIn: session)
        let admins = try await accounts.all()
        data["administrators"] = admins.map { admin -> [String: Any] in
            [
                "id": admin.id, "username": admin.username, "created": Format.time(admin.created),
                "isYou": admin.id == session.admin.id, "removable": admins.count > 1,
            ]
        }
        data["minimumPassword"] = Accounts.minimumPasswordLength
        if let added { data["added"] = added }
        if let error {
            data["error"] = error
            data["username"] = form?["username"] ?? ""
        }
        return pages.render("administrators", data, status: error == nil ? .ok : .badRequest)
    }
}
