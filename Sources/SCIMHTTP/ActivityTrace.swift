import Directory
import SCIMCore
import Synchronization

/// What the layers of one SCIM request learn for its activity event: the token, the resource, the changes, and
/// the error detail. Shared by reference, since each middleware sees its own copy of the context.
public final class ActivityTrace: Sendable {
    struct Facts {
        var token: TokenRecord?
        var resourceID: String?
        var resourceName: String?
        var changes: [String] = []
        var detail: String?
    }

    private let facts = Mutex(Facts())

    public init() {}

    func authenticated(_ token: TokenRecord) {
        facts.withLock { $0.token = token }
    }

    /// The resource a request wrote or read, from the directory's answer.
    func resource(_ response: ResourceResponse, kind: ResourceKind) {
        let body = response.representation
        let name = kind == .user ? body["userName"]?.stringValue : body["displayName"]?.stringValue
        facts.withLock { facts in
            facts.resourceID = body["id"]?.stringValue ?? facts.resourceID
            facts.resourceName = name ?? facts.resourceName
            facts.changes = response.changes
        }
    }

    /// The name a request's body gives its resource, so that a refused create still says whom it was about.
    func named(_ body: JSON, kind: ResourceKind) {
        guard let name = body[kind.uniqueAttribute]?.stringValue else { return }
        facts.withLock { $0.resourceName = name }
    }

    func failed(_ detail: String) {
        facts.withLock { $0.detail = detail }
    }

    var current: Facts { facts.withLock { $0 } }
}
