import Directory
import Hummingbird
import SCIMCore

/// The per-request context of SCIM routes: the authenticated token and its organization's directory, once the
/// auth middleware has run.
public struct SCIMRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var token: TokenRecord?
    /// The directory of the token's organization: the only one a SCIM request can read or change.
    public var directory: Directory?
    /// The peer's IP address, for throttling failed authentication.
    public var clientAddress: String?
    /// What this request's activity event will say.
    public let trace = ActivityTrace()

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress
    }
}

extension SCIMRequestContext {
    /// The authenticated request's directory; a route reached without authentication is a bug, answered with 401.
    func requireDirectory() throws -> Directory {
        guard let directory else { throw SCIMError.unauthorized("Authorization required.") }
        return directory
    }
}
