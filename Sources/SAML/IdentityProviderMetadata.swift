import Foundation
import SwiftASN1
import X509

/// What Roster needs from an identity provider's SAML metadata (`EntityDescriptor`): its entity ID, the URL of
/// its single sign-on service for the HTTP-Redirect binding, and the certificates it signs with (several while
/// it rotates).
public struct IdentityProviderMetadata: Sendable, Hashable {
    public static let namespace = "urn:oasis:names:tc:SAML:2.0:metadata"
    static let redirectBinding = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"

    public var entityID: String
    public var ssoURL: String
    /// PEM text of each signing certificate.
    public var certificates: [String]

    public init(entityID: String, ssoURL: String, certificates: [String]) {
        self.entityID = entityID
        self.ssoURL = ssoURL
        self.certificates = certificates
    }

    /// Reads metadata XML (UTF-8, no DTD, as every message); refuses one without an entity ID, a Redirect SSO
    /// service or a signing certificate.
    public static func parse(_ data: Data) throws(SAMLRefusal) -> IdentityProviderMetadata {
        let root: XMLElement
        do {
            root = try XMLTree.parse(data)
        } catch {
            throw SAMLRefusal(error.description)
        }
        let descriptors =
            root.localName == "EntityDescriptor" && root.namespace == namespace
            ? [root] : root.descendants.filter { $0.localName == "EntityDescriptor" && $0.namespace == namespace }
        guard descriptors.count <= 1 else {
            throw SAMLRefusal("The metadata describes \(descriptors.count) entities; give the identity provider's own.")
        }
        guard let descriptor = descriptors.first,
            let entityID = descriptor[attribute: "entityID"]?.trimmingCharacters(in: .whitespacesAndNewlines),
            !entityID.isEmpty
        else {
            throw SAMLRefusal("The metadata has no EntityDescriptor with an entityID.")
        }
        guard let idp = descriptor.child(namespace, "IDPSSODescriptor") else {
            throw SAMLRefusal("The metadata describes no identity provider (IDPSSODescriptor).")
        }
        guard
            let sso = idp.children(namespace, "SingleSignOnService").first(where: {
                $0[attribute: "Binding"] == redirectBinding
            })?[attribute: "Location"]?.trimmingCharacters(in: .whitespacesAndNewlines)
        else { throw SAMLRefusal("The metadata has no single sign-on service for the HTTP-Redirect binding.") }
        var certificates: [String] = []
        for key in idp.children(namespace, "KeyDescriptor") where (key[attribute: "use"] ?? "signing") == "signing" {
            for element in key.descendants where element.localName == "X509Certificate" {
                certificates.append(try Self.pem(fromBase64: element.text))
            }
        }
        guard !certificates.isEmpty else { throw SAMLRefusal("The metadata has no signing certificate.") }
        return IdentityProviderMetadata(entityID: entityID, ssoURL: sso, certificates: certificates)
    }

    /// A certificate given as base64 DER (as metadata holds it) in PEM, checked to be one.
    static func pem(fromBase64 text: String) throws(SAMLRefusal) -> String {
        let compact = text.filter { !$0.isWhitespace }
        guard let der = Data(base64Encoded: compact), (try? Certificate(derEncoded: Array(der))) != nil else {
            throw SAMLRefusal("A certificate in the metadata is not an X.509 certificate.")
        }
        let lines = stride(from: 0, to: compact.count, by: 64).map { offset -> String in
            let start = compact.index(compact.startIndex, offsetBy: offset)
            return String(
                compact[start..<(compact.index(start, offsetBy: 64, limitedBy: compact.endIndex) ?? compact.endIndex)])
        }
        return "-----BEGIN CERTIFICATE-----\n" + lines.joined(separator: "\n") + "\n-----END CERTIFICATE-----\n"
    }

    /// The PEM certificate blocks of a text, as they are written (not checked).
    public static func pemBlocks(in text: String) -> [String] {
        // By bytes: a connection's certificates are split each time it is read, once per sign-in, and Foundation's
        // `components(separatedBy:)` was a percent of a sign-in.
        let bytes = Array(text.utf8)
        var blocks: [String] = []
        var rest = bytes[...]
        while let begin = rest.firstRange(of: Self.begin), let end = rest[begin.lowerBound...].firstRange(of: Self.end)
        {
            blocks.append(String(decoding: bytes[begin.lowerBound..<end.upperBound], as: UTF8.self) + "\n")
            rest = bytes[end.upperBound...]
        }
        return blocks
    }

    private static let begin = Array("-----BEGIN CERTIFICATE-----".utf8)
    private static let end = Array("-----END CERTIFICATE-----".utf8)

    /// Certificates given as PEM text (one or several), checked.
    public static func certificates(fromPEM text: String) throws(SAMLRefusal) -> [String] {
        let blocks = pemBlocks(in: text)
        guard !blocks.isEmpty else { throw SAMLRefusal("No PEM certificate (-----BEGIN CERTIFICATE-----) was given.") }
        for block in blocks where (try? Certificate(pemEncoded: block)) == nil {
            throw SAMLRefusal("A certificate given is not an X.509 certificate in PEM.")
        }
        return blocks
    }
}
