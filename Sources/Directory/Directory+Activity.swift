import Foundation

/// The organization's provisioning activity, as the console shows it.
extension Directory {
    /// Its requests, newest first; with `unattributed`, also those no token was accepted for (which belong to
    /// no organization). Pending events are written first, so the latest request shows.
    public func activity(_ query: ActivityQuery, unattributed: Bool = false) async throws -> [ActivityEvent] {
        var query = query
        query.scope = unattributed ? .organizationAndUnattributed(organization) : .organization(organization)
        try? await context.activity.flush()
        return try await context.stores.activity.activity(query)
    }

    /// Who created a resource of this organization and who changed it last.
    public func provenance(of resourceID: String) async throws -> Provenance? {
        try? await context.activity.flush()
        return try await context.stores.activity.provenance(of: resourceID, in: organization)
    }

    /// Up to `limit` members of one of the organization's groups, after `after`.
    public func members(ofGroup id: String, after: Int64?, limit: Int) async throws -> MemberPage {
        try await resources.members(ofGroup: id, after: after, limit: limit, in: organization)
    }

    /// How many users and groups the organization holds.
    public func counts() async throws -> ResourceCounts {
        try await context.stores.organizations.counts(in: organization)
    }
}

extension Organizations {
    /// Every organization's requests and those of no organization, newest first: Roster's administrator's view.
    public func activity(_ query: ActivityQuery) async throws -> [ActivityEvent] {
        var query = query
        query.scope = .everything
        try? await context.activity.flush()
        return try await context.stores.activity.activity(query)
    }
}
