import SCIMCore

/// One fuzz input through every parser that takes untrusted text: filters, attribute and PATCH paths, JSON,
/// PATCH requests applied to a user and a group, and resource normalization. Any crash is a bug; thrown
/// `SCIMError`s are the expected outcome for bad input.
enum FuzzInput {
    static let user: JSONObject = [
        "userName": "jane@example.com", "name": .object(["givenName": "Jane", "familyName": "Doe"]),
        "emails": [.object(["value": "jane@example.com", "type": "work", "primary": true])], "active": true,
    ]
    static let group: JSONObject = ["displayName": "Team", "members": [.object(["value": "a"]), .object(["value": "b"])]]

    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        if let text = String(validating: bytes, as: UTF8.self) {
            if let filter = try? Filter.parse(text) {
                _ = filter.description
                if (try? filter.validate(against: .user)) != nil { _ = filter.matches(user, in: .user) }
            }
            _ = try? PatchPath.parse(text)
            _ = try? AttributePath.parse(text)
            _ = try? Projection.parse(attributes: text, excludedAttributes: text)
        }
        guard let json = try? JSON.parse(bytes) else { return }
        _ = json.serialized()
        if let request = try? PatchRequest.parse(json) {
            if let patched = try? Patcher(.user).applying(request, to: user) { _ = try? Normalizer(.user).normalize(resource: patched) }
            if let patched = try? Patcher(.group).applying(request, to: group) { _ = try? Normalizer(.group).normalize(resource: patched) }
            _ = request.separatingMemberEdits()
        }
        if let object = json.objectValue {
            _ = try? Normalizer(.user).normalize(resource: object)
            _ = try? SearchRequest(json)
        }
    }
}
