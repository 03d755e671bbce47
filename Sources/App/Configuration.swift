import Directory
import Foundation
import SCIMHTTP

/// How a Roster server is set up; every field has a command-line option and an environment variable.
public struct Configuration: Sendable {
    public var host: String
    public var port: Int
    /// A SQLite file path (PostgreSQL URLs come with the PostgreSQL store).
    public var database: String
    /// The URL people and identity providers reach Roster at, such as `https://roster.example.com`.
    public var publicURL: String?
    /// How long an answer about a token may be reused before the store is asked again.
    public var tokenCacheSeconds: Double
    /// The most connections to PostgreSQL this instance opens.
    public var databasePoolSize: Int
    /// MiB of a SQLite file read through a memory map (0: none, so the process's memory stays bounded).
    public var sqliteMapMiB: Int
    /// Requests a second allowed per SCIM token (bursts of twice that); nil picks the default: off on a
    /// loopback address, 50 otherwise; 0 turns the limit off.
    public var rateLimit: Double?
    /// How many days provisioning activity is kept.
    public var activityRetentionDays: Double
    /// The bcrypt cost of administrator passwords: 12 by default; tests lower it to 4 to run fast.
    public var passwordCost: UInt8
    /// The bearer token `/metrics` requires; nil (or empty) leaves it open, since metrics carry no personal data.
    public var metricsToken: String?
    /// The proxies whose `X-Forwarded-For` names the client (addresses or CIDR ranges); none by default.
    public var trustedProxies: [AddressRange]
    /// The bounds of every directory (tests make them small).
    public var limits = Directory.Limits()
    /// Open connections accepted at most; past it, new ones wait to be accepted.
    public var maxConnections = 4096
    /// Seconds a connection may take to send a request's head, counted from its start or its last response (an
    /// idle keep-alive connection is closed after it too).
    public var headerTimeout: Double = 30
    /// Seconds a request may take to send its body.
    public var bodyTimeout: Double = 60
    /// MiB the SQLite file may grow to; past it writes are refused with 507 (0: no limit but the disk's).
    public var sqliteMaxSizeMiB = 0
    /// Seconds a request waits for a database connection before it is answered 503 (PostgreSQL).
    public var databaseWait: Double = 5
    /// Seconds a statement or transaction may run on its connection before the connection is closed (PostgreSQL).
    public var databaseStatementTimeout: Double = 60
    /// Seconds from SIGTERM or SIGINT until the process exits, whatever the database does.
    public var shutdownTimeout: Double = 15
    /// How many days events stay in the feed (and wait for webhook delivery).
    public var eventRetentionDays: Double = 30
    /// How often webhook delivery looks for new events while it has endpoints (tests make it short).
    public var webhookInterval: Double = 0.1
    /// PEM certificates webhook TLS trusts besides the system's.
    public var webhookCAFile: String?
    /// Sign-ins a client address may start a second, and responses it may post to ACS URLs (each in bursts of ten
    /// times that); 0 for none.
    public var signInRateLimit: Double = 10
    /// The time the SCIM API's throttles and the console's sign-in lockouts refill and end by (tests stop it, so
    /// that what they check does not depend on how fast a loaded machine sends requests).
    public var throttleClock: @Sendable () -> Date = { Date() }
    /// Adds the unauthenticated `/benchmark/…` routes that measure the database's own ceiling (off by default).
    public var benchmarkRoutes = false

    public init(
        host: String = "127.0.0.1", port: Int = 8080, database: String = "./roster.sqlite", publicURL: String? = nil,
        tokenCacheSeconds: Double = 2, databasePoolSize: Int = 10, sqliteMapMiB: Int = 0,
        rateLimit: Double? = nil,
        activityRetentionDays: Double = 30, passwordCost: UInt8 = 12,
        metricsToken: String? = nil, trustedProxies: [AddressRange] = []
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.publicURL = publicURL
        self.tokenCacheSeconds = tokenCacheSeconds
        self.databasePoolSize = databasePoolSize
        self.sqliteMapMiB = sqliteMapMiB
        self.rateLimit = rateLimit
        self.activityRetentionDays = activityRetentionDays
        self.passwordCost = passwordCost
        self.metricsToken = metricsToken
        self.trustedProxies = trustedProxies
    }

    /// How a request's client address is told from a trusted proxy's.
    public var clientAddresses: ClientAddresses { ClientAddresses(trustedProxies: trustedProxies) }

    /// `--trusted-proxy` values (each may list several, separated by commas) as ranges, or the one that is not.
    public static func trustedProxies(_ values: [String]) throws -> [AddressRange] {
        try values.flatMap { $0.split(separator: ",") }.map { text in
            guard let range = AddressRange(String(text)) else {
                throw ConfigurationError(
                    "--trusted-proxy: \"\(text)\" is not an IP address or range such as 10.0.0.0/8 or ::1.")
            }
            return range
        }
    }

    /// The public base URL without a trailing slash; by default the listening address.
    public var baseURL: String {
        var url = publicURL ?? "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// The per-token request rate in force; nil when unlimited.
    public var effectiveRateLimit: Double? {
        let isLoopback = ["127.0.0.1", "localhost", "::1"].contains(host) || host.hasPrefix("127.")
        let rate = rateLimit ?? (isLoopback ? 0 : 50)
        return rate > 0 ? rate : nil
    }

    /// Whether people reach Roster over https, so its cookies must be `Secure`.
    public var isHTTPS: Bool { baseURL.lowercased().hasPrefix("https://") }

    /// The admin console's address.
    public var consoleURL: String { baseURL + "/admin" }

    /// The SCIM endpoint to paste into an identity provider.
    public var scimEndpoint: String { baseURL + "/scim/v2" }
}
