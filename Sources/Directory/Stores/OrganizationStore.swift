import Foundation

/// The organizations themselves: names, domains, counts, and deletion a bounded step at a time.
public protocol OrganizationStore: Sendable {
    /// Adds an organization with its domains and empty counts, and returns it with the key the store gave it.
    /// Throws `OrganizationConflict` when its name or one of its domains is another organization's.
    /// `events` are written in the same transaction, as the new organization's first.
    func insertOrganization(_ organization: Organization, events: [NewEvent]) async throws -> Organization
    /// Every organization not being deleted, in the order they were created.
    func organizations() async throws -> [Organization]
    func organization(id: String) async throws -> Organization?
    func organization(key: OrganizationKey) async throws -> Organization?
    /// The organization that holds an email domain (lower case), if one does.
    func organization(domain: String) async throws -> Organization?
    /// Saves a name and domains; false when there is no such organization. Throws `OrganizationConflict`.
    func updateOrganization(_ organization: Organization, events: [NewEvent]) async throws -> Bool
    /// The numbers of users and groups, as kept with every write (no count of rows).
    func counts(in organization: OrganizationKey) async throws -> ResourceCounts

    /// Starts deleting an organization, in one transaction: its tokens are deleted, its name and domains freed,
    /// and it is no longer listed or found; `events` are written with it. False when there is no such organization
    /// (or it is the default one), and then no event is written.
    func beginDeletion(of organization: OrganizationKey, at time: Date, events: [NewEvent]) async throws -> Bool
    /// Organizations whose deletion has begun, with when it began.
    func deletions() async throws -> [(organization: OrganizationKey, began: Date)]
    /// Deletes at most about `limit` rows of a deleting organization in one short transaction and returns how
    /// many went; once only the organization's own row is left, `finish` says whether to delete it too. Its
    /// `organization.deleted` event stays until retention removes it, and the organization's row with it, as a
    /// tombstone no longer listed among the deletions: the feed and webhooks still tell of it.
    func purge(_ organization: OrganizationKey, limit: Int, finish: Bool) async throws -> Int
}
