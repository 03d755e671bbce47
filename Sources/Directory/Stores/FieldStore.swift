import SCIMCore

/// An organization's custom user fields (their values live in the users' bodies) and its schema setting.
public protocol FieldStore: Sendable {
    /// Every field of the organization, in the order they were created.
    func customFields(in organization: OrganizationKey) async throws -> [CustomField]
    /// Throws `SCIMError.uniqueness` when the organization has a field of that SCIM name.
    func insertCustomField(_ field: CustomField, in organization: OrganizationKey) async throws
    /// Saves a field's label, options and enabled flag; false when there is no such field.
    func updateCustomField(_ field: CustomField, in organization: OrganizationKey) async throws -> Bool
    func deleteCustomField(id: String, in organization: OrganizationKey) async throws -> Bool
    /// Whether values for extension attributes nobody defined are dropped rather than refused.
    func ignoresUnknownAttributes(in organization: OrganizationKey) async throws -> Bool
    func setIgnoresUnknownAttributes(_ ignores: Bool, in organization: OrganizationKey) async throws
}
