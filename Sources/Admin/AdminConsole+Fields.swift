import Directory
import Foundation
import Hummingbird
import SCIMCore
import SCIMHTTP

extension AdminConsole {
    /// Custom fields: add, rename the label, change options, disable, delete; and what to type in Okta and Entra ID.
    func registerFields(on group: RouterGroup<SCIMRequestContext>) {
        group.get("fields") { request, _ in try await fieldsPage(try await signedIn(request)) }
        group.post("fields") { request, context in
            let session = try await signedIn(request)
            let form = try await form(request, context: context, session: session)
            do {
                let field = try await directory.addField(
                    label: form["label"] ?? "", type: CustomFieldType(rawValue: form["type"] ?? "") ?? .text,
                    options: Self.lines(form["options"]),
                    namespace: CustomFieldNamespace(rawValue: form["namespace"] ?? "") ?? .enterprise)
                return Pages.redirect("/admin/fields/\(field.id)")
            } catch let error as SCIMError where error.status < 500 {
                return try await fieldsPage(session, error: error.detail, form: form)
            }
        }
        group.post("fields/settings") { request, context in
            let session = try await signedIn(request)
            let form = try await form(request, context: context, session: session)
            try await directory.setIgnoresUnknownAttributes(form["ignoreUnknown"] == "yes")
            return Pages.redirect("/admin/fields")
        }
        group.get("fields/:id") { request, context in
            try await fieldPage(try context.parameters.require("id"), session: try await signedIn(request))
        }
        group.post("fields/:id") { request, context in
            try await changeField(request, context) { id, form in
                try await directory.updateField(
                    id: id, label: form["label"], options: form["options"].map { Self.lines($0) })
            }
        }
        group.post("fields/:id/enabled") { request, context in
            try await changeField(request, context) { id, form in
                try await directory.updateField(id: id, enabled: form["enabled"] == "yes")
            }
        }
        group.post("fields/:id/delete") { request, context in
            let session = try await signedIn(request)
            let form = try await form(request, context: context, session: session)
            guard form["confirm"] == "yes" else {
                throw ConsoleError.badRequest("Tick the confirmation box: deleting a field removes its values.")
            }
            try await directory.deleteField(id: try context.parameters.require("id"))
            return Pages.redirect("/admin/fields")
        }
    }

    private func changeField(
        _ request: Request, _ context: SCIMRequestContext, _ change: (String, Form) async throws -> CustomField
    ) async throws -> Response {
        let session = try await signedIn(request)
        let form = try await form(request, context: context, session: session)
        let id = try context.parameters.require("id")
        do {
            _ = try await change(id, form)
        } catch let error as SCIMError where error.status != 404 && error.status < 500 {
            return try await fieldPage(id, session: session, error: error.detail)
        }
        return Pages.redirect("/admin/fields/\(id)")
    }

    private func fieldsPage(_ session: SignedIn, error: String? = nil, form: Form? = nil) async throws -> Response {
        var data = layout("Custom fields", section: "fields", signedIn: session)
        let snapshot = try await directory.schemas()
        data["fields"] = snapshot.fields.map(fieldRow)
        data["types"] = CustomFieldType.allCases.map { type -> [String: Any] in
            ["value": type.rawValue, "label": type.label, "selected": form?["type"] == type.rawValue]
        }
        data["ignoreUnknown"] = snapshot.ignoresUnknownAttributes
        if let error {
            data["error"] = error
            data["label"] = form?["label"] ?? ""
            data["options"] = form?["options"] ?? ""
            data["rosterNamespace"] = form?["namespace"] == CustomFieldNamespace.roster.rawValue
        }
        return pages.render("fields", data, status: error == nil ? .ok : .badRequest)
    }

    private func fieldPage(_ id: String, session: SignedIn, error: String? = nil) async throws -> Response {
        guard let field = try await directory.schemas().fields.first(where: { $0.id == id }) else {
            throw ConsoleError.notFound("There is no such custom field; it may have been deleted.")
        }
        var data = layout(field.label, section: "fields", signedIn: session)
        data["field"] = fieldRow(field)
        data["optionsText"] = field.options.joined(separator: "\n")
        if let error { data["error"] = error }
        return pages.render("field", data, status: error == nil ? .ok : .badRequest)
    }

    func fieldRow(_ field: CustomField) -> [String: Any] {
        [
            "id": field.id, "label": field.label, "name": field.attributeName, "schema": field.schemaID,
            "namespace": field.namespace == .enterprise ? "Enterprise" : "Roster", "type": field.type.label,
            "scimType": field.attribute.multiValued
                ? "\(field.attribute.type.rawValue) (multi-valued)" : field.attribute.type.rawValue,
            "oktaType": field.type.oktaType, "entraPath": "\(field.schemaID):\(field.attributeName)",
            "enabled": field.enabled, "hasOptions": field.type.hasOptions,
            "options": field.options.joined(separator: ", "),
        ]
    }

    /// One option per line, as the options box holds them.
    static func lines(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: \.isNewline).map(String.init)
    }
}
