import Foundation
import RosterTestSupport
import SCIMCore
import Testing
import X509

@testable import SAML

/// SAML responses signed by signxml (a Python implementation nobody here wrote, `scripts/saml-idp.py`), read
/// by Roster: the genuine ones verify and read whole; each attack SAML implementations fall to is refused. Every
/// case here fails on a naive implementation (one that verifies a signature anywhere and then reads the first
/// assertion, trusts KeyInfo, takes the NameID's first text node, or lets the parser expand entities).
///
/// Runs when `ROSTER_WEBHOOK_PYTHON` names a Python with signxml installed (CI sets it, with
/// `ROSTER_REQUIRE_WEBHOOK_RECEIVER=1`).
@Suite(.serialized) struct SAMLResponseTests {
    static let python = ProcessInfo.processInfo.environment["ROSTER_WEBHOOK_PYTHON"]
    static let required = ProcessInfo.processInfo.environment["ROSTER_REQUIRE_WEBHOOK_RECEIVER"] == "1"
    static let acs = "https://roster.example.com/sso/saml/acs/c1"
    static let audience = "https://roster.example.com/sso/saml/c1"

    /// The cases the identity provider wrote, by name, and its certificate.
    static func cases() async throws -> (responses: [String: Data], certificate: Certificate) {
        let (responses, certificate, _) = try await generated()
        return (responses, certificate)
    }

    /// Everything the identity provider script wrote: responses, its certificate, and canonicalization cases.
    static func generated() async throws -> (responses: [String: Data], certificate: Certificate, c14n: Data) {
        let python = try #require(python, "set ROSTER_WEBHOOK_PYTHON (see .ci/run)")
        let folder = try await SAMLIdentityProvider.write(
            python: python, acs: acs, audience: audience, requestID: "_req1")
        defer { try? FileManager.default.removeItem(at: folder) }
        let responses = try SAMLIdentityProvider.files(in: folder)  // idp-metadata.xml among them
        let pem = try String(contentsOf: folder.appendingPathComponent("idp.pem"), encoding: .utf8)
        let c14n = try Data(contentsOf: folder.appendingPathComponent("c14n.json"))
        return (responses, try Certificate(pemEncoded: pem), c14n)
    }

    static let expectations = SAMLExpectations(
        audience: audience, acsURL: acs, requestID: "_req1", allowUnsolicited: false, now: Date())

    @Test(.enabled(if: python != nil || required))
    func genuineResponsesVerifyAndReadWhole() async throws {
        let (responses, certificate) = try await Self.cases()
        let verifier = XMLSignatureVerifier(certificates: [certificate])
        for name in ["assertion-signed", "response-signed", "okta-style"] {
            let response = try SAMLResponseReader.read(try #require(responses[name]), verifier: verifier)
            try SAMLResponseReader.check(response, against: Self.expectations)
            #expect(response.assertion.nameID == "ann@example.com", "\(name)")
            #expect(response.assertion.attributes["first_name"] == ["Ann"], "\(name)")
            #expect(response.assertion.attributes["email"] == ["ann@example.com"], "\(name)")
            #expect(response.assertion.id.hasPrefix("_"))
            #expect(response.assertion.sessionIndex == "_s1")
            #expect(response.issuer == "https://idp.example.com")
        }
        // A comment inside the NameID is not where its value ends: the whole text is read.
        let commented = try SAMLResponseReader.read(try #require(responses["comment-in-nameid"]), verifier: verifier)
        #expect(commented.assertion.nameID == "ann@evil.com.example.com")
    }

    @Test(
        .enabled(if: python != nil || required),
        arguments: [
            ("tampered", "digest"), ("wrapped-extensions", "exactly one assertion"),
            ("wrapped-sibling", "exactly one assertion"), ("duplicate-id", ""), ("sha1", "SHA-1"),
            ("doctype", "DOCTYPE"), ("attacker-keyinfo", "certificates"), ("unsigned", "signed"),
            ("failed-status", "instead of Success"),
        ])
    func attacksAreRefused(name: String, reason: String) async throws {
        let (responses, certificate) = try await Self.cases()
        let verifier = XMLSignatureVerifier(certificates: [certificate])
        do {
            let response = try SAMLResponseReader.read(try #require(responses[name]), verifier: verifier)
            Issue.record("\(name) was accepted, naming \(response.assertion.nameID)")
        } catch let refusal as SAMLRefusal {
            #expect(reason.isEmpty || refusal.description.contains(reason), "\(name): \(refusal)")
        }
    }

    /// A second element carrying the signed assertion's ID, anywhere in the response (here in Extensions, so that
    /// the one-assertion rule does not refuse it first), is how wrapping attacks point a reference elsewhere:
    /// refused for that reason.
    @Test(.enabled(if: python != nil || required))
    func aSignedIDMayAppearOnlyOnce() async throws {
        let (responses, certificate) = try await Self.cases()
        let xml = String(decoding: try #require(responses["assertion-signed"]), as: UTF8.self)
        let id = try #require(xml.firstMatch(of: /<saml:Assertion[^>]* ID="([^"]+)"/)?.1)
        let twin = xml.replacingOccurrences(
            of: "</samlp:Status>",
            with: "</samlp:Status><samlp:Extensions><x ID=\"\(id)\"/></samlp:Extensions>")
        #expect(twin != xml)
        #expect(throws: SAMLRefusal("The ID \(SAMLText.quoted(String(id))) appears more than once.")) {
            _ = try SAMLResponseReader.read(
                Data(twin.utf8), verifier: XMLSignatureVerifier(certificates: [certificate]))
        }
    }

    /// Roster's exclusive canonicalization gives lxml's bytes: namespaces declared where first used, the
    /// inclusive prefixes, default namespaces undone, attributes ordered by namespace, escapes, comments dropped.
    @Test(.enabled(if: python != nil || required))
    func canonicalizationMatchesLxml() async throws {
        let (_, _, c14n) = try await Self.generated()
        struct Case: Decodable {
            var document: String
            var inclusive: [String]
            var expected: String
        }
        for item in try JSONDecoder().decode([Case].self, from: c14n) {
            let root = try XMLTree.parse(Data(item.document.utf8))
            let element = try #require(root.elements.first)
            let bytes = ExclusiveCanonicalization.bytes(of: element, inclusive: Set(item.inclusive))
            #expect(String(decoding: bytes, as: UTF8.self) == item.expected, "\(item.document)")
        }
    }

    /// The identity provider's metadata gives its entity ID, its Redirect SSO URL and a certificate that verifies
    /// its responses.
    @Test(.enabled(if: python != nil || required))
    func metadataGivesWhatAConnectionNeeds() async throws {
        let (responses, _) = try await Self.cases()
        let metadata = try IdentityProviderMetadata.parse(try #require(responses["idp-metadata"]))
        #expect(metadata.entityID == "https://idp.example.com")
        #expect(metadata.ssoURL == "https://idp.example.com/sso/redirect")
        #expect(metadata.certificates.count == 1)
        let certificates = try metadata.certificates.map { try Certificate(pemEncoded: $0) }
        let response = try SAMLResponseReader.read(
            try #require(responses["assertion-signed"]), verifier: XMLSignatureVerifier(certificates: certificates))
        #expect(response.assertion.nameID == "ann@example.com")
        #expect(throws: SAMLRefusal.self) { try IdentityProviderMetadata.parse(Data("<md:EntityDescriptor/>".utf8)) }
    }

    @Test(.enabled(if: python != nil || required))
    func sha1VerifiesOnlyWhereTheConnectionAllowsIt() async throws {
        let (responses, certificate) = try await Self.cases()
        let allowing = XMLSignatureVerifier(certificates: [certificate], allowSHA1: true)
        let response = try SAMLResponseReader.read(try #require(responses["sha1"]), verifier: allowing)
        #expect(response.assertion.nameID == "ann@example.com")
    }

    @Test(
        .enabled(if: python != nil || required),
        arguments: [
            ("unsolicited", "does not answer the sign-in this browser started"), ("expired", "expired"),
            ("forged-inresponseto", "does not answer the sign-in this browser started"),
            ("wrong-audience", "not for"), ("wrong-recipient", "recipient"),
        ])
    func conditionsAreChecked(name: String, reason: String) async throws {
        let (responses, certificate) = try await Self.cases()
        let verifier = XMLSignatureVerifier(certificates: [certificate])
        let response = try SAMLResponseReader.read(try #require(responses[name]), verifier: verifier)
        do {
            try SAMLResponseReader.check(response, against: Self.expectations)
            Issue.record("\(name) passed its checks")
        } catch {
            #expect(error.description.contains(reason), "\(name): \(error)")
        }
        if name == "unsolicited" {
            var off = Self.expectations
            off.requestID = nil
            #expect(throws: SAMLRefusal("Sign-in started at the identity provider is off for this connection.")) {
                try SAMLResponseReader.check(response, against: off)
            }
            var allowing = off
            allowing.allowUnsolicited = true
            try SAMLResponseReader.check(response, against: allowing)
            // A solicited response is not taken as unsolicited either.
            let solicited = try SAMLResponseReader.read(try #require(responses["assertion-signed"]), verifier: verifier)
            #expect(throws: SAMLRefusal.self) { try SAMLResponseReader.check(solicited, against: allowing) }
        }
    }

    @Test(.enabled(if: python != nil || required))
    func aResponseIsCheckedOnlyAgainstTheConnectionsCertificates() async throws {
        let (responses, _) = try await Self.cases()
        let other = try await Self.cases().certificate  // another identity provider's key
        let verifier = XMLSignatureVerifier(certificates: [other])
        #expect(throws: SAMLRefusal.self) {
            _ = try SAMLResponseReader.read(try #require(responses["assertion-signed"]), verifier: verifier)
        }
    }

    /// Refused before the parser can decode something else than UTF-8 (a DOCTYPE hidden in UTF-16 or UTF-7, a
    /// name FoundationXML crashes on), and bounded where an attacker controls the size of the work.
    @Test(arguments: [
        Data([0x3C, 0x61, 0xFF, 0x3E, 0x3C, 0x2F, 0x61, 0x3E]),  // <a\xFF></a>: not UTF-8
        Data([0xFF, 0xFE]) + "<a/>".data(using: .utf16LittleEndian)!,  // UTF-16
        Data(#"<?xml version="1.0" encoding="UTF-7"?><a>+ADwAIQ-DOCTYPE</a>"#.utf8),
        Data("<a>\u{0}</a>".utf8),
        Data("<?xml version='1.0'?><!DoCtYpE a [<!ENTITY b 'c'>]><a>&b;</a>".utf8),
    ])
    func onlyUTF8WithoutADoctypeIsParsed(document: Data) {
        #expect(throws: XMLRefusal.self) { try XMLTree.parse(document) }
    }

    @Test func aMegabyteOfEscapedTextParsesInOneBuffer() throws {
        let body = String(repeating: "&lt;", count: 250_000)
        let root = try XMLTree.parse(Data("<a>\(body)</a>".utf8))
        #expect(root.text.count == 250_000)
        #expect(root.children.count == 1, "one text node")
    }

    @Test func aSignatureListingThousandsOfInclusivePrefixesIsRefusedBeforeAnyWork() throws {
        let prefixes = (0..<1000).map { "p\($0)" }.joined(separator: " ")
        let xml = """
            <samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r"><samlp:Status>\
            <samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>\
            <saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a">\
            <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>\
            <ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#">\
            <ec:InclusiveNamespaces xmlns:ec="http://www.w3.org/2001/10/xml-exc-c14n#" PrefixList="\(prefixes)"/>\
            </ds:CanonicalizationMethod>\
            <ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>\
            <ds:Reference URI="#_a"><ds:Transforms>\
            <ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>\
            <ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>\
            <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>AA==</ds:DigestValue>\
            </ds:Reference></ds:SignedInfo><ds:SignatureValue>AA==</ds:SignatureValue></ds:Signature>\
            <saml:Subject><saml:NameID>ann@example.com</saml:NameID></saml:Subject></saml:Assertion></samlp:Response>
            """
        #expect(throws: SAMLRefusal("The signature lists more than 16 inclusive prefixes.")) {
            _ = try SAMLResponseReader.read(Data(xml.utf8), verifier: XMLSignatureVerifier(certificates: []))
        }
    }

    /// Encrypted assertions, encrypted by xmlsec1 (RSA-OAEP, AES-GCM and AES-CBC) and, for xmlenc 1.1's RSA-OAEP
    /// with SHA-256, by Python's cryptography, to a key pair Roster made for the connection: each decrypts, verifies
    /// and reads whole. Unsigned inside, a flipped bit, another connection's key, or no key at all: refused, the
    /// decryption failures all in the same words.
    @Test(.enabled(if: python != nil || required))
    func encryptedAssertionsAreDecryptedWithTheConnectionsKey() async throws {
        let python = try #require(Self.python, "set ROSTER_WEBHOOK_PYTHON (see .ci/run)")
        let key = try ServiceProviderKey.generate(commonName: "Roster SAML test")
        let certificateFile = FileManager.default.temporaryDirectory.appendingPathComponent("roster-sp-\(UUID()).pem")
        try Data(key.certificatePEM.utf8).write(to: certificateFile)
        defer { try? FileManager.default.removeItem(at: certificateFile) }
        let folder = try await SAMLIdentityProvider.write(
            python: python, acs: Self.acs, audience: Self.audience, requestID: "_req1",
            options: ["--quick", "--encrypt-cert", certificateFile.path])
        defer { try? FileManager.default.removeItem(at: folder) }
        let responses = try SAMLIdentityProvider.files(in: folder)
        let certificate = try Certificate(
            pemEncoded: try String(contentsOf: folder.appendingPathComponent("idp.pem"), encoding: .utf8))
        let verifier = XMLSignatureVerifier(certificates: [certificate])
        let decryptor = try XMLDecryptor(privateKeyPEM: key.privateKeyPEM)

        for name in [
            "encrypted-aes256-gcm", "encrypted-aes128-gcm", "encrypted-aes128-cbc", "encrypted-aes256-cbc",
            "encrypted-oaep-sha256", "encrypted-response-signed",
        ] {
            let response = try SAMLResponseReader.read(
                try #require(responses[name], "\(name)"), verifier: verifier, decryptor: decryptor)
            #expect(response.assertion.nameID == "ann@example.com", "\(name)")
            #expect(response.assertion.attributes["first_name"] == ["Ann"], "\(name)")
            try SAMLResponseReader.check(response, against: Self.expectations)
        }
        let refusals: [(String, XMLDecryptor?, String)] = [
            // Unsigned inside: the same words as garbage, or which plaintext parsed would be an oracle.
            ("encrypted-unsigned", decryptor, "could not be decrypted"),
            ("encrypted-tampered", decryptor, "could not be decrypted"),
            ("encrypted-tampered-gcm", decryptor, "could not be decrypted"),
            (
                "encrypted-aes256-gcm",
                try XMLDecryptor(privateKeyPEM: ServiceProviderKey.generate(commonName: "other").privateKeyPEM),
                "could not be decrypted"
            ),
            ("encrypted-aes256-gcm", nil, "no key to decrypt it"),
        ]
        for (name, key, reason) in refusals {
            do {
                _ = try SAMLResponseReader.read(try #require(responses[name]), verifier: verifier, decryptor: key)
                Issue.record("\(name) was accepted")
            } catch let refusal as SAMLRefusal {
                #expect(refusal.description.contains(reason), "\(name): \(refusal)")
            }
        }
    }

    /// SAML's times, read by hand, agree with Foundation's ISO 8601 reading; dates that do not exist are refused.
    @Test func timesAreReadAsISO8601() throws {
        let formatter = ISO8601DateFormatter()
        for text in [
            "2026-12-05T09:51:21Z", "2024-02-29T23:59:59Z", "1999-12-31T00:00:00+02:00", "2030-06-01T12:30:00-05:30",
        ] {
            #expect(SAMLTime.parse(text) == formatter.date(from: text), "\(text)")
        }
        let fractional = try #require(SAMLTime.parse("2026-12-05T09:51:21.25Z"))
        #expect(
            fractional.timeIntervalSince1970 == (try #require(formatter.date(from: "2026-12-05T09:51:21Z")))
                .timeIntervalSince1970 + 0.25)
        for bad in [
            "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-12-05T24:00:00Z", "2026-12-05 09:51:21Z",
            "2026-12-05T09:51:21", "2026-12-05T09:51:21.Z", "2026-12-05T09:51:21Zjunk", "２026-12-05T09:51:21Z",
        ] {
            #expect(SAMLTime.parse(bad) == nil, "\(bad)")
        }
    }

    /// An attacker's SignedInfo, canonicalized before any key vouches for it: an element of thousands of prefixed
    /// attributes over thousands of children, each redeclaring a namespace (6.4 s in a debug build when each element
    /// copied the declarations in force), is refused before canonicalization; and canonicalization stays linear in
    /// the declarations where a signed element really is that large.
    @Test func aHostileSignedInfoIsRefusedBeforeItIsCanonicalized() throws {
        let attributes = (0..<2000).map { " xmlns:p\($0)=\"u\" p\($0):a=\"\"" }.joined()
        let children = String(repeating: "<c xmlns=\"a\"/>", count: 2000)
        let xml = """
            <samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r"><samlp:Status>\
            <samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>\
            <saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a">\
            <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>\
            <ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>\
            <ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>\
            <ds:Reference URI="#_a"><ds:Transforms>\
            <ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>\
            <ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>\
            <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>AA==</ds:DigestValue>\
            </ds:Reference><ds:X\(attributes)>\(children)</ds:X></ds:SignedInfo><ds:SignatureValue>AA==</ds:SignatureValue></ds:Signature>\
            <saml:Subject><saml:NameID>ann@example.com</saml:NameID></saml:Subject></saml:Assertion></samlp:Response>
            """
        #expect(throws: SAMLRefusal("The signature's SignedInfo is not the usual few elements.")) {
            _ = try SAMLResponseReader.read(Data(xml.utf8), verifier: XMLSignatureVerifier(certificates: []))
        }
        // The same shape canonicalized: every child's default namespace is declared on it, and the prefixes once.
        let root = try XMLTree.parse(Data("<r\(attributes)>\(children)</r>".utf8))
        let canonical = String(decoding: ExclusiveCanonicalization.bytes(of: root), as: UTF8.self)
        #expect(canonical.components(separatedBy: "<c xmlns=\"a\"></c>").count == 2001)
        #expect(canonical.components(separatedBy: "xmlns:p1999=").count == 2)
    }

    /// A failed status is named when it is SAML's own; any other text (an unsigned message's, which the refusal
    /// page, the connection's status and the activity log would show) is not repeated.
    @Test func aStatusIsRepeatedOnlyWhenItIsSAMLs() throws {
        let response = { (status: String) in
            """
            <samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r"><samlp:Status>\
            <samlp:StatusCode Value="\(status)"/></samlp:Status></samlp:Response>
            """
        }
        let verifier = XMLSignatureVerifier(certificates: [])
        #expect(throws: SAMLRefusal("The identity provider answered the status Requester instead of Success.")) {
            _ = try SAMLResponseReader.read(
                Data(response("urn:oasis:names:tc:SAML:2.0:status:Requester").utf8), verifier: verifier)
        }
        #expect(throws: SAMLRefusal("The identity provider answered a status that is not SAML's instead of Success.")) {
            _ = try SAMLResponseReader.read(
                Data(response("Roster notice: your certificate expired, write to admin@evil.example").utf8),
                verifier: verifier)
        }
    }

    /// The sign-in request, as an identity provider reads it: Python's zlib inflates it (raw DEFLATE) and lxml
    /// parses it; its fields are the connection's.
    @Test(.enabled(if: python != nil || required))
    func anAuthnRequestInflatesAndReadsAsTheConnectionsRequest() async throws {
        let python = try #require(Self.python)
        let request = AuthnRequest(
            id: AuthnRequest.newID(), issueInstant: Date(), issuer: Self.audience, acsURL: Self.acs,
            destination: "https://idp.example.com/sso/redirect?tenant=a&b=c")
        let url = request.redirectURL(relayState: "state with spaces & symbols/+=")
        #expect(url.hasPrefix("https://idp.example.com/sso/redirect?tenant=a&b=c&SAMLRequest="))
        let script = """
            import base64, json, sys, urllib.parse, zlib
            from lxml import etree
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(sys.argv[1]).query)
            xml = zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15)
            root = etree.fromstring(xml)
            issuer = root.find("{urn:oasis:names:tc:SAML:2.0:assertion}Issuer").text
            print(json.dumps({"tag": root.tag, "id": root.get("ID"), "acs": root.get("AssertionConsumerServiceURL"),
                "destination": root.get("Destination"), "issuer": issuer, "relay": query["RelayState"][0]}))
            """
        let child = try ChildProcess(python, ["-c", script, url], output: .pipe, errors: .pipe)
        let (output, errors, status) = await child.finish()
        try #require(status == 0, "\(String(decoding: errors, as: UTF8.self))")
        let read = try JSON.parse(Array(output))
        #expect(read["tag"] == "{urn:oasis:names:tc:SAML:2.0:protocol}AuthnRequest")
        #expect(read["id"] == .string(request.id))
        #expect(read["acs"] == .string(Self.acs))
        #expect(read["issuer"] == .string(Self.audience))
        #expect(read["destination"] == "https://idp.example.com/sso/redirect?tenant=a&b=c")
        #expect(read["relay"] == "state with spaces & symbols/+=")
    }
}
