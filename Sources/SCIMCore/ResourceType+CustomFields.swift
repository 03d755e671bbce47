extension ResourceType {
    /// Users whose extensions carry the enabled custom fields: enterprise-namespace fields follow the standard
    /// Enterprise User attributes, and Roster's own extension is there only when some enabled field lives in it.
    public static func user(customFields: [CustomField]) -> ResourceType {
        var extensions = [Extension(schema: .enterpriseUser(fields: customFields), required: false)]
        let roster = Schema.rosterUser(fields: customFields)
        if !roster.attributes.isEmpty { extensions.append(Extension(schema: roster, required: false)) }
        return ResourceType(
            id: "User", name: "User", endpoint: "/Users", description: "People in the directory.", schema: .user,
            extensions: extensions)
    }
}
