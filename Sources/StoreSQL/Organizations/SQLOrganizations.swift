import Directory
import Foundation

/// Organizations, their domains and counts, and their deletion step by step, on either dialect.
public struct SQLOrganizations: OrganizationStore {
    let database: any SQLDatabase
    /// How the dialect numbers events (`EventSQL.inserting`).
    let positions: EventSQL.Positions

    public init(_ database: any SQLDatabase, positions: EventSQL.Positions) {
        self.database = database
        self.positions = positions
    }

    public func insertOrganization(_ organization: Organization, events: [NewEvent]) async throws -> Organization {
        try await checkDomainsAreFree(organization)
        let insert = BoundStatement(
            "INSERT INTO organizations (id, name, name_key, created_ms, ignores_unknown) VALUES (?, ?, ?, ?, 0) RETURNING pk",
            [
                .text(organization.id), .text(organization.name), .text(organization.nameKey),
                SQLValue(organization.created),
            ])
        let counts = ["User", "Group"].map { kind in
            BoundStatement(
                "INSERT INTO resource_counts (org_pk, kind, total, deletions) SELECT pk, ?, 0, 0 FROM organizations WHERE id = ?",
                [.text(kind), .text(organization.id)])
        }
        let results = try await Self.reportingConflicts {
            try await database.write(
                [insert] + counts + Self.insertDomains(of: organization)
                    + EventSQL.inserting(
                        events, organization: ("(SELECT pk FROM organizations WHERE id = ?)", [.text(organization.id)]),
                        positions: positions)
            )
        }
        guard let key = results[0].first?.integer(0) else { throw unreadable("organization") }
        var inserted = organization
        inserted.key = OrganizationKey(key)
        return inserted
    }

    public func organizations() async throws -> [Organization] {
        try await Self.organizations(in: database.rows(BoundStatement(Self.select("o.deletion_ms IS NULL"))))
    }

    public func organization(id: String) async throws -> Organization? {
        try await Self.organizations(
            in: database.rows(BoundStatement(Self.select("o.deletion_ms IS NULL AND o.id = ?"), [.text(id)]))
        ).first
    }

    public func organization(key: OrganizationKey) async throws -> Organization? {
        try await Self.organizations(
            in: database.lookup(
                BoundStatement(Self.select("o.deletion_ms IS NULL AND o.pk = ?"), [.integer(key.rawValue)]))
        ).first
    }

    public func organization(domain: String) async throws -> Organization? {
        try await Self.organizations(
            in: database.rows(
                BoundStatement(
                    Self.select(
                        "o.deletion_ms IS NULL AND o.pk = (SELECT org_pk FROM organization_domains WHERE domain = ?)"),
                    [.text(domain.lowercased())]))
        ).first
    }

    public func updateOrganization(_ organization: Organization, events: [NewEvent]) async throws -> Bool {
        try await checkDomainsAreFree(organization)
        let key = SQLValue.integer(organization.key.rawValue)
        let update = BoundStatement(
            "UPDATE organizations SET name = ?, name_key = ? WHERE pk = ? AND deletion_ms IS NULL RETURNING pk",
            [.text(organization.name), .text(organization.nameKey), key])
        let clear = BoundStatement(
            "DELETE FROM organization_domains WHERE org_pk = (SELECT pk FROM organizations WHERE pk = ? AND deletion_ms IS NULL)",
            [key])
        let results = try await Self.reportingConflicts {
            try await database.write(
                [update, clear] + Self.insertDomains(of: organization)
                    + EventSQL.inserting(
                        events, organization: ("CAST(? AS BIGINT)", [key]),
                        when: ("EXISTS (SELECT 1 FROM organizations WHERE pk = ? AND deletion_ms IS NULL)", [key]),
                        positions: positions))
        }
        return !results[0].isEmpty
    }

    public func counts(in organization: OrganizationKey) async throws -> ResourceCounts {
        var counts = ResourceCounts(users: 0, groups: 0)
        let rows = try await database.rows(
            BoundStatement(
                "SELECT kind, total FROM resource_totals WHERE org_pk = ?", [.integer(organization.rawValue)]))
        for row in rows {
            let total = Int(row.integer(1) ?? 0)
            if row.text(0) == "User" { counts.users = total } else { counts.groups = total }
        }
        return counts
    }

    /// A domain another organization holds is named in the refusal; the unique key is the backstop for a race.
    private func checkDomainsAreFree(_ organization: Organization) async throws {
        guard !organization.domains.isEmpty else { return }
        let placeholders = Array(repeating: "?", count: organization.domains.count).joined(separator: ", ")
        let taken = try await database.first(
            BoundStatement(
                """
                SELECT d.domain FROM organization_domains d JOIN organizations o ON o.pk = d.org_pk
                WHERE d.domain IN (\(placeholders)) AND o.id <> ?
                """, organization.domains.map(SQLValue.text) + [.text(organization.id)])
        ) { $0.text(0) }
        if let taken { throw OrganizationConflict(.domain(taken)) }
    }

    private static func insertDomains(of organization: Organization) -> [BoundStatement] {
        organization.domains.enumerated().map { position, domain in
            BoundStatement(
                "INSERT INTO organization_domains (domain, org_pk, position) SELECT ?, pk, ? FROM organizations WHERE id = ?",
                [.text(domain), .integer(Int64(position)), .text(organization.id)])
        }
    }

    private static func reportingConflicts<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let violation as SQLUniqueViolation {
            throw OrganizationConflict(violation.constraint.contains("domain") ? .domain(nil) : .name)
        }
    }

    /// Organizations with their domains, a row per domain (or one with none), in creation and domain order.
    private static func select(_ condition: String) -> String {
        """
        SELECT o.pk, o.id, o.name, o.created_ms, d.domain FROM organizations o
        LEFT JOIN organization_domains d ON d.org_pk = o.pk WHERE \(condition) ORDER BY o.pk, d.position
        """
    }

    private static func organizations(in rows: [SQLRow]) throws -> [Organization] {
        var result: [Organization] = []
        for row in rows {
            guard let key = row.integer(0), let id = row.text(1), let name = row.text(2), let created = row.date(3)
            else { throw unreadable("organization") }
            if result.last?.key.rawValue != key {
                result.append(
                    Organization(key: OrganizationKey(key), id: id, name: name, domains: [], created: created))
            }
            if let domain = row.text(4) { result[result.count - 1].domains.append(domain) }
        }
        return result
    }
}
