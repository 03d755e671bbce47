import Crypto
import Foundation
import SCIMCore
import Synchronization

extension Organizations {
    /// The applications Roster serves: their registration, their feed, their webhooks.
    public var applications: Applications { Applications(context: context) }
}

/// The applications Roster serves, the event feed they read and the webhook endpoints they are pushed to.
public struct Applications: Sendable {
    let context: DirectoryContext
    var store: any ApplicationStore { context.stores.applications }
    var events: any EventStore { context.stores.events }

    /// Registers an application; the secret is returned once and only its hash is kept.
    public func create(name: String, redirectURIs: [String]) async throws -> (ApplicationRecord, secret: String) {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200 else {
            throw SCIMError.invalidValue("An application needs a name of 1 to 200 characters.")
        }
        for uri in redirectURIs {
            guard let url = URL(string: uri), let scheme = url.scheme?.lowercased(), url.host != nil,
                scheme == "https" || scheme == "http", url.fragment == nil, !uri.contains("\n")
            else {
                throw SCIMError.invalidValue("\"\(uri)\" is not an absolute http(s) URL without a fragment.")
            }
        }
        let secret = Self.secretMarker + Secrets.random()
        let record = ApplicationRecord(
            id: context.newID(), name: name, clientID: "app_" + Secrets.random().prefix(22),
            secretHash: Secrets.hash(secret), redirectURIs: redirectURIs, created: context.clock())
        try await store.insertApplication(record)
        return (record, secret)
    }

    /// What every application secret starts with, so a leaked one is recognised (and told from a SCIM token).
    public static let secretMarker = "roster_app_"

    public func list() async throws -> [ApplicationRecord] { try await store.applications() }
    public func application(id: String) async throws -> ApplicationRecord? { try await store.application(id: id) }
    public func remove(id: String) async throws -> Bool { try await store.deleteApplication(id: id) }

    /// The application whose secret a `Bearer` header carries, or a 401 error. The hash is looked up: the
    /// comparison happens in the database's index on values that are themselves hashes of random secrets.
    public func authenticate(authorization: String?) async throws -> ApplicationRecord {
        guard let authorization, authorization.count < 512,
            authorization.lowercased().hasPrefix("bearer ")
        else { throw FeedError.unauthorized }
        let secret = authorization.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
        guard secret.hasPrefix(Self.secretMarker),
            let application = try await store.application(withSecretHash: Secrets.hash(secret))
        else { throw FeedError.unauthorized }
        return application
    }

    // MARK: Webhooks

    /// Adds a webhook endpoint to an application; its signing secret (`whsec_…`) is returned. The URL must be https
    /// unless `allowInsecure` (an operator's choice for an application running beside Roster), which also lets it
    /// name a private or loopback address.
    public func addWebhook(application: String, url: String, types: [String], allowInsecure: Bool) async throws
        -> WebhookEndpoint
    {
        guard try await store.application(id: application) != nil else {
            throw SCIMError.notFound("There is no application \(application).")
        }
        try WebhookAddress.check(url, allowInsecure: allowInsecure)
        for type in types where EventType(rawValue: type) == nil {
            throw SCIMError.invalidValue(
                "\"\(type)\" is not an event type; they are: "
                    + EventType.allCases.map(\.rawValue).joined(separator: ", ") + ".")
        }
        let endpoint = WebhookEndpoint(
            id: context.newID(), application: application, url: url, types: types,
            secrets: [WebhookSignature.newSecret()], allowInsecure: allowInsecure, created: context.clock())
        try await store.insertEndpoint(endpoint)
        return endpoint
    }

    public func webhooks(of application: String?) async throws -> [WebhookEndpoint] {
        try await store.endpoints(of: application)
    }

    public func webhook(id: String) async throws -> WebhookEndpoint? { try await store.endpoint(id: id) }
    public func removeWebhook(id: String) async throws -> Bool { try await store.deleteEndpoint(id: id) }

    public func setWebhook(id: String, enabled: Bool, reason: String? = nil) async throws -> Bool {
        try await store.setEndpoint(id: id, enabled: enabled, reason: reason, at: context.clock())
    }

    /// Gives an endpoint a new signing secret, returned once; deliveries are signed with it and the one before
    /// (two signatures) until `finishRotation`, so the receiver can switch at its own pace.
    public func rotateSecret(webhook id: String) async throws -> String {
        guard let endpoint = try await store.endpoint(id: id) else {
            throw SCIMError.notFound("There is no webhook \(id).")
        }
        let secret = WebhookSignature.newSecret()
        _ = try await store.setEndpointSecrets(id: id, secrets: [secret] + endpoint.secrets.prefix(1))
        return secret
    }

    /// Stops signing with every secret but the newest.
    public func finishRotation(webhook id: String) async throws {
        guard let endpoint = try await store.endpoint(id: id) else {
            throw SCIMError.notFound("There is no webhook \(id).")
        }
        _ = try await store.setEndpointSecrets(id: id, secrets: Array(endpoint.secrets.prefix(1)))
    }

    /// Asks for a `webhook.test` event to be sent to the endpoint (within a second or two, by whichever instance
    /// delivers to it); its attempt is listed with the others.
    public func sendTest(webhook id: String) async throws -> Bool {
        try await store.requestTest(endpoint: id, at: context.clock())
    }

    /// Asks for a dead letter to be sent again; delivered, it leaves the dead letters.
    public func resend(webhook id: String, organization: OrganizationKey, sequence: Int64) async throws -> Bool {
        try await store.requestResend(endpoint: id, organization: organization, sequence: sequence)
    }

    public func attempts(webhook id: String, limit: Int = 50) async throws -> [DeliveryAttempt] {
        try await store.attempts(endpoint: id, limit: limit)
    }

    public func deadLetters(webhook id: String, limit: Int = 50) async throws -> [DeadLetter] {
        try await store.deadLetters(endpoint: id, limit: limit)
    }

    // MARK: Retention

    /// Deletes events older than `retention` and delivery attempts older than a week; returns the events deleted.
    @discardableResult
    public func prune(retention: TimeInterval) async throws -> Int {
        let now = context.clock()
        var deleted = 0
        while true {
            let batch = try await events.deleteEvents(before: now - retention, limit: 1000)
            deleted += batch
            if batch < 1000 { break }
        }
        _ = try await store.deleteAttempts(before: now - 7 * 86400)
        return deleted
    }
}

/// Why a feed request is refused: the status, a code a program can switch on, and a sentence for people.
public struct FeedError: Error, Sendable, Hashable {
    public var status: Int
    public var code: String
    public var detail: String

    public init(status: Int, code: String, detail: String) {
        self.status = status
        self.code = code
        self.detail = detail
    }

    public static let unauthorized = FeedError(
        status: 401, code: "unauthorized", detail: "Send an application's secret as \"Authorization: Bearer …\".")

    static func invalid(_ code: String, _ detail: String) -> FeedError {
        FeedError(status: 400, code: code, detail: detail)
    }
}
