import Foundation
import SCIMCore

extension Directory {
    var fields: any FieldStore { context.stores.fields }

    /// The organization's custom user fields, in the order they were added.
    public func customFields() async throws -> [CustomField] {
        try await schemas().fields
    }

    /// Adds a custom user field; its SCIM name comes from the label and never changes afterwards.
    public func addField(label: String, type: CustomFieldType, options: [String], namespace: CustomFieldNamespace)
        async throws -> CustomField
    {
        let label = label.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !label.isEmpty, label.count <= 100 else {
            throw SCIMError.invalidValue("A field's name must have 1 to 100 characters.")
        }
        let field = try CustomField(
            id: newID(), label: label, type: type, options: try Self.checkedOptions(options, type: type),
            namespace: namespace, enabled: true)
        let existing = try await fields.customFields(in: organization)
        if let problem = CustomField.collision(of: field.attributeName, in: namespace, with: existing) {
            throw SCIMError.uniqueness(problem)
        }
        try await fields.insertCustomField(field, in: organization)
        context.schemas.invalidate(organization)
        return field
    }

    /// Renames a field's label, changes its options, or enables or disables it; its SCIM name stays.
    public func updateField(id: String, label: String? = nil, options: [String]? = nil, enabled: Bool? = nil)
        async throws -> CustomField
    {
        guard var field = try await fields.customFields(in: organization).first(where: { $0.id == id }) else {
            throw SCIMError.notFound("There is no custom field \(id).")
        }
        if let label = label?.trimmingCharacters(in: .whitespacesAndNewlines) {
            guard !label.isEmpty, label.count <= 100 else {
                throw SCIMError.invalidValue("A field's name must have 1 to 100 characters.")
            }
            field.label = label
        }
        if let options {
            let kept = try Self.checkedOptions(options, type: field.type)
            try await checkUnused(
                field.options.filter { old in !kept.contains { $0.caseInsensitiveEquals(old) } }, of: field)
            field.options = kept
        }
        if let enabled { field.enabled = enabled }
        guard try await fields.updateCustomField(field, in: organization) else {
            throw SCIMError.notFound("There is no custom field \(id).")
        }
        context.schemas.invalidate(organization)
        return field
    }

    /// Deletes a field and removes its values from every user, a page at a time; returns how many users held one.
    @discardableResult
    public func deleteField(id: String) async throws -> Int {
        let snapshot = try await schemas()
        guard let field = snapshot.fields.first(where: { $0.id == id }) else {
            throw SCIMError.notFound("There is no custom field \(id).")
        }
        var cleared = 0
        var skipped = 0
        while true {
            // Cleared users leave the result; ones that could not be cleared are stepped over, never retried forever.
            let query = ResourceQuery(
                organization: organization, kind: .user, filter: .present(field.path),
                page: Page(startIndex: skipped + 1, count: 200, maximum: 200), type: snapshot.indexed)
            let page = try await resources.search(query).resources
            if page.isEmpty { break }
            for user in page {
                if try await removeValue(of: field, from: user, index: snapshot.indexed) {
                    cleared += 1
                } else {
                    skipped += 1
                }
            }
        }
        _ = try await fields.deleteCustomField(id: id, in: organization)
        context.schemas.invalidate(organization)
        return cleared
    }

    /// Refuses to drop options people still hold: their stored value would fail every later PATCH of them.
    private func checkUnused(_ removed: [String], of field: CustomField) async throws {
        let snapshot = try await schemas()
        for option in removed {
            let query = ResourceQuery(
                organization: organization, kind: .user, filter: .compare(field.path, .eq, .string(option)),
                page: Page(startIndex: 1, count: 0, maximum: 0), type: snapshot.indexed)
            let holders = try await resources.search(query).total
            if holders > 0 {
                throw SCIMError.invalidValue(
                    "\(holders) people have \"\(option)\" in \(field.label); change their values before removing the option."
                )
            }
        }
    }

    /// Whether values for extension attributes nobody defined are dropped (true) or refused with a 400 (false).
    public func setIgnoresUnknownAttributes(_ ignores: Bool) async throws {
        try await fields.setIgnoresUnknownAttributes(ignores, in: organization)
        context.schemas.invalidate(organization)
    }

    /// Takes one field's value out of a user, retrying when another write got there first.
    private func removeValue(of field: CustomField, from user: StoredResource, index: ResourceType) async throws -> Bool
    {
        var current = user
        for _ in 0..<Self.maxAttempts {
            guard var container = current.body[field.schemaID]?.objectValue,
                container.removeValue(forKey: field.attributeName) != nil
            else { return false }
            var updated = current
            if container.isEmpty {
                _ = updated.body.removeValue(forKey: field.schemaID)
            } else {
                updated.body[field.schemaID] = .object(container)
            }
            updated.version += 1
            updated.lastModified = max(Self.toMilliseconds(clock()), current.lastModified)
            updated.indexedWith = index
            updated.keepsUniqueKey = true
            let events = try await updateEvents(from: current, to: updated)
            if try await resources.update(
                updated, expectedVersion: current.version, members: MembershipChange(), events: events,
                in: organization)
            {
                return true
            }
            guard let fresh = try await resources.fetch(.user, id: user.id, in: organization) else { return false }
            current = fresh
        }
        throw SCIMError(status: 503, detail: "A user kept changing while its field value was removed; try again.")
    }

    private static func checkedOptions(_ options: [String], type: CustomFieldType) throws(SCIMError) -> [String] {
        guard type.hasOptions else { return [] }
        var seen = Set<String>()
        let cleaned = options.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        guard !cleaned.isEmpty else {
            throw .invalidValue("A \(type.label.lowercased()) field needs at least one option.")
        }
        for option in cleaned where !seen.insert(option.lowercased()).inserted || option.count > 200 {
            throw .invalidValue("Options must be distinct and at most 200 characters: \"\(option)\".")
        }
        return cleaned
    }
}
