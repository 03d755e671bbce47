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
    /// Roster's key pair for this connection, which identity providers encrypt assertions to (the certificate is in
    /// the SP metadata). Nil on a connection made before there were keys, until it is first needed.
    public var spCertificate: String?
    public var spPrivateKey: String?
    /// Where the identity provider's metadata is fetched from again each day, when the connection was made from a
    /// URL; whether that URL may name a private address; when it was last fetched, and why that failed.
    public var idpMetadataURL: String?
    public var allowPrivateMetadata = false
    public var metadataChecked: Date?
    public var metadataError: String?

    public init(
        id: String, organization: OrganizationKey, idpEntityID: String, idpSSOURL: String, idpCertificates: [String],
        allowSHA1: Bool, justInTime: Bool, idpInitiatedApplication: String?, created: Date,
        lastAttempt: SignInAttempt? = nil, spCertificate: String? = nil, spPrivateKey: String? = nil
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
        self.spCertificate = spCertificate
        self.spPrivateKey = spPrivateKey
    }

    /// Roster's side of a connection, from the public URL: what an administrator pastes into the identity
    /// provider.
    public struct URLs: Sendable, Hashable {
        /// The SP entity ID (Okta's "Audience URI", Entra ID's "Identifier").
        public var entityID: String
        /// Where the identity provider posts its response (Okta's "Single sign-on URL", Entra ID's "Reply URL").
        public var acsURL: String
        public var metadataURL: String
        /// Roster's encryption certificate alone (PEM), for identity providers that take a file (Okta).
        public var certificateURL: String
    }

    public func urls(publicURL: String) -> URLs {
        let base = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        let root = "\(base)/sso/saml/\(id)"
        return URLs(
            entityID: root, acsURL: root + "/acs", metadataURL: root + "/metadata",
            certificateURL: root + "/certificate.pem")
    }

    /// The SP metadata document at `metadataURL`: who Roster is for this connection and where responses go.
    public func serviceProviderMetadata(publicURL: String) -> String {
        let urls = urls(publicURL: publicURL)
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="\(Self.escape(urls.entityID))">
              <md:SPSSODescriptor AuthnRequestsSigned="false" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
            \(encryptionKeyDescriptor)    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
                <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="\(Self.escape(urls.acsURL))" index="0" isDefault="true"/>
              </md:SPSSODescriptor>
            </md:EntityDescriptor>

            """
    }

    /// The key identity providers may encrypt assertions with, and the algorithms Roster decrypts.
    var encryptionKeyDescriptor: String {
        guard let pem = spCertificate, let der = IdentityProviderMetadata.pemBlocks(in: pem).first.map(Self.base64Body)
        else { return "" }
        let methods = XMLDecryptor.offered.map { "      <md:EncryptionMethod Algorithm=\"\($0)\"/>\n" }.joined()
        return """
                <md:KeyDescriptor use="encryption">
                  <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>\(der)</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
            \(methods)    </md:KeyDescriptor>

            """
    }

    /// The base64 between a PEM block's armour lines.
    static func base64Body(_ pem: String) -> String {
        pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
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
    /// Its metadata's URL, fetched now and again each day (`allowPrivate`: the URL may be http and name a loopback
    /// or private address, for an identity provider beside Roster).
    case metadataURL(String, allowPrivate: Bool)
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
        idpInitiatedApplication: String? = nil, allowSHA1: Bool = false, fetcher: (any MetadataFetcher)? = nil
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
            case .metadataURL(let url, let allowPrivate):
                try Self.checkMetadataURL(url, allowPrivate: allowPrivate)
                guard let fetcher else { throw SCIMError.invalidValue("Metadata cannot be fetched here.") }
                metadata = try await Self.fetchMetadata(url, allowPrivate: allowPrivate, using: fetcher)
            case .manual(let ssoURL, let entityID, let pem):
                metadata = IdentityProviderMetadata(
                    entityID: entityID.trimmingCharacters(in: .whitespacesAndNewlines),
                    ssoURL: ssoURL.trimmingCharacters(in: .whitespacesAndNewlines),
                    certificates: try IdentityProviderMetadata.certificates(fromPEM: pem))
            }
        } catch let error as SCIMError {
            throw error
        } catch {
            throw SCIMError.invalidValue("\(error)")
        }
        try Self.checkSSOURL(metadata.ssoURL)
        guard !metadata.entityID.isEmpty, metadata.entityID.utf8.count <= 1024 else {
            throw SCIMError.invalidValue("The identity provider's entity ID must be 1 to 1,024 bytes.")
        }
        let id = context.newID()
        let key = try ServiceProviderKey.generate(commonName: "Roster SAML \(id)", at: context.clock())
        var connection = SAMLConnection(
            id: id, organization: organization.key, idpEntityID: metadata.entityID,
            idpSSOURL: metadata.ssoURL, idpCertificates: metadata.certificates, allowSHA1: allowSHA1,
            justInTime: justInTime, idpInitiatedApplication: idpInitiatedApplication, created: context.clock(),
            spCertificate: key.certificatePEM, spPrivateKey: key.privateKeyPEM)
        if case .metadataURL(let url, let allowPrivate) = identityProvider {
            connection.idpMetadataURL = url
            connection.allowPrivateMetadata = allowPrivate
            connection.metadataChecked = context.clock()
        }
        try await store.insertConnection(connection)
        return connection
    }

    /// An SSO URL: https, or http only for an identity provider on this machine (a developer's, or a test's).
    static func checkSSOURL(_ text: String) throws(SCIMError) {
        guard let url = URL(string: text), let host = url.host?.lowercased(),
            url.scheme?.lowercased() == "https"
                || (url.scheme?.lowercased() == "http" && ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host))
        else {
            throw SCIMError.invalidValue(
                "The identity provider's SSO URL must be an https URL, or http on localhost (\(text)).")
        }
    }

    public func list(organization id: String? = nil) async throws -> [SAMLConnection] {
        guard let id else { return try await store.connections(of: nil) }
        guard let organization = try await context.stores.organizations.organization(id: id) else {
            throw SCIMError.notFound("There is no organization \(id).")
        }
        return try await store.connections(of: organization.key)
    }

    /// A connection, with its encryption key pair (made now for a connection older than keys).
    public func connection(id: String) async throws -> SAMLConnection? {
        guard let connection = try await store.connection(id: id) else { return nil }
        guard connection.spCertificate == nil else { return connection }
        let key = try ServiceProviderKey.generate(commonName: "Roster SAML \(id)", at: context.clock())
        // Two instances racing: the first key kept is everyone's.
        try await store.setServiceProviderKey(
            connection: id, privateKeyPEM: key.privateKeyPEM, certificatePEM: key.certificatePEM)
        return try await store.connection(id: id)
    }

    public func remove(id: String) async throws -> Bool {
        try await store.deleteConnection(id: id)
    }
}
