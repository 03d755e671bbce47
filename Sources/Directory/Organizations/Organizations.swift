import Foundation
import SCIMCore

/// What every organization's directory shares: the stores, the schemas, the limits, the clock. A class, so a
/// directory handed out per request is one reference and a key.
final class DirectoryContext: Sendable {
    let stores: Stores
    let baseURL: String
    let limits: Directory.Limits
    let schemas: SchemaCatalog
    let authenticator: TokenAuthenticator
    let activity: ActivityLog
    /// Seals paging cursors with a key every instance shares.
    let cursors: CursorSeal
    /// The keys Roster signs tokens and security events with.
    let signingKeys: SigningKeys
    /// The long polls of security events waiting on this instance, by application.
    let waitingPolls = WaitingPolls()
    /// Writes to one resource take turns on this instance.
    let writes = KeyedLocks()
    /// Each connection's latest sign-in status written by this instance.
    let recentAttempts = RecentAttempts()
    let clock: @Sendable () -> Date
    let newID: @Sendable () -> String

    /// The SCIM endpoint without `/scim/v2`.
    var publicURL: String {
        baseURL.hasSuffix("/scim/v2") ? String(baseURL.dropLast("/scim/v2".count)) : baseURL
    }

    init(
        stores: Stores, baseURL: String, limits: Directory.Limits, schemaLifetime: TimeInterval,
        tokenCacheLifetime: TimeInterval, clock: @escaping @Sendable () -> Date,
        newID: @escaping @Sendable () -> String
    ) {
        self.stores = stores
        self.baseURL = baseURL
        self.limits = limits
        self.schemas = SchemaCatalog(store: stores.fields, lifetime: schemaLifetime, clock: clock)
        self.authenticator = TokenAuthenticator(store: stores.tokens, cacheLifetime: tokenCacheLifetime, clock: clock)
        self.activity = ActivityLog(store: stores.activity)
        self.cursors = CursorSeal(accounts: stores.accounts)
        self.signingKeys = SigningKeys(store: stores.applications, clock: clock)
        self.clock = clock
        self.newID = newID
    }
}

/// Roster's organizations, and the way into each one's directory: the one way in for the SCIM routes, the
/// console and the command line, so that no rule (an authenticator's cache dropped, a schema reloaded, an activity
/// row written) can be skipped by a side door.
public struct Organizations: Sendable {
    let context: DirectoryContext
    var store: any OrganizationStore { context.stores.organizations }

    /// - Parameters:
    ///   - baseURL: the SCIM endpoint, such as `https://roster.example.com/scim/v2`, for `meta.location` and `$ref`.
    ///   - tokenCacheLifetime: how long a token's answer is reused; a token revoked elsewhere stops within it.
    public init(
        stores: Stores, baseURL: String, limits: Directory.Limits = Directory.Limits(),
        tokenCacheLifetime: TimeInterval = 2, schemaLifetime: TimeInterval = 2,
        clock: @escaping @Sendable () -> Date = { Date() },
        newID: @escaping @Sendable () -> String = Directory.timeOrderedID
    ) {
        context = DirectoryContext(
            stores: stores, baseURL: baseURL, limits: limits, schemaLifetime: schemaLifetime,
            tokenCacheLifetime: tokenCacheLifetime, clock: clock, newID: newID)
    }

    /// The SCIM endpoint every organization's tokens work with: the token decides the organization.
    public var scimEndpoint: String { context.baseURL }

    /// Roster's public URL: the SCIM endpoint without `/scim/v2` (the issuer of its tokens and events, the root
    /// of sign-in's URLs).
    public var publicURL: String { context.publicURL }
    public var limits: Directory.Limits { context.limits }
    /// Where every SCIM request is recorded for the console.
    public var activityLog: ActivityLog { context.activity }

    /// The directory of an organization by its key (a token's, say).
    public func directory(for organization: OrganizationKey) -> Directory {
        Directory(context: context, organization: organization)
    }

    /// The default organization's directory: all a single-company install has.
    public var defaultDirectory: Directory { directory(for: .default) }

    /// The directory of the organization with this public id; nil when there is none.
    public func directory(id: String) async throws -> Directory {
        directory(for: try await organization(id: id).key)
    }

    /// The active token an `Authorization` header carries and its organization's directory, or a 401 error.
    public func authenticate(authorization: String?) async throws -> (TokenRecord, Directory) {
        let token = try await context.authenticator.authenticate(authorization: authorization)
        return (token, directory(for: token.organization))
    }

    /// Whether the database answers and is migrated.
    public func isReady() async -> Bool {
        await context.stores.isReady()
    }

    /// Every token of every organization, newest first, for Roster's administrator.
    public func allTokens() async throws -> [TokenRecord] {
        try await context.stores.tokens.tokens(in: nil)
    }

    /// The directory of the organization a token belongs to, found by the token's id.
    public func directory(ofToken id: String) async throws -> Directory {
        guard let token = try await context.stores.tokens.token(id: id) else { throw Directory.noToken(id) }
        return directory(for: token.organization)
    }
}

extension Organizations {
    /// Creates an organization, with an empty directory of its own.
    public func create(name: String, domains: [String] = []) async throws -> Organization {
        let organization = Organization(
            key: OrganizationKey(0), id: context.newID(), name: try Organization.checkedName(name),
            domains: try Organization.checkedDomains(domains), created: context.clock())
        return try await Self.reportingConflicts(organization) {
            try await store.insertOrganization(organization, events: [event(.organizationCreated, organization)])
        }
    }

    /// Every organization, in the order they were created (the default one first).
    public func list() async throws -> [Organization] {
        try await store.organizations()
    }

    public func organization(id: String) async throws -> Organization {
        guard let organization = try await store.organization(id: id) else { throw Self.notFound(id) }
        return organization
    }

    public func organization(key: OrganizationKey) async throws -> Organization {
        guard let organization = try await store.organization(key: key) else { throw Self.notFound("\(key)") }
        return organization
    }

    public func rename(id: String, to name: String) async throws -> Organization {
        let old = try await organization(id: id)
        var organization = old
        organization.name = try Organization.checkedName(name)
        return try await save(organization, was: old)
    }

    /// Replaces an organization's email domains; a domain another organization has is refused.
    public func setDomains(id: String, _ domains: [String]) async throws -> Organization {
        let old = try await organization(id: id)
        var organization = old
        organization.domains = try Organization.checkedDomains(domains)
        return try await save(organization, was: old)
    }

    /// How many users and groups an organization holds.
    public func counts(of organization: Organization) async throws -> ResourceCounts {
        try await store.counts(in: organization.key)
    }

    /// Saves a change, told as `organization.updated` with the values it replaced; no change, no event.
    private func save(_ organization: Organization, was old: Organization) async throws -> Organization {
        let now = Self.json(organization)
        let previous = JSONObject(Self.json(old).members.filter { now[$0.key] != $0.value })
        let events = previous.isEmpty ? [] : [event(.organizationUpdated, organization, previous: previous)]
        return try await Self.reportingConflicts(organization) {
            guard try await store.updateOrganization(organization, events: events) else {
                throw Self.notFound(organization.id)
            }
            return organization
        }
    }

    /// An organization event: the organization as it is now and, for an update, the values it replaced.
    func event(_ type: EventType, _ organization: Organization, previous: JSONObject? = nil) -> NewEvent {
        var data: JSONObject = ["object": .object(Self.json(organization))]
        if let previous { data["previous"] = .object(previous) }
        return NewEvent.made(
            type, resourceID: organization.id, data: data, origin: ChangeOrigin.current.json,
            time: Directory.toMilliseconds(context.clock()))
    }

    /// An organization as events and the read API show it.
    public static func json(_ organization: Organization) -> JSONObject {
        [
            "id": .string(organization.id), "name": .string(organization.name),
            "domains": .array(organization.domains.map(JSON.string)),
            "created": .string(DateTime.format(organization.created)),
        ]
    }

    private static func reportingConflicts(
        _ organization: Organization, _ body: () async throws -> Organization
    ) async throws -> Organization {
        do {
            return try await body()
        } catch let conflict as OrganizationConflict {
            switch conflict.what {
            case .name:
                throw SCIMError.uniqueness("An organization named \(organization.name) already exists.")
            case .domain(let domain):
                throw SCIMError.uniqueness(
                    "The domain \(domain ?? "given") belongs to another organization; a domain has one organization.")
            }
        }
    }

    static func notFound(_ id: String) -> SCIMError {
        .notFound("There is no organization \(id).")
    }
}
