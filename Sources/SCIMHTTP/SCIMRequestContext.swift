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
    /// The connection's peer: the client, or a proxy in front of it.
    public let peerAddress: String?
    /// The client's IP address, for throttles and the activity log: the peer's, or the one a trusted proxy
    /// forwarded for (set by the SCIM middlewares and the console).
    public var clientAddress: String?
    /// What this request's activity event will say.
    public let trace = ActivityTrace()

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.peerAddress = source.channel.remoteAddress?.ipAddress
        self.clientAddress = peerAddress
    }
}

extension SCIMRequestContext {
    /// The authenticated request's directory; a route reached without authentication is a bug, answered with 401.
    func requireDirectory() throws -> Directory {
        guard let directory else { throw SCIMError.unauthorized("Authorization required.") }
        return directory
    }
}
