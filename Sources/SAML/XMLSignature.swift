import Crypto
import Foundation
import SwiftASN1
import Synchronization
import X509
import _CryptoExtras

/// Checks an enveloped XML signature (XML DSig) the way SAML uses one, and nothing more general: the signature is
/// a direct child of the element it signs, its one reference names that element's `ID`, the transforms are the
/// enveloped signature and exclusive canonicalization, and it verifies with one of the connection's certificates
/// only (never a key the message carries). The digest is computed over that very element object, so the element
/// whose claims are read is the element that was verified (no signature wrapping).
public struct XMLSignatureVerifier: Sendable {
    public static let namespace = "http://www.w3.org/2000/09/xmldsig#"
    static let envelopedTransform = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"

    public var certificates: [Certificate]
    /// SHA-1 digests and signatures, refused unless the connection allows them.
    public var allowSHA1: Bool

    public init(certificates: [Certificate], allowSHA1: Bool = false) {
        self.certificates = certificates
        self.allowSHA1 = allowSHA1
    }

    /// With certificates in PEM; one that does not parse is left out (they are checked when a connection is added).
    /// Each is parsed once and kept: a connection's certificates are the same for every sign-in through it.
    public init(pemCertificates: [String], allowSHA1: Bool = false) {
        self.init(certificates: pemCertificates.compactMap(Self.parsed), allowSHA1: allowSHA1)
    }

    /// Certificates parsed from PEM, by their text; forgotten all at once past a thousand (connections' certificates
    /// number a few each).
    private static let parsedCertificates = Mutex<[String: Certificate]>([:])

    private static func parsed(_ pem: String) -> Certificate? {
        if let known = parsedCertificates.withLock({ $0[pem] }) { return known }
        guard let certificate = try? Certificate(pemEncoded: pem) else { return nil }
        parsedCertificates.withLock { known in
            if known.count >= 1000 { known.removeAll() }
            known[pem] = certificate
        }
        return certificate
    }

    /// Whether `element` carries a signature (a direct `ds:Signature` child); throws when it carries one that
    /// does not verify, or several.
    public func verify(_ element: XMLElement, document: XMLElement) throws(SAMLRefusal) -> Bool {
        let signatures = element.children(Self.namespace, "Signature")
        guard !signatures.isEmpty else { return false }
        guard signatures.count == 1, let signature = signatures.first else {
            throw SAMLRefusal("An element carries more than one signature.")
        }
        guard let id = element[attribute: "ID"], !id.isEmpty else {
            throw SAMLRefusal("A signed element has no ID.")
        }
        // IDs are unique in the document: a second element with the signed ID is how wrapping attacks hide.
        let sameID = ([document] + document.descendants).filter { SAMLText.same($0[attribute: "ID"], id) }
        guard sameID.count == 1 else { throw SAMLRefusal("The ID \(SAMLText.quoted(id)) appears more than once.") }

        guard let signedInfo = signature.child(Self.namespace, "SignedInfo"),
            let canonicalization = signedInfo.child(Self.namespace, "CanonicalizationMethod"),
            let method = signedInfo.child(Self.namespace, "SignatureMethod")?[attribute: "Algorithm"],
            let valueText = signature.child(Self.namespace, "SignatureValue")?.text
        else { throw SAMLRefusal("The signature is incomplete.") }
        // SignedInfo is canonicalized before anything is verified: it must be the small thing the specification
        // describes, or its canonicalization is the attacker's to make slow.
        let signedInfoElements = [signedInfo] + signedInfo.descendants
        guard signedInfoElements.count <= 24, signedInfoElements.allSatisfy({ $0.attributes.count <= 8 }),
            signedInfo.elements.allSatisfy({
                $0.namespace == Self.namespace
                    && ["CanonicalizationMethod", "SignatureMethod", "Reference"].contains($0.localName)
            })
        else { throw SAMLRefusal("The signature's SignedInfo is not the usual few elements.") }
        guard canonicalization[attribute: "Algorithm"] == ExclusiveCanonicalization.algorithm else {
            throw SAMLRefusal("The signature's canonicalization is not exclusive XML canonicalization.")
        }
        let references = signedInfo.children(Self.namespace, "Reference")
        guard references.count == 1, let reference = references.first else {
            throw SAMLRefusal("The signature must have exactly one reference.")
        }
        guard SAMLText.same(reference[attribute: "URI"], "#" + id) else {
            throw SAMLRefusal("The signature's reference is not the element that carries it.")
        }
        // Exactly the enveloped signature and exclusive canonicalization (without the latter the reference would
        // be canonicalized inclusively).
        let transforms = reference.child(Self.namespace, "Transforms")?.children(Self.namespace, "Transform") ?? []
        let algorithms = transforms.map { $0[attribute: "Algorithm"] ?? "" }
        guard algorithms.count == 2, Set(algorithms) == [Self.envelopedTransform, ExclusiveCanonicalization.algorithm],
            let canonicalTransform = transforms.first(where: {
                $0[attribute: "Algorithm"] == ExclusiveCanonicalization.algorithm
            })
        else {
            throw SAMLRefusal(
                "The signature's transforms must be the enveloped signature and exclusive canonicalization.")
        }
        guard let digestMethod = reference.child(Self.namespace, "DigestMethod")?[attribute: "Algorithm"],
            let digestText = reference.child(Self.namespace, "DigestValue")?.text,
            let expected = Data(base64Encoded: Self.compact(digestText))
        else { throw SAMLRefusal("The signature's reference has no digest.") }
        guard let value = Data(base64Encoded: Self.compact(valueText)) else {
            throw SAMLRefusal("The signature value is not base64.")
        }
        // The signature first, over the small SignedInfo: nothing an attacker wrote is canonicalized at length
        // (a reference's PrefixList over its element) before the identity provider's key vouches for it.
        let signedInfoBytes = ExclusiveCanonicalization.bytes(
            of: signedInfo, inclusive: try Self.inclusivePrefixes(canonicalization))
        var verified = false
        for certificate in certificates where !verified {
            verified = try Self.verify(
                value, over: signedInfoBytes, method: method, with: certificate, allowSHA1: allowSHA1)
        }
        guard verified else { throw SAMLRefusal("The signature does not verify with the connection's certificates.") }
        let signedBytes = ExclusiveCanonicalization.bytes(
            of: element, excluding: signature, inclusive: try Self.inclusivePrefixes(canonicalTransform))
        let digest = try Self.digest(signedBytes, method: digestMethod, allowSHA1: allowSHA1)
        guard Self.constantTimeEqual(digest, Array(expected)) else {
            throw SAMLRefusal("The signed element was changed after it was signed (its digest differs).")
        }
        return true
    }

    /// The `InclusiveNamespaces PrefixList` of a canonicalization, at most 16 prefixes (identity providers list
    /// one or two; thousands would make canonicalization a denial of service).
    static func inclusivePrefixes(_ transform: XMLElement) throws(SAMLRefusal) -> Set<String> {
        let list = transform.elements.first { $0.localName == "InclusiveNamespaces" }?[attribute: "PrefixList"] ?? ""
        let prefixes = list.split(whereSeparator: \.isWhitespace).map(String.init)
        guard prefixes.count <= 16 else { throw SAMLRefusal("The signature lists more than 16 inclusive prefixes.") }
        return Set(prefixes)
    }

    static func compact(_ base64: String) -> String {
        String(decoding: base64.utf8.filter { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }, as: UTF8.self)
    }

    static func digest(_ bytes: [UInt8], method: String, allowSHA1: Bool) throws(SAMLRefusal) -> [UInt8] {
        switch method {
        case "http://www.w3.org/2001/04/xmlenc#sha256": return Array(SHA256.hash(data: bytes))
        case "http://www.w3.org/2001/04/xmldsig-more#sha384": return Array(SHA384.hash(data: bytes))
        case "http://www.w3.org/2001/04/xmlenc#sha512": return Array(SHA512.hash(data: bytes))
        case "http://www.w3.org/2000/09/xmldsig#sha1" where allowSHA1: return Array(Insecure.SHA1.hash(data: bytes))
        case "http://www.w3.org/2000/09/xmldsig#sha1":
            throw SAMLRefusal("The signature uses SHA-1, which this connection does not allow.")
        default: throw SAMLRefusal("The digest method \(XMLDecryptor.algorithmName(method)) is not accepted.")
        }
    }

    static func verify(
        _ signature: Data, over bytes: [UInt8], method: String, with certificate: Certificate, allowSHA1: Bool
    ) throws(SAMLRefusal) -> Bool {
        let key = certificate.publicKey
        switch method {
        case "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512", "http://www.w3.org/2000/09/xmldsig#rsa-sha1":
            if method.hasSuffix("sha1"), !allowSHA1 {
                throw SAMLRefusal("The signature uses SHA-1, which this connection does not allow.")
            }
            guard let rsa = _RSA.Signing.PublicKey(key) else { return false }
            let value = _RSA.Signing.RSASignature(rawRepresentation: signature)
            switch method.suffix(6) {
            case "sha256":
                return rsa.isValidSignature(value, for: SHA256.hash(data: bytes), padding: .insecurePKCS1v1_5)
            case "sha384":
                return rsa.isValidSignature(value, for: SHA384.hash(data: bytes), padding: .insecurePKCS1v1_5)
            case "sha512":
                return rsa.isValidSignature(value, for: SHA512.hash(data: bytes), padding: .insecurePKCS1v1_5)
            default:
                return rsa.isValidSignature(value, for: Insecure.SHA1.hash(data: bytes), padding: .insecurePKCS1v1_5)
            }
        case "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256":
            guard let ec = P256.Signing.PublicKey(key),
                let value = try? P256.Signing.ECDSASignature(rawRepresentation: signature)
            else { return false }
            return ec.isValidSignature(value, for: SHA256.hash(data: bytes))
        case "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384":
            guard let ec = P384.Signing.PublicKey(key),
                let value = try? P384.Signing.ECDSASignature(rawRepresentation: signature)
            else { return false }
            return ec.isValidSignature(value, for: SHA384.hash(data: bytes))
        default:
            throw SAMLRefusal("The signature method \(XMLDecryptor.algorithmName(method)) is not accepted.")
        }
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Comparing and quoting what a message says: byte for byte (Swift's `==` takes the Kelvin sign for "K"), and
/// short and on one line when a refusal repeats it.
public enum SAMLText {
    public static func same(_ a: String?, _ b: String?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return a.utf8.elementsEqual(b.utf8)
    }

    public static func quoted(_ text: String) -> String {
        let scalars = text.unicodeScalars.prefix(120).map { $0.properties.generalCategory == .control ? " " : $0 }
        return "\"" + String(String.UnicodeScalarView(scalars)) + (text.unicodeScalars.count > 120 ? "…" : "") + "\""
    }
}

/// Why a SAML message was refused: a sentence for the administrator's status page and the log.
public struct SAMLRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
