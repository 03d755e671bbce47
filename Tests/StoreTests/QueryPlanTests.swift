import App
import Directory
import Foundation
import RosterTestSupport
import SCIMCore
import Testing

@testable import PostgresStore
@testable import SQLiteStore

/// The filters identity providers send on every provisioning call are index lookups, never scans of
/// `resources` or of `attribute_values` (checked on SQLite's query plan, not with a timing).
@Suite struct QueryPlanTests {
    /// The plan of a page query in an organization other than the default one.
    static func plan(_ filter: String, kind: ResourceKind = .user) async throws -> [String] {
        let store = try SQLiteStore.inMemory()
        let query = ResourceQuery(
            organization: OrganizationKey(2), kind: kind, filter: try Filter.parse(filter),
            page: Page(startIndex: 1, count: 100, maximum: 100))
        return try await store.queryPlan(for: query)
    }

    /// Every index search is within the organization: its index is led by the organization's key, or it finds one
    /// row by a key that is unique in the whole database (a row's key, a resource's id, a membership's pair), or
    /// the rows of one resource already found.
    static func expectWithinTheOrganization(_ plan: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        for step in plan where step.hasPrefix("SEARCH") {
            let scoped =
                step.contains("(org_pk=?") || step.contains("PRIMARY KEY") || step.contains("(id=?)")
                || step.contains("memberships") || step.contains("(resource_pk=?")
            #expect(scoped, "\(step) in \(plan)", sourceLocation: sourceLocation)
        }
    }

    static func expectNoScan(_ plan: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        let scans = plan.filter { $0.hasPrefix("SCAN") }
        #expect(scans.isEmpty, "plan scans: \(plan)", sourceLocation: sourceLocation)
    }

    @Test(arguments: [
        (#"userName eq "jane@example.com""#, ResourceKind.user),
        (#"externalId eq "00u1""#, .user),
        (#"id eq "3f1c""#, .user),
        (#"displayName eq "Sales""#, .group),
        (#"emails[type eq "work" and value eq "jane@example.com"]"#, .user),
        (#"emails.value eq "jane@example.com""#, .user),
        (#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984""#, .user),
        (#"members[value eq "3f1c"]"#, .group),
        (#"members.value eq "3f1c""#, .group),
        (#"groups.value eq "3f1c""#, .user),
        (#"userName eq "a" or externalId eq "b""#, .user),
    ])
    func providerLookupsAreIndexLookups(filter: String, kind: ResourceKind) async throws {
        let plan = try await Self.plan(filter, kind: kind)
        Self.expectNoScan(plan)
        Self.expectWithinTheOrganization(plan)
        #expect(plan.contains { $0.contains("USING") }, "\(plan)")
    }

    /// Numbers and times are indexed only where a value has one; a comparison with them still searches its index.
    @Test(arguments: [
        ("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:budget gt 100", "attribute_values_by_number"),
        ("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:budget eq 5", "attribute_values_by_number"),
        (
            #"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:start-date lt "2026-01-01T00:00:00Z""#,
            "attribute_values_by_time"
        ),
    ])
    func numberAndTimeComparisonsSearchTheirIndexes(filter: String, index: String) async throws {
        let fields = [
            CustomField(id: "f1", label: "Budget", attributeName: "budget", type: .currency),
            CustomField(id: "f2", label: "Start Date", attributeName: "start-date", type: .date),
        ]
        let query = ResourceQuery(
            organization: OrganizationKey(2), kind: .user, filter: try Filter.parse(filter),
            page: Page(startIndex: 1, count: 100, maximum: 100), type: .user(customFields: fields))
        let plan = try await SQLiteStore.inMemory().queryPlan(for: query)
        Self.expectNoScan(plan)
        #expect(plan.contains { $0.hasPrefix("SEARCH") && $0.contains(index) }, "\(plan)")
    }

    /// A list of ids or userNames, as a client holding them looks them up, is one index lookup per term, not a scan.
    @Test(arguments: ["id", "userName", "externalId"])
    func aLongListOfIdsIsIndexLookups(attribute: String) async throws {
        let filter = (0..<1000).map { #"\#(attribute) eq "value-\#($0)""# }.joined(separator: " or ")
        let plan = try await Self.plan(filter)
        Self.expectNoScan(plan)
        Self.expectWithinTheOrganization(plan)
    }

    /// Only lookups that find at most one resource through a unique index are read on the caller's thread; the
    /// same lookups are index plans above, and everything else goes through the pool.
    @Test(arguments: [
        (#"userName eq "jane@example.com""#, ResourceKind.user, true),
        (#"urn:ietf:params:scim:schemas:core:2.0:User:userName eq "jane@example.com""#, .user, true),
        (#"id eq "3f1c""#, .group, true),
        (#"userName co "jane""#, .user, false),
        (#"userName eq "jane" or userName eq "joe""#, .user, false),
        (#"externalId eq "00u1""#, .user, false),
        (#"title eq "Engineer""#, .user, false),
        (#"displayName eq "Sales""#, .group, false),
        (#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:userName eq "x""#, .user, false),
    ])
    func pointReadsAreForUniqueLookupsOnly(filter: String, kind: ResourceKind, point: Bool) throws {
        let query = ResourceQuery(
            kind: kind, filter: try Filter.parse(filter), page: Page(startIndex: 1, count: 100, maximum: 100))
        #expect(SQLiteStore.findsAtMostOne(query) == point)
    }

    /// The same lookups on PostgreSQL: index scans whose conditions start with the organization.
    @Test(arguments: [
        (#"userName eq "jane@example.com""#, ResourceKind.user), (#"externalId eq "00u1""#, .user),
        (#"displayName eq "Sales""#, .group), (#"emails.value eq "jane@example.com""#, .user),
        (#"emails[type eq "work" and value eq "jane@example.com"]"#, .user),
        (#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984""#, .user),
        (#"members.value eq "3f1c""#, .group), (#"groups.value eq "3f1c""#, .user),
    ])
    func postgresLookupsAreIndexScansWithinTheOrganization(filter: String, kind: ResourceKind) async throws {
        guard PostgresTestDatabase.isConfigured else { return }
        let plan = try await withPostgresStore(maximumConnections: 2) { store in
            let query = ResourceQuery(
                organization: OrganizationKey(2), kind: kind, filter: try Filter.parse(filter),
                page: Page(startIndex: 1, count: 100, maximum: 100))
            return try await store.queryPlan(for: query)
        }
        #expect(plan.contains { $0.contains("Index") }, "\(plan)")
        #expect(
            !plan.contains { $0.contains("Seq Scan on resources") || $0.contains("Seq Scan on attribute_values") },
            "\(plan)")
        for line in plan where line.contains("Index Cond") {
            let scoped =
                line.contains("org_pk =") || line.contains("(pk =") || line.contains("(id =")
                || line.contains("resource_pk =") || line.contains("group_pk =") || line.contains("member_pk =")
            #expect(scoped, "\(line) in \(plan)")
        }
    }
}
