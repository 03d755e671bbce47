extension CustomField {
    /// Why a new field may not take the attribute name `name` in `namespace`, or nil when it may.
    ///
    /// Names compare case-insensitively (RFC 7643 §2.1), so `costcenter` is the enterprise `costCenter`. Refused:
    /// `schemas` and the common attributes (`id`, `externalId`, `meta`); the core User attributes and the standard
    /// Enterprise User attributes, which unqualified paths such as `title` or `department` resolve to; and the name of
    /// any other custom field, disabled ones included (their kept values stay under the name). Names are refused in
    /// both namespaces alike, so that an unqualified path never names two attributes.
    public static func collision(of name: String, in namespace: CustomFieldNamespace, with existing: [CustomField])
        -> String?
    {
        let reserved = ["schemas"] + Schema.commonAttributes.map(\.name)
        if let match = reserved.first(where: name.caseInsensitiveEquals) {
            return "\"\(name)\" is reserved: every SCIM resource has \"\(match)\". Choose another field name."
        }
        if let match = Schema.user.attribute(named: name) {
            return "\"\(name)\" is the core User attribute \"\(match.name)\", which the path \"\(match.name)\" "
                + "names. Choose another field name."
        }
        if let match = Schema.enterpriseUser.attribute(named: name) {
            return "\"\(name)\" is the Enterprise User attribute \"\(match.name)\". Choose another field name."
        }
        guard let other = existing.first(where: { $0.attributeName.caseInsensitiveEquals(name) }) else { return nil }
        let state = other.enabled ? "" : "disabled "
        let place = other.namespace == namespace ? "" : " in the \(other.namespace.rawValue) extension"
        return "\"\(name)\" is already the SCIM attribute name of the \(state)field \"\(other.label)\"\(place). "
            + "Choose another field name."
    }
}
