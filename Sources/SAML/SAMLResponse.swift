import Foundation

/// A SAML Response whose signature (on the Response or on its Assertion) verified with the connection's
/// certificates, read from the very elements that were verified.
public struct SAMLResponse: Sendable, Hashable {
    /// Whether the Response itself was signed: only then are its own fields (issuer, destination, InResponseTo)
    /// the identity provider's word.
    public var responseSigned: Bool
    public var issuer: String?
    public var destination: String?
    public var inResponseTo: String?
    public var assertion: SAMLAssertion
}

public struct SAMLAssertion: Sendable, Hashable {
    public var id: String
    public var issuer: String?
    /// The whole text of the NameID (a comment inside it does not cut it short).
    public var nameID: String
    public var nameIDFormat: String?
    /// Attribute values by the attribute's `Name`, each value its whole text.
    public var attributes: [String: [String]]
    /// The audiences of each AudienceRestriction: every restriction must name this connection.
    public var audienceRestrictions: [[String]]
    public var audiences: [String] { audienceRestrictions.flatMap { $0 } }
    public var notBefore: Date?
    public var notOnOrAfter: Date?
    /// From the bearer SubjectConfirmationData.
    public var recipient: String?
    public var subjectInResponseTo: String?
    public var subjectNotOnOrAfter: Date?
    public var sessionIndex: String?
}

/// What a response must match: this connection's SP entity ID (the audience) and ACS URL, the request this browser
/// started (or none, when unsolicited responses are allowed), and the time.
public struct SAMLExpectations: Sendable {
    public var audience: String
    public var acsURL: String
    /// The identity provider's entity ID, when the connection knows it: the assertion's Issuer must be it.
    public var issuer: String?
    public var requestID: String?
    public var allowUnsolicited: Bool
    public var now: Date
    /// The clock skew tolerated either way.
    public var skew: TimeInterval

    public init(
        audience: String, acsURL: String, issuer: String? = nil, requestID: String?, allowUnsolicited: Bool, now: Date,
        skew: TimeInterval = 180
    ) {
        self.audience = audience
        self.acsURL = acsURL
        self.issuer = issuer
        self.requestID = requestID
        self.allowUnsolicited = allowUnsolicited
        self.now = now
        self.skew = skew
    }
}

public enum SAMLResponseReader {
    public static let protocolNamespace = "urn:oasis:names:tc:SAML:2.0:protocol"
    public static let assertionNamespace = "urn:oasis:names:tc:SAML:2.0:assertion"
    static let success = "urn:oasis:names:tc:SAML:2.0:status:Success"
    static let statusPrefix = "urn:oasis:names:tc:SAML:2.0:status:"

    /// A status as a refusal may repeat it: SAML's own (`Requester`, `Responder`, …) by name, anything else (text an
    /// unsigned message carries, which pages and the connection's status would show) not at all.
    static func statusName(_ status: String?) -> String {
        guard let status else { return "no status" }
        let name = status.hasPrefix(statusPrefix) ? String(status.dropFirst(statusPrefix.count)) : ""
        guard !name.isEmpty, name.count <= 40, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            return "a status that is not SAML's"
        }
        return "the status \(name)"
    }
    static let bearer = "urn:oasis:names:tc:SAML:2.0:cm:bearer"

    /// Reads a Response (the XML, already base64-decoded): refused unless it is well-formed without a DOCTYPE, its
    /// status is Success, it holds exactly one Assertion (encrypted only with `decryptor`'s key), and the Response or that Assertion
    /// carries a signature that verifies. A signature present that does not verify is a refusal, even when the
    /// other one verifies.
    public static func read(_ xml: Data, verifier: XMLSignatureVerifier, decryptor: XMLDecryptor? = nil)
        throws(SAMLRefusal) -> SAMLResponse
    {
        let root: XMLElement
        do {
            root = try XMLTree.parse(xml)
        } catch {
            throw SAMLRefusal(error.description)
        }
        guard root.localName == "Response", root.namespace == protocolNamespace else {
            throw SAMLRefusal("The message is not a SAML Response.")
        }
        let status = root.child(protocolNamespace, "Status")?.child(protocolNamespace, "StatusCode")?[
            attribute: "Value"]
        guard status == success else {
            throw SAMLRefusal(
                "The identity provider answered \(Self.statusName(status)) instead of Success.")
        }
        let everything = root.descendants
        let encrypted = everything.filter { $0.localName == "EncryptedAssertion" && $0.namespace == assertionNamespace }
        let assertions = everything.filter { $0.localName == "Assertion" && $0.namespace == assertionNamespace }
        guard assertions.count + encrypted.count == 1, (assertions.first ?? encrypted.first)?.parent === root else {
            throw SAMLRefusal(
                "A response must hold exactly one assertion, directly (it holds \(assertions.count + encrypted.count))."
            )
        }
        // A signed Response is verified as it came, its assertion still encrypted; then the assertion is decrypted
        // in its place, and its own signature (if any) verified there.
        let responseSigned = try verifier.verify(root, document: root)
        if let encryptedAssertion = encrypted.first {
            guard let decryptor else {
                throw SAMLRefusal("The assertion is encrypted, and this connection has no key to decrypt it.")
            }
            let (wrapper, decrypted) = try decryptor.decrypt(encryptedAssertion)
            root.replace(encryptedAssertion, with: wrapper)
            // Unless the Response's signature vouched for the ciphertext, every refusal after decryption is the one
            // decryption failure: an answer telling well-formed plaintext from garbage is the oracle that decrypts
            // AES-CBC a byte at a time.
            do throws(SAMLRefusal) {
                guard !decrypted.descendants.contains(where: { $0.localName.hasSuffix("Assertion") }) else {
                    throw SAMLRefusal("The decrypted assertion holds another assertion.")
                }
                let assertionSigned = try verifier.verify(decrypted, document: root)
                guard responseSigned || assertionSigned else {
                    throw SAMLRefusal("Neither the response nor its assertion is signed.")
                }
                return SAMLResponse(
                    responseSigned: responseSigned, issuer: root.child(assertionNamespace, "Issuer")?.text,
                    destination: root[attribute: "Destination"], inResponseTo: root[attribute: "InResponseTo"],
                    assertion: try read(decrypted))
            } catch {
                if responseSigned { throw error }
                throw XMLDecryptor.undecryptable
            }
        }
        let assertion = assertions[0]
        let assertionSigned = try verifier.verify(assertion, document: root)
        guard responseSigned || assertionSigned else {
            throw SAMLRefusal("Neither the response nor its assertion is signed.")
        }
        return SAMLResponse(
            responseSigned: responseSigned, issuer: root.child(assertionNamespace, "Issuer")?.text,
            destination: root[attribute: "Destination"],
            inResponseTo: root[attribute: "InResponseTo"], assertion: try read(assertion))
    }

    static func read(_ assertion: XMLElement) throws(SAMLRefusal) -> SAMLAssertion {
        let ns = assertionNamespace
        guard let id = assertion[attribute: "ID"] else { throw SAMLRefusal("The assertion has no ID.") }
        guard let subject = assertion.child(ns, "Subject"), let nameID = subject.child(ns, "NameID") else {
            throw SAMLRefusal("The assertion names no subject (NameID).")
        }
        let conditions = assertion.child(ns, "Conditions")
        let bearers = subject.children(ns, "SubjectConfirmation").filter { $0[attribute: "Method"] == bearer }
        guard bearers.count <= 1 else { throw SAMLRefusal("The assertion has more than one bearer confirmation.") }
        let data = bearers.first?.child(ns, "SubjectConfirmationData")
        if data?[attribute: "NotBefore"] != nil {
            throw SAMLRefusal("A bearer confirmation has a NotBefore, which SAML's profile forbids.")
        }
        var attributes: [String: [String]] = [:]
        for statement in assertion.children(ns, "AttributeStatement") {
            for attribute in statement.children(ns, "Attribute") {
                guard let name = attribute[attribute: "Name"] else { continue }
                attributes[name, default: []] += attribute.children(ns, "AttributeValue").map(\.text)
            }
        }
        return SAMLAssertion(
            id: id, issuer: assertion.child(ns, "Issuer")?.text, nameID: nameID.text.trimmed,
            nameIDFormat: nameID[attribute: "Format"], attributes: attributes,
            audienceRestrictions: conditions?.children(ns, "AudienceRestriction").map {
                $0.children(ns, "Audience").map(\.text.trimmed)
            } ?? [],
            notBefore: try time(conditions?[attribute: "NotBefore"]),
            notOnOrAfter: try time(conditions?[attribute: "NotOnOrAfter"]), recipient: data?[attribute: "Recipient"],
            subjectInResponseTo: data?[attribute: "InResponseTo"],
            subjectNotOnOrAfter: try time(data?[attribute: "NotOnOrAfter"]),
            sessionIndex: assertion.child(ns, "AuthnStatement")?[attribute: "SessionIndex"])
    }

    /// Checks a verified response against what this connection and this browser expect. Only what the identity
    /// provider signed is relied on: the assertion always, the Response's own fields when it was signed.
    public static func check(_ response: SAMLResponse, against expected: SAMLExpectations) throws(SAMLRefusal) {
        let assertion = response.assertion
        guard !expected.audience.isEmpty, !expected.acsURL.isEmpty else {
            throw SAMLRefusal("The connection has no entity ID or ACS URL.")
        }
        guard !assertion.audienceRestrictions.isEmpty,
            assertion.audienceRestrictions.allSatisfy({ $0.contains { SAMLText.same($0, expected.audience) } })
        else {
            let named = SAMLText.quoted(assertion.audiences.joined(separator: ", "))
            throw SAMLRefusal("The assertion is for \(named), not for this connection.")
        }
        if let issuer = expected.issuer, !SAMLText.same(assertion.issuer?.trimmed, issuer) {
            let named = SAMLText.quoted(assertion.issuer ?? "nobody")
            throw SAMLRefusal("The assertion was issued by \(named), not by this connection's identity provider.")
        }
        if let destination = response.destination, !SAMLText.same(destination, expected.acsURL) {
            let named = SAMLText.quoted(destination)
            throw SAMLRefusal("The response was sent to \(named), not to this connection's ACS URL.")
        }
        if response.responseSigned, response.destination == nil {
            throw SAMLRefusal("A signed response must name its Destination.")
        }
        guard SAMLText.same(assertion.recipient, expected.acsURL) else {
            throw SAMLRefusal("The assertion's recipient is not this connection's ACS URL.")
        }
        // The assertion's own InResponseTo decides: the Response's may have been written by whoever posted it.
        let responseAnswers = response.inResponseTo
        if let requestID = expected.requestID {
            guard SAMLText.same(assertion.subjectInResponseTo, requestID),
                responseAnswers == nil || SAMLText.same(responseAnswers, requestID)
            else { throw SAMLRefusal("The response does not answer the sign-in this browser started.") }
        } else {
            guard assertion.subjectInResponseTo == nil, responseAnswers == nil else {
                throw SAMLRefusal("The response answers a sign-in this browser did not start.")
            }
            guard expected.allowUnsolicited else {
                throw SAMLRefusal("Sign-in started at the identity provider is off for this connection.")
            }
        }
        let now = expected.now
        if let notBefore = assertion.notBefore, now + expected.skew < notBefore {
            throw SAMLRefusal("The assertion is not valid yet (check both clocks).")
        }
        for end in [assertion.notOnOrAfter, assertion.subjectNotOnOrAfter].compactMap({ $0 })
        where now - expected.skew >= end {
            throw SAMLRefusal("The assertion has expired.")
        }
        guard assertion.subjectNotOnOrAfter != nil else {
            throw SAMLRefusal("The assertion's bearer confirmation has no NotOnOrAfter.")
        }
    }

    static func time(_ text: String?) throws(SAMLRefusal) -> Date? {
        guard let text else { return nil }
        guard let date = SAMLTime.parse(text) else { throw SAMLRefusal("\(SAMLText.quoted(text)) is not a time.") }
        return date
    }
}

extension String {
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}

/// `xs:dateTime` as SAML writes it: `2026-12-05T09:51:21Z`, with fractional seconds or not, with `Z` or an offset
/// (SAML asks for UTC; an offset is honoured). Read by hand: Foundation's ISO 8601 formatter, made for each value,
/// was an eighth of a sign-in's time.
enum SAMLTime {
    static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<(start + count)] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard bytes.count >= 20, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54, bytes[13] == 0x3A,
            bytes[16] == 0x3A, let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2), (1...12).contains(month),
            day >= 1, day <= daysIn(month: month, year: year), hour < 24, minute < 60, second < 60
        else { return nil }
        var index = 19
        var fraction = 0.0
        if bytes[index] == 0x2E {
            index += 1
            var scale = 0.1
            let start = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                fraction += Double(bytes[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
            guard index > start, index - start <= 12 else { return nil }
        }
        var offset = 0
        guard index < bytes.count else { return nil }
        if bytes[index] == 0x5A {
            index += 1
        } else if bytes[index] == 0x2B || bytes[index] == 0x2D, bytes.count == index + 6, bytes[index + 3] == 0x3A,
            let hours = number(index + 1, 2), let minutes = number(index + 4, 2), hours < 24, minutes < 60
        {
            offset = (hours * 3600 + minutes * 60) * (bytes[index] == 0x2D ? -1 : 1)
            index += 6
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        // Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
