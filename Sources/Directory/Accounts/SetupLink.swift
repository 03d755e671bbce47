import Foundation

/// A link a Roster administrator gives a customer's IT administrator: whoever opens it may set up one
/// organization's connection (its SCIM tokens and the Connect steps) and nothing else, until it expires or is
/// revoked. The store keeps the hash of its secret, never the secret.
public struct SetupLink: Sendable, Hashable {
    public var id: String
    public var organization: OrganizationKey
    public var secretHash: String
    public var created: Date
    public var expires: Date
    public var revoked: Date?
    /// The administrator who made it.
    public var createdBy: String
    public var firstUsed: Date?
    public var lastUsed: Date?
    /// How many times it was opened or used.
    public var uses: Int

    public init(
        id: String, organization: OrganizationKey, secretHash: String, created: Date, expires: Date,
        revoked: Date? = nil, createdBy: String, firstUsed: Date? = nil, lastUsed: Date? = nil, uses: Int = 0
    ) {
        self.id = id
        self.organization = organization
        self.secretHash = secretHash
        self.created = created
        self.expires = expires
        self.revoked = revoked
        self.createdBy = createdBy
        self.firstUsed = firstUsed
        self.lastUsed = lastUsed
        self.uses = uses
    }

    public func isValid(at time: Date) -> Bool { revoked == nil && time < expires }

    /// Secrets of setup links start so, to be told from tokens and session ids wherever one is pasted.
    public static let prefix = "rsl_"
    /// The longest life a link may be given.
    public static let longestLifetime: TimeInterval = 90 * 86400
}

extension Accounts {
    /// A new setup link for an organization, valid for `lifetime`; returns it and its secret, shown once.
    public func createSetupLink(for organization: OrganizationKey, lifetime: TimeInterval, by creator: String)
        async throws -> (link: SetupLink, secret: String)
    {
        guard lifetime > 0, lifetime <= SetupLink.longestLifetime else {
            throw AccountProblem("A setup link lives from a minute to 90 days.")
        }
        let secret = SetupLink.prefix + Secrets.random()
        let now = clock()
        let link = SetupLink(
            id: UUID().uuidString.lowercased(), organization: organization, secretHash: Secrets.hash(secret),
            created: now, expires: now.addingTimeInterval(max(60, lifetime)), createdBy: creator)
        try await store.insertSetupLink(link)
        return (link, secret)
    }

    /// The links of an organization, newest first.
    public func setupLinks(of organization: OrganizationKey) async throws -> [SetupLink] {
        try await store.setupLinks(of: organization)
    }

    /// Revokes a link at once; false when there is no such link in the organization.
    public func revokeSetupLink(id: String, of organization: OrganizationKey) async throws -> Bool {
        try await store.revokeSetupLink(id: id, of: organization, at: clock())
    }

    /// The valid link a secret opens; nil for an unknown, expired or revoked one.
    public func setupLink(secret: String) async throws -> SetupLink? {
        guard secret.hasPrefix(SetupLink.prefix), secret.utf8.count < 100 else { return nil }
        guard let link = try await store.setupLink(withHash: Secrets.hash(secret)), link.isValid(at: clock()) else {
            return nil
        }
        return link
    }

    /// The valid link a secret opens, with this use (an opening, a token made) recorded.
    public func useSetupLink(secret: String) async throws -> SetupLink? {
        guard var link = try await setupLink(secret: secret) else { return nil }
        let now = clock()
        try await store.recordSetupLinkUse(id: link.id, at: now)
        link.uses += 1
        link.lastUsed = now
        link.firstUsed = link.firstUsed ?? now
        return link
    }
}
