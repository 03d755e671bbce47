import Directory
import Foundation
import SCIMCore

/// What a person's and a group's pages share: every attribute as sent, who made and last changed the resource, and
/// its recent requests.
struct ResourceDetails: Sendable {
    struct Attribute: Sendable {
        var label: String
        /// Where an extension attribute comes from: "Enterprise", "Custom field".
        var namespace: String?
        var value: String
    }
    var id: String
    var attributes: [Attribute]
    var created: String
    var createdBy: String
    var modified: String
    var modifiedBy: String
    var version: Int
    var events: [ActivityRow]
    var hasEvents: Bool
}

extension AdminConsole {
    func resourceDetails(_ resource: ResourceResponse, id: String, in scope: Scope) async throws -> ResourceDetails {
        let provenance = try await scope.directory.provenance(of: id)
        let recent = try await scope.directory.activity(ActivityQuery(resourceID: id, limit: 10))
        return ResourceDetails(
            id: id,
            attributes: Flattening.rows(
                of: resource.representation, skipping: ["schemas", "meta", "groups", "members", "id"]),
            created: Format.time(resource.meta.created), createdBy: provenance?.createdBy ?? "not recorded",
            modified: Format.time(resource.meta.lastModified),
            modifiedBy: provenance?.modifiedBy ?? provenance?.createdBy ?? "not recorded",
            version: resource.meta.version, events: try await activityRows(recent, in: scope),
            hasEvents: !recent.isEmpty)
    }
}

/// A resource's attributes as rows of label and text: `name.givenName`, `emails` as `a@b (work, primary)`,
/// booleans as Yes/No, times in UTC, and extension attributes under their namespace's name.
enum Flattening {
    static func rows(of object: JSONObject, skipping: Set<String>) -> [ResourceDetails.Attribute] {
        var rows: [ResourceDetails.Attribute] = []
        for (key, value) in object.members where !skipping.contains(key) {
            if key.hasPrefix("urn:"), let extensionObject = value.objectValue {
                for (name, inner) in extensionObject.members {
                    rows.append(.init(label: name, namespace: namespace(key), value: text(inner)))
                }
            } else if let nested = value.objectValue {
                for (name, inner) in nested.members { rows.append(.init(label: "\(key).\(name)", value: text(inner))) }
            } else {
                rows.append(.init(label: key, value: text(value)))
            }
        }
        return rows
    }

    /// An extension schema's name as admins know it.
    static func namespace(_ urn: String) -> String {
        if urn.caseInsensitiveEquals(Schema.enterpriseUser.id) { return "Enterprise" }
        if urn.lowercased().contains(":roster:") { return "Custom field" }
        return urn.split(separator: ":").suffix(3).joined(separator: ":")
    }

    static func text(_ value: JSON) -> String {
        switch value {
        case .string(let text):
            if text.count >= 20, text.count <= 35, text.first?.isNumber == true, let date = DateTime.parse(text) {
                return Format.time(date)
            }
            return text
        case .bool(let flag): return flag ? "Yes" : "No"
        case .array(let items): return items.map(text).joined(separator: "; ")
        case .object(let object):
            let main = object["value"].map(text) ?? object["display"].map(text) ?? object["formatted"].map(text)
            let notes = [object["type"]?.stringValue, object["primary"]?.boolValue == true ? "primary" : nil]
                .compactMap { $0 }
            let rest = main ?? object.members.map { "\($0.key): \(text($0.value))" }.joined(separator: ", ")
            return notes.isEmpty ? rest : "\(rest) (\(notes.joined(separator: ", ")))"
        default: return value.serialized()
        }
    }
}
