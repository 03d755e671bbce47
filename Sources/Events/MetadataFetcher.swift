import Directory
import Foundation
import NIOCore
import NIOPosix

/// Fetches identity provider metadata over https with a bounded body and time: the name is resolved here and every
/// address it has must be public (unless the operator allowed private ones for this connection), then the client
/// connects to that address, so a name cannot be rebound to an internal one between the check and the request.
/// No redirect is followed.
public struct HTTPMetadataFetcher: MetadataFetcher {
    static let maxBytes = 1 << 20
    static let timeout = TimeAmount.seconds(10)
    let trust: WebhookTrust

    public init(trust: WebhookTrust = WebhookTrust()) {
        self.trust = trust
    }

    public func fetch(_ url: String, allowPrivate: Bool) async throws -> Data {
        guard let parsed = URLComponents(string: url), let host = parsed.host, !host.isEmpty else {
            throw MetadataFetchError("\(url) is not a URL.")
        }
        let name = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        let address = allowPrivate ? nil : try await Task.detached { try AddressCheck.resolve(name) }.value
        let client = try WebhookClient(
            target: WebhookTarget(url: url, address: address), loop: MultiThreadedEventLoopGroup.singleton.next(),
            trust: trust)
        defer { client.shutdown() }
        let (status, body) = try await client.get(
            deadline: .now() + Self.timeout, maxBody: Self.maxBytes)
        guard status == 200 else {
            throw MetadataFetchError("The metadata URL answered \(status) (redirects are not followed).")
        }
        return Data(body)
    }
}

struct MetadataFetchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
