import Directory
import Foundation
import Hummingbird
import SCIMCore
import SCIMHTTP

struct FieldRow: Sendable {
    var id: String
    var label: String
    var name: String
    var schema: String
    var namespace: String
    var type: String
    var scimType: String
    var oktaType: String
    var entraPath: String
    var enabled: Bool
    var hasOptions: Bool
    var options: String

    init(_ field: CustomField) {
        id = field.id
        label = field.label
        name = field.attributeName
        schema = field.schemaID
        namespace = field.namespace == .enterprise ? "Enterprise" : "Roster"
        type = field.type.label
        scimType =
            field.attribute.multiValued
            ? "\(field.attribute.type.rawValue) (multi-valued)" : field.attribute.type.rawValue
        oktaType = field.type.oktaType
        entraPath = "\(field.schemaID):\(field.attributeName)"
        enabled = field.enabled
        hasOptions = field.type.hasOptions
        options = field.options.joined(separator: ", ")
    }
}

struct FieldsPage: PageModel {
    var layout: Layout
    var base: String
    var fields: [FieldRow]
    var hasFields: Bool
    var types: [Choice]
    var ignoreUnknown: Bool
    var error: String?
    /// What the form held when it was refused.
    var label = ""
    var options = ""
    var rosterNamespace = false
}

struct FieldPage: PageModel {
    var layout: Layout
    var base: String
    var field: FieldRow
    var optionsText: String
    var error: String?
}

extension AdminConsole {
    /// Custom fields: add, rename the label, change options, disable, delete; and what to type in Okta and Entra ID.
    func registerFields(on group: RouterGroup<SCIMRequestContext>) {
        scoped(group, .get, "fields") { request, context in
            try await fieldsPage(request, try await signedIn(request), scope: try await scope(context))
        }
        scoped(group, .post, "fields", addField)
        scoped(group, .post, "fields/settings", saveFieldSettings)
        scoped(group, .get, "fields/:id") { request, context in
            try await fieldPage(
                try context.parameters.require("id"), request, session: try await signedIn(request),
                scope: try await scope(context))
        }
        scoped(group, .post, "fields/:id") { request, context in
            try await changeField(request, context, done: "Field saved.") { directory, id, form in
                try await directory.updateField(
                    id: id, label: form["label"], options: form["options"].map { Self.lines($0) })
            }
        }
        scoped(group, .post, "fields/:id/enabled") { request, context in
            try await changeField(request, context, done: nil) { directory, id, form in
                try await directory.updateField(id: id, enabled: form["enabled"] == "yes")
            }
        }
        scoped(group, .post, "fields/:id/delete", deleteField)
    }

    @Sendable func addField(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let session = try await signedIn(request)
        let scope = try await scope(context)
        let form = try await form(request, context: context, session: session)
        do {
            let field = try await scope.directory.addField(
                label: form["label"] ?? "", type: CustomFieldType(rawValue: form["type"] ?? "") ?? .text,
                options: Self.lines(form["options"]),
                namespace: CustomFieldNamespace(rawValue: form["namespace"] ?? "") ?? .enterprise)
            return redirect(
                "\(scope.base)/fields/\(field.id)",
                flash: "Field added: it is in the SCIM schema as \(field.attributeName).")
        } catch let error as SCIMError where error.status < 500 {
            return try await fieldsPage(request, session, scope: scope, error: error.detail, form: form)
        }
    }

    @Sendable func saveFieldSettings(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let session = try await signedIn(request)
        let scope = try await scope(context)
        let form = try await form(request, context: context, session: session)
        let ignores = form["ignoreUnknown"] == "yes"
        try await scope.directory.setIgnoresUnknownAttributes(ignores)
        return redirect(
            "\(scope.base)/fields",
            flash: ignores
                ? "Values for unknown attributes are now ignored." : "Values for unknown attributes are now refused.")
    }

    @Sendable func deleteField(_ request: Request, context: SCIMRequestContext) async throws -> Response {
        let session = try await signedIn(request)
        let scope = try await scope(context)
        let form = try await form(request, context: context, session: session)
        guard form["confirm"] == "yes" else {
            throw ConsoleError.badRequest("Tick the confirmation box: deleting a field removes its values.")
        }
        let id = try context.parameters.require("id")
        let label = try await scope.directory.schemas().fields.first { $0.id == id }?.label ?? "The field"
        // Each user whose value goes is told as changed by this administrator.
        let origin = ChangeOrigin(requestID: context.id, actor: .console(admin: session.admin.username))
        try await ChangeOrigin.$current.withValue(origin) {
            try await consoleErrors { try await scope.directory.deleteField(id: id) }
        }
        return redirect("\(scope.base)/fields", flash: "\(label) deleted, with its values.")
    }

    private func changeField(
        _ request: Request, _ context: SCIMRequestContext, done: String?,
        _ change: (Directory, String, Form) async throws -> CustomField
    ) async throws -> Response {
        let session = try await signedIn(request)
        let scope = try await scope(context)
        let form = try await form(request, context: context, session: session)
        let id = try context.parameters.require("id")
        let field: CustomField
        do {
            field = try await consoleErrors { try await change(scope.directory, id, form) }
        } catch let error as SCIMError where error.status < 500 {
            return try await fieldPage(id, request, session: session, scope: scope, error: error.detail)
        }
        let message = done ?? (field.enabled ? "Field enabled." : "Field disabled: its values are kept.")
        return redirect("\(scope.base)/fields/\(id)", flash: message)
    }

    private func fieldsPage(
        _ request: Request, _ session: SignedIn, scope: Scope, error: String? = nil, form: Form? = nil
    ) async throws -> Response {
        let snapshot = try await scope.directory.schemas()
        let fields = snapshot.fields.map(FieldRow.init)
        var page = FieldsPage(
            layout: layout("Custom fields", section: .fields, session: session, scope: scope, request: request),
            base: scope.base, fields: fields, hasFields: !fields.isEmpty,
            types: CustomFieldType.allCases.map {
                Choice(value: $0.rawValue, label: $0.label, selected: form?["type"] == $0.rawValue)
            },
            ignoreUnknown: snapshot.ignoresUnknownAttributes, error: error)
        if error != nil {
            page.label = form?["label"] ?? ""
            page.options = form?["options"] ?? ""
            page.rosterNamespace = form?["namespace"] == CustomFieldNamespace.roster.rawValue
        }
        return render("fields", page, status: error == nil ? .ok : .badRequest)
    }

    private func fieldPage(
        _ id: String, _ request: Request, session: SignedIn, scope: Scope, error: String? = nil
    ) async throws -> Response {
        guard let field = try await scope.directory.schemas().fields.first(where: { $0.id == id }) else {
            throw ConsoleError.notFound("There is no such custom field; it may have been deleted.")
        }
        let page = FieldPage(
            layout: layout(field.label, section: .fields, session: session, scope: scope, request: request),
            base: scope.base, field: FieldRow(field), optionsText: field.options.joined(separator: "\n"), error: error)
        return render("field", page, status: error == nil ? .ok : .badRequest)
    }

    /// One option per line, as the options box holds them.
    static func lines(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: \.isNewline).map(String.init)
    }
}
