import Foundation
import SAML
import SCIMCore

/// Fetches an identity provider's metadata from its URL. The implementation (an https GET with bounded size and
/// time, to public addresses only unless allowed) lives with the other outgoing HTTP, in Events.
public protocol MetadataFetcher: Sendable {
    func fetch(_ url: String, allowPrivate: Bool) async throws -> Data
}

extension Connections {
    /// How often a connection's metadata is fetched again, and how soon after a failed fetch.
    public static let metadataRefresh: TimeInterval = 24 * 3600
    public static let metadataRetry: TimeInterval = 3600

    /// A metadata URL as a connection takes one: https (plain http only with `allowPrivate`, for an identity provider
    /// beside Roster), and a public address unless `allowPrivate` (its name is resolved and checked again when it is
    /// fetched).
    static func checkMetadataURL(_ text: String, allowPrivate: Bool) throws(SCIMError) {
        guard text.utf8.count <= 2000, let url = URL(string: text), let scheme = url.scheme?.lowercased(),
            let host = url.host, !host.isEmpty, url.user == nil
        else { throw .invalidValue("\"\(text)\" is not an absolute URL.") }
        guard scheme == "https" || (scheme == "http" && allowPrivate) else {
            throw .invalidValue("The metadata URL must be https (plain http only with --idp-metadata-allow-private).")
        }
        if !allowPrivate, WebhookAddress.isPrivate(host: host) {
            throw .invalidValue(
                "\(host) is a loopback, private or link-local address; allow it with --idp-metadata-allow-private.")
        }
    }

    /// Fetches and reads a connection's metadata.
    static func fetchMetadata(_ url: String, allowPrivate: Bool, using fetcher: any MetadataFetcher) async throws
        -> IdentityProviderMetadata
    {
        let data: Data
        do {
            data = try await fetcher.fetch(url, allowPrivate: allowPrivate)
        } catch {
            throw SCIMError.invalidValue("The metadata could not be fetched from \(url): \(error)")
        }
        do {
            return try IdentityProviderMetadata.parse(data)
        } catch {
            throw SCIMError.invalidValue("The metadata at \(url) cannot be read: \(error.description)")
        }
    }

    /// Deletes the sign-ins, codes and replay records past their time (every instance does, every few minutes).
    public func prune() async throws {
        try await store.pruneSignIns(now: context.clock())
    }

    /// Fetches again the metadata of connections made from a URL, when due (or all of them with `force`): new
    /// signing certificates and SSO URL are taken; a failure keeps the old ones and becomes the connection's
    /// metadata status. Metadata naming another entity is refused. Returns the connections updated.
    @discardableResult
    public func refreshMetadata(using fetcher: any MetadataFetcher, force: Bool = false) async throws -> Int {
        var updated = 0
        for connection in try await store.connections(of: nil) {
            guard let url = connection.idpMetadataURL else { continue }
            let now = context.clock()
            if !force, let checked = connection.metadataChecked {
                let wait = connection.metadataError == nil ? Self.metadataRefresh : Self.metadataRetry
                if now.timeIntervalSince(checked) < wait { continue }
            }
            do {
                let metadata = try await Self.fetchMetadata(
                    url, allowPrivate: connection.allowPrivateMetadata, using: fetcher)
                guard metadata.entityID == connection.idpEntityID else {
                    throw SCIMError.invalidValue(
                        "The metadata now names \(metadata.entityID), not \(connection.idpEntityID); add a new connection for it."
                    )
                }
                try Self.checkSSOURL(metadata.ssoURL)
                try await store.updateIdentityProvider(
                    connection: connection.id, ssoURL: metadata.ssoURL, certificates: metadata.certificates,
                    checked: now, error: nil)
                updated += 1
            } catch let error as SCIMError {
                try await store.updateIdentityProvider(
                    connection: connection.id, ssoURL: nil, certificates: nil, checked: now,
                    error: String(error.detail.prefix(500)))
            }
        }
        return updated
    }
}
