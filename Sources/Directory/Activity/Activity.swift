import Foundation

/// One provisioning request as the activity log keeps it: what an admin reads when an identity provider reports
/// "Errors reported by remote server".
public struct ActivityEvent: Sendable, Hashable {
    /// Assigned by the store; newer events have larger ids.
    public var id: Int64?
    public var time: Date
    /// The organization of the request's token; nil for a request no token was accepted for.
    public var organization: OrganizationKey?
    public var requestID: String
    public var tokenID: String?
    /// The token's description when the request was made, kept after the token is gone.
    public var tokenName: String?
    /// The identity provider recognised from the User-Agent (`okta`, `entra`, …, `other`).
    public var client: String
    public var method: String
    /// The path without its query string, which may carry a userName.
    public var path: String
    public var status: Int
    public var resourceKind: String?
    public var resourceID: String?
    public var resourceName: String?
    /// The attributes a write changed, such as `name.givenName`, `active` or `members (+1)`.
    public var changes: [String]
    /// The error detail sent to the client when the request failed.
    public var detail: String?
    public var milliseconds: Double

    public init(
        id: Int64? = nil, time: Date, organization: OrganizationKey? = nil, requestID: String,
        tokenID: String? = nil, tokenName: String? = nil,
        client: String, method: String, path: String, status: Int, resourceKind: String? = nil,
        resourceID: String? = nil, resourceName: String? = nil, changes: [String] = [], detail: String? = nil,
        milliseconds: Double = 0
    ) {
        self.id = id
        self.time = time
        self.organization = organization
        self.requestID = requestID
        self.tokenID = tokenID
        self.tokenName = tokenName
        self.client = client
        self.method = method
        self.path = path
        self.status = status
        self.resourceKind = resourceKind
        self.resourceID = resourceID
        self.resourceName = resourceName
        self.changes = changes
        self.detail = detail
        self.milliseconds = milliseconds
    }

    public var succeeded: Bool { status < 400 }

    /// A write that created the resource it names.
    public var created: Bool { method == "POST" && status == 201 && resourceID != nil }

    /// A write that changed the resource it names.
    public var modified: Bool {
        ["PUT", "PATCH"].contains(method) && (200..<300).contains(status) && resourceID != nil
    }
}

/// Which events the console lists, newest first, a page at a time.
public struct ActivityQuery: Sendable, Hashable {
    public enum Outcome: String, Sendable, CaseIterable {
        case all, succeeded, failed
    }

    public enum Scope: Sendable, Hashable {
        /// Every event: Roster's administrator's view.
        case everything
        /// One organization's events.
        case organization(OrganizationKey)
        /// One organization's events and those of requests no token was accepted for (a wrong token, none), which
        /// belong to no organization: the view of an install with only the default organization.
        case organizationAndUnattributed(OrganizationKey)
    }

    /// Which events, by the organization of their request.
    public var scope: Scope
    public var outcome: Outcome
    public var client: String?
    public var resourceID: String?
    /// Only events older than this id: the cursor of the next page.
    public var before: Int64?
    public var limit: Int
    /// With a `resourceID`: how many of the newest events are searched for its reads, which are not indexed by
    /// resource (its writes are, however old).
    public var readWindow: Int

    public init(
        scope: Scope = .everything, outcome: Outcome = .all, client: String? = nil, resourceID: String? = nil,
        before: Int64? = nil, limit: Int = 50, readWindow: Int = 50_000
    ) {
        self.scope = scope
        self.outcome = outcome
        self.client = client
        self.resourceID = resourceID
        self.before = before
        self.limit = limit
        self.readWindow = readWindow
    }
}

/// Who created a resource and who changed it last, as the activity log saw it.
public struct Provenance: Sendable, Hashable {
    public var resourceID: String
    public var created: Date?
    public var createdBy: String?
    public var modified: Date?
    public var modifiedBy: String?

    public init(resourceID: String, created: Date?, createdBy: String?, modified: Date?, modifiedBy: String?) {
        self.resourceID = resourceID
        self.created = created
        self.createdBy = createdBy
        self.modified = modified
        self.modifiedBy = modifiedBy
    }
}
