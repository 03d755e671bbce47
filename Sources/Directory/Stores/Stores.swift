/// A database's stores, one per concern; only the directory's rules use them (nothing else touches a store).
///
/// A database implements each concern; a wrapper (metrics, a test probe) replaces only the concerns it changes.
public struct Stores: Sendable {
    public var resources: any ResourceStore
    public var tokens: any TokenStore
    public var fields: any FieldStore
    public var accounts: any AccountStore
    public var activity: any ActivityStore
    public var organizations: any OrganizationStore
    public var events: any EventStore
    public var applications: any ApplicationStore
    public var connections: any ConnectionStore
    /// Whether the database answers and every migration has been applied (for `/readyz`).
    public var isReady: @Sendable () async -> Bool
    /// The database's own ceiling for the benchmark (`roster serve --benchmark-routes`).
    public var ceiling: (any DatabaseCeiling)?

    public init(
        resources: any ResourceStore, tokens: any TokenStore, fields: any FieldStore, accounts: any AccountStore,
        activity: any ActivityStore, organizations: any OrganizationStore, events: any EventStore,
        applications: any ApplicationStore, connections: any ConnectionStore,
        isReady: @escaping @Sendable () async -> Bool
    ) {
        self.events = events
        self.applications = applications
        self.connections = connections
        self.resources = resources
        self.tokens = tokens
        self.fields = fields
        self.accounts = accounts
        self.activity = activity
        self.organizations = organizations
        self.isReady = isReady
    }
}

/// The least a request can ask of the database, through the same connection pool and drivers as Roster's own
/// statements: one point SELECT, and one single-row INSERT committed. The benchmark measures Roster against it.
public protocol DatabaseCeiling: Sendable {
    /// Reads the key of the resource with this id; whether there is one.
    func pointSelect(id: String) async throws -> Bool
    /// Inserts a row into a table of its own and commits.
    func insertRow() async throws
}
