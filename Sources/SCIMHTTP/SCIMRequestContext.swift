import Directory
import Hummingbird

/// The per-request context of SCIM routes: the authenticated token, once the auth middleware has run.
public struct SCIMRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var token: TokenRecord?
    /// The peer's IP address, for throttling failed authentication.
    public var clientAddress: String?
    /// What this request's activity event will say.
    public let trace = ActivityTrace()

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress
    }
}
