import Foundation
import SAML
import SCIMCore

/// A SAML connection: an organization's identity provider, whose responses Roster (the service provider) accepts
/// at this connection's ACS URL. Its own entity ID, ACS URL and metadata URL are made from Roster's public URL
/// and the connection's id (`SAMLConnection.URLs`).
public struct SAMLConnection: Sendable, Hashable {
    public var id: String
    public var organization: OrganizationKey
    public var idpEntityID: String
    /// Where sign-in requests go (HTTP-Redirect binding).
    public var idpSSOURL: String
    /// The PEM certificates a response may be signed with: several while the identity provider rotates.
    public var idpCertificates: [String]
    /// Whether SHA-1 signatures are accepted (off unless an old identity provider needs it).
    public var allowSHA1: Bool
    /// Whether a person the directory does not hold is created at sign-in (a SCIM user).
    public var justInTime: Bool
    /// The application IdP-initiated sign-ins land on; nil: IdP-initiated sign-in is refused.
    public var idpInitiatedApplication: String?
    public var created: Date
    /// The latest sign-in through it, for its status; nil before the first.
    public var lastAttempt: SignInAttempt?

    public init(
        id: String, organization: OrganizationKey, idpEntityID: String, idpSSOURL: String, idpCertificates: [String],
        allowSHA1: Bool, justInTime: Bool, idpInitiatedApplication: String?, created: Date,
        lastAttempt: SignInAttempt? = nil
    ) {
        self.id = id
        self.organization = organization
        self.idpEntityID = idpEntityID
        self.idpSSOURL = idpSSOURL
        self.idpCertificates = idpCertificates
        self.allowSHA1 = allowSHA1
        self.justInTime = justInTime
        self.idpInitiatedApplication = idpInitiatedApplication
        self.created = created
        self.lastAttempt = lastAttempt
    }

    /// Roster's side of a connection, from the public URL: what an administrator pastes into the identity
    /// provider.
    public struct URLs: Sendable, Hashable {
        /// The SP entity ID (Okta's "Audience URI", Entra ID's "Identifier").
        public var entityID: String
        /// Where the identity provider posts its response (Okta's "Single sign-on URL", Entra ID's "Reply URL").
        public var acsURL: String
        public var metadataURL: String
    }

    public func urls(publicURL: String) -> URLs {
        let base = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        let root = "\(base)/sso/saml/\(id)"
        return URLs(entityID: root, acsURL: root + "/acs", metadataURL: root + "/metadata")
    }

    /// The SP metadata document at `metadataURL`: who Roster is for this connection and where responses go.
    public func serviceProviderMetadata(publicURL: String) -> String {
        let urls = urls(publicURL: publicURL)
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="\(Self.escape(urls.entityID))">
              <md:SPSSODescriptor AuthnRequestsSigned="false" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
                <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
                <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="\(Self.escape(urls.acsURL))" index="0" isDefault="true"/>
              </md:SPSSODescriptor>
            </md:EntityDescriptor>

            """
    }

    /// The certificates of a connection as a store keeps them: PEM blocks one after another.
    public static func certificates(stored text: String) -> [String] {
        IdentityProviderMetadata.pemBlocks(in: text)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}

/// How a connection's identity provider is described when it is added.
public enum IdentityProviderSource: Sendable {
    /// Its metadata XML.
    case metadata(Data)
    /// Its SSO URL, entity ID and signing certificates (PEM text, one or several).
    case manual(ssoURL: String, entityID: String, certificatesPEM: String)
}

extension Organizations {
    /// The SAML connections people sign in through.
    public var connections: Connections { Connections(context: context) }
}

/// Adding, listing and removing SAML connections.
public struct Connections: Sendable {
    let context: DirectoryContext
    var store: any ConnectionStore { context.stores.connections }

    /// Adds a connection to an organization, from its identity provider's metadata or from its three values.
    public func add(
        organization id: String, identityProvider: IdentityProviderSource, justInTime: Bool = false,
        idpInitiatedApplication: String? = nil, allowSHA1: Bool = false
    ) async throws -> SAMLConnection {
        guard let organization = try await context.stores.organizations.organization(id: id) else {
            throw SCIMError.notFound("There is no organization \(id).")
        }
        if let application = idpInitiatedApplication,
            try await context.stores.applications.application(id: application) == nil
        {
            throw SCIMError.notFound("There is no application \(application).")
        }
        let metadata: IdentityProviderMetadata
        do {
            switch identityProvider {
            case .metadata(let data):
                metadata = try IdentityProviderMetadata.parse(data)
            case .manual(let ssoURL, let entityID, let pem):
                metadata = IdentityProviderMetadata(
                    entityID: entityID.trimmingCharacters(in: .whitespacesAndNewlines),
                    ssoURL: ssoURL.trimmingCharacters(in: .whitespacesAndNewlines),
                    certificates: try IdentityProviderMetadata.certificates(fromPEM: pem))
            }
        } catch {
            throw SCIMError.invalidValue(error.description)
        }
        // http only for an identity provider on this machine (a developer's, or a test's).
        guard let url = URL(string: metadata.ssoURL), let host = url.host?.lowercased(),
            url.scheme?.lowercased() == "https"
                || (url.scheme?.lowercased() == "http" && ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host))
        else {
            throw SCIMError.invalidValue(
                "The identity provider's SSO URL must be an https URL, or http on localhost (\(metadata.ssoURL)).")
        }
        guard !metadata.entityID.isEmpty, metadata.entityID.utf8.count <= 1024 else {
            throw SCIMError.invalidValue("The identity provider's entity ID must be 1 to 1,024 bytes.")
        }
        let connection = SAMLConnection(
            id: context.newID(), organization: organization.key, idpEntityID: metadata.entityID,
            idpSSOURL: metadata.ssoURL, idpCertificates: metadata.certificates, allowSHA1: allowSHA1,
            justInTime: justInTime, idpInitiatedApplication: idpInitiatedApplication, created: context.clock())
        try await store.insertConnection(connection)
        return connection
    }

    public func list(organization id: String? = nil) async throws -> [SAMLConnection] {
        guard let id else { return try await store.connections(of: nil) }
        guard let organization = try await context.stores.organizations.organization(id: id) else {
            throw SCIMError.notFound("There is no organization \(id).")
        }
        return try await store.connections(of: organization.key)
    }

    public func connection(id: String) async throws -> SAMLConnection? {
        try await store.connection(id: id)
    }

    public func remove(id: String) async throws -> Bool {
        try await store.deleteConnection(id: id)
    }
}
