import Directory
import Foundation
import SCIMCore

/// The console's operations pass through unmeasured: they are rare next to SCIM traffic, and the activity log
/// writes in batches off the request path.
extension MeasuredStore {
    func adminCount() async throws -> Int { try await base.adminCount() }
    func insertAdmin(_ admin: AdminAccount) async throws { try await base.insertAdmin(admin) }
    func admin(username: String) async throws -> AdminAccount? { try await base.admin(username: username) }
    func admin(id: String) async throws -> AdminAccount? { try await base.admin(id: id) }
    func insertSession(_ session: AdminSession) async throws { try await base.insertSession(session) }
    func session(withHash hash: String) async throws -> AdminSession? { try await base.session(withHash: hash) }
    func deleteSession(withHash hash: String) async throws { try await base.deleteSession(withHash: hash) }
    func deleteSessions(expiredBefore time: Date) async throws { try await base.deleteSessions(expiredBefore: time) }
    func setting(_ key: String) async throws -> String? { try await base.setting(key) }
    func setSetting(_ key: String, to value: String?) async throws { try await base.setSetting(key, to: value) }
    func record(_ events: [ActivityEvent]) async throws { try await base.record(events) }
    func activity(_ query: ActivityQuery) async throws -> [ActivityEvent] { try await base.activity(query) }
    func deleteActivity(before time: Date) async throws -> Int { try await base.deleteActivity(before: time) }
    func provenance(of resourceID: String) async throws -> Provenance? { try await base.provenance(of: resourceID) }
    func token(id: String) async throws -> TokenRecord? { try await base.token(id: id) }
    func replaceTokenSecret(id: String, hash: String, prefix: String) async throws -> Bool {
        try await base.replaceTokenSecret(id: id, hash: hash, prefix: prefix)
    }
    func customFields() async throws -> [CustomField] { try await base.customFields() }
    func insertCustomField(_ field: CustomField) async throws { try await base.insertCustomField(field) }
    func updateCustomField(_ field: CustomField) async throws -> Bool { try await base.updateCustomField(field) }
    func deleteCustomField(id: String) async throws -> Bool { try await base.deleteCustomField(id: id) }
}
