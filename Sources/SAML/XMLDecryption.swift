import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// Decrypts a SAML `EncryptedAssertion` (XML Encryption 1.1) with the connection's own key: the content key is
/// transported with RSA-OAEP (never PKCS#1 v1.5, which falls to Bleichenbacher's attack), the assertion is
/// encrypted with AES-GCM or AES-CBC.
///
/// Every failure after the algorithms are known (a wrong key, bad padding, a tag that does not match, plaintext
/// that is not one well-formed Assertion) is the same refusal, so that no answer tells an attacker altering the
/// ciphertext how far its decryption got (the padding and parsing oracles of XML Encryption). The assertion
/// decrypted must still be signed (or sit in a signed Response): encryption proves nothing about its author.
public struct XMLDecryptor: Sendable {
    static let encryptionNamespace = "http://www.w3.org/2001/04/xmlenc#"
    static let encryption11Namespace = "http://www.w3.org/2009/xmlenc11#"
    static let undecryptable = SAMLRefusal("The encrypted assertion could not be decrypted with this connection's key.")

    /// The content encryption algorithms accepted, by URI: the key length in bytes and whether it is GCM.
    static let contentAlgorithms: [String: (keyBytes: Int, gcm: Bool)] = [
        "http://www.w3.org/2009/xmlenc11#aes128-gcm": (16, true),
        "http://www.w3.org/2009/xmlenc11#aes192-gcm": (24, true),
        "http://www.w3.org/2009/xmlenc11#aes256-gcm": (32, true),
        "http://www.w3.org/2001/04/xmlenc#aes128-cbc": (16, false),
        "http://www.w3.org/2001/04/xmlenc#aes192-cbc": (24, false),
        "http://www.w3.org/2001/04/xmlenc#aes256-cbc": (32, false),
    ]
    /// What the service provider metadata offers, strongest first.
    public static let offered = [
        "http://www.w3.org/2009/xmlenc11#aes256-gcm", "http://www.w3.org/2009/xmlenc11#aes128-gcm",
        "http://www.w3.org/2001/04/xmlenc#aes256-cbc", "http://www.w3.org/2001/04/xmlenc#aes128-cbc",
        "http://www.w3.org/2009/xmlenc11#rsa-oaep", "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
    ]

    let privateKeyPEM: String

    /// The key is parsed when an assertion is encrypted, not for every response.
    public init(privateKeyPEM: String) {
        self.privateKeyPEM = privateKeyPEM
    }

    /// The Assertion inside `encrypted` (an `EncryptedAssertion`), parsed inside a wrapper element that declares
    /// the namespaces in scope where it was (the wrapper takes the EncryptedAssertion's place in the tree).
    func decrypt(_ encrypted: XMLElement) throws(SAMLRefusal) -> (wrapper: XMLElement, assertion: XMLElement) {
        let xenc = Self.encryptionNamespace
        let data = encrypted.children(xenc, "EncryptedData")
        guard data.count == 1, let encryptedData = data.first,
            let method = encryptedData.child(xenc, "EncryptionMethod")?[attribute: "Algorithm"],
            let cipherText = encryptedData.child(xenc, "CipherData")?.child(xenc, "CipherValue")?.text
        else { throw SAMLRefusal("The encrypted assertion is incomplete (EncryptedData).") }
        guard let content = Self.contentAlgorithms[method] else {
            // Named only when it is one of XML Encryption's: the text of an unsigned message must not reach the
            // refusal page, the connection's status and the activity log.
            throw SAMLRefusal(
                "The assertion is encrypted with \(Self.algorithmName(method)), which is not accepted; use AES-GCM or AES-CBC."
            )
        }
        // The content key: in the EncryptedData's KeyInfo, or beside it in the EncryptedAssertion.
        let keyInfo = encryptedData.child(XMLSignatureVerifier.namespace, "KeyInfo")
        let keys = (keyInfo?.children(xenc, "EncryptedKey") ?? []) + encrypted.children(xenc, "EncryptedKey")
        guard !keys.isEmpty else {
            throw SAMLRefusal("The encrypted assertion carries no key for Roster (EncryptedKey).")
        }
        guard keys.count <= 4 else { throw SAMLRefusal("The encrypted assertion carries more than four keys.") }
        guard let key = try? _RSA.Encryption.PrivateKey(pemRepresentation: privateKeyPEM) else {
            throw SAMLRefusal("This connection's decryption key cannot be read.")
        }
        var contentKey: Data?
        for encryptedKey in keys where contentKey == nil {
            let padding = try Self.padding(of: encryptedKey)
            guard let value = encryptedKey.child(xenc, "CipherData")?.child(xenc, "CipherValue")?.text,
                let wrapped = Data(base64Encoded: XMLSignatureVerifier.compact(value))
            else { continue }
            contentKey = try? key.decrypt(wrapped, padding: padding)
        }
        guard let contentKey, contentKey.count == content.keyBytes,
            let sealed = Data(base64Encoded: XMLSignatureVerifier.compact(cipherText))
        else { throw Self.undecryptable }
        let plaintext: Data
        do {
            plaintext = try content.gcm ? Self.openGCM(sealed, key: contentKey) : Self.openCBC(sealed, key: contentKey)
        } catch {
            throw Self.undecryptable
        }
        return try Self.assertion(plaintext, declaredAt: encrypted)
    }

    /// An algorithm URI as a refusal may repeat it: the fragment of one of the W3C's XML Security namespaces (such as
    /// `rsa-1_5`), anything else not at all.
    static func algorithmName(_ uri: String) -> String {
        let namespaces = [
            "http://www.w3.org/2001/04/xmlenc#", "http://www.w3.org/2009/xmlenc11#",
            "http://www.w3.org/2000/09/xmldsig#", "http://www.w3.org/2001/04/xmldsig-more#",
            "http://www.w3.org/2007/05/xmldsig-more#",
        ]
        guard let namespace = namespaces.first(where: { uri.hasPrefix($0) }) else { return "an unknown algorithm" }
        let name = uri.dropFirst(namespace.count)
        guard !name.isEmpty, name.count <= 40,
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else { return "an unknown algorithm" }
        return String(name)
    }

    /// RSA-OAEP as XML Encryption names it: `rsa-oaep-mgf1p` (MGF1 with SHA-1, its digest SHA-1), or xmlenc 1.1's
    /// `rsa-oaep` with SHA-1 or, for both its digest and MGF1, SHA-256.
    static func padding(of encryptedKey: XMLElement) throws(SAMLRefusal) -> _RSA.Encryption.Padding {
        let method = encryptedKey.child(encryptionNamespace, "EncryptionMethod")
        let algorithm = method?[attribute: "Algorithm"] ?? ""
        let digest =
            method?.child(XMLSignatureVerifier.namespace, "DigestMethod")?[attribute: "Algorithm"]
            ?? "http://www.w3.org/2000/09/xmldsig#sha1"
        let mgf = method?.child(encryption11Namespace, "MGF")?[attribute: "Algorithm"]
        let sha1 = "http://www.w3.org/2000/09/xmldsig#sha1"
        let sha256 = "http://www.w3.org/2001/04/xmlenc#sha256"
        switch algorithm {
        case "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p" where digest == sha1:
            return .PKCS1_OAEP
        case "http://www.w3.org/2009/xmlenc11#rsa-oaep"
        where digest == sha1 && (mgf == nil || mgf == "http://www.w3.org/2009/xmlenc11#mgf1sha1"):
            return .PKCS1_OAEP
        case "http://www.w3.org/2009/xmlenc11#rsa-oaep"
        where digest == sha256 && mgf == "http://www.w3.org/2009/xmlenc11#mgf1sha256":
            return .PKCS1_OAEP_SHA256
        default:
            throw SAMLRefusal(
                "The assertion's key is transported with \(Self.algorithmName(algorithm)) (digest \(Self.algorithmName(digest))), which is not accepted; use RSA-OAEP."
            )
        }
    }

    /// AES-GCM: a 12-byte IV, the ciphertext, a 16-byte tag.
    static func openGCM(_ sealed: Data, key: Data) throws -> Data {
        guard sealed.count >= 28 else { throw undecryptable }
        let box = try AES.GCM.SealedBox(
            nonce: AES.GCM.Nonce(data: sealed.prefix(12)), ciphertext: sealed.dropFirst(12).dropLast(16),
            tag: sealed.suffix(16))
        return try AES.GCM.open(box, using: SymmetricKey(data: key))
    }

    /// AES-CBC: a 16-byte IV, then blocks whose last byte says how many bytes of padding end them (XML Encryption's
    /// padding, whose other bytes are arbitrary).
    static func openCBC(_ sealed: Data, key: Data) throws -> Data {
        guard sealed.count >= 32, sealed.count % 16 == 0 else { throw undecryptable }
        let padded = try AES._CBC.decrypt(
            sealed.dropFirst(16), using: SymmetricKey(data: key), iv: AES._CBC.IV(ivBytes: sealed.prefix(16)),
            noPadding: true)
        guard let count = padded.last.map(Int.init), (1...16).contains(count), count <= padded.count else {
            throw undecryptable
        }
        return padded.dropLast(count)
    }

    /// The decrypted XML, which may use prefixes declared above the EncryptedAssertion, parsed inside an element
    /// declaring them; it must be exactly one Assertion and nothing else.
    static func assertion(_ plaintext: Data, declaredAt encrypted: XMLElement) throws(SAMLRefusal)
        -> (wrapper: XMLElement, assertion: XMLElement)
    {
        var declarations: [String: String] = [:]
        var element: XMLElement? = encrypted
        while let current = element {
            for (name, uri) in current.attributes where name == "xmlns" || name.hasPrefix("xmlns:") {
                if declarations[name] == nil { declarations[name] = uri }
            }
            element = current.parent
        }
        let opening = declarations.sorted { $0.key < $1.key }.map {
            " \($0.key)=\"\($0.value.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: "\"", with: "&quot;"))\""
        }.joined()
        guard plaintext.count <= XMLTree.maxBytes else { throw undecryptable }
        var document = Data("<roster-decrypted\(opening)>".utf8)
        document.append(plaintext.starts(with: Array("<?xml".utf8)) ? Self.droppingDeclaration(plaintext) : plaintext)
        document.append(Data("</roster-decrypted>".utf8))
        guard let wrapper = try? XMLTree.parse(document) else { throw undecryptable }
        let nodes = wrapper.children.filter {
            if case .text(let text) = $0 { return !text.allSatisfy(\.isWhitespace) }
            return true
        }
        guard nodes.count == 1, case .element(let assertion) = nodes[0], assertion.localName == "Assertion",
            assertion.namespace == SAMLResponseReader.assertionNamespace
        else { throw undecryptable }
        return (wrapper, assertion)
    }

    static func droppingDeclaration(_ data: Data) -> Data {
        guard let end = data.firstRange(of: Data("?>".utf8)) else { return data }
        return data[end.upperBound...]
    }
}

/// The key pair identity providers encrypt assertions to: one per connection, its certificate (self-signed, as SAML
/// metadata certificates are: only the key in it matters) published in the connection's metadata.
public enum ServiceProviderKey {
    public static func generate(commonName: String, at now: Date = Date()) throws -> (
        privateKeyPEM: String, certificatePEM: String
    ) {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let name = try DistinguishedName { CommonName(String(commonName.prefix(64))) }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 20 * 365 * 86400, issuer: name, subject: name,
            signatureAlgorithm: .sha256WithRSAEncryption, extensions: Certificate.Extensions(),
            issuerPrivateKey: Certificate.PrivateKey(key))
        return (key.pemRepresentation, try certificate.serializeAsPEM().pemString)
    }
}
