import Crypto
import Foundation
import SAML
import SCIMCore

/// Who signed in through a connection: the organization's SCIM user, as the application will be told of them.
public struct SignedInPerson: Sendable, Hashable {
    public var organization: String
    /// The SCIM `id`: the `sub` the application receives.
    public var userID: String
    public var userName: String
    public var email: String?
    public var givenName: String?
    public var familyName: String?
    public var name: String?
    /// Whether the person was created by this sign-in (just in time).
    public var created: Bool
}

/// Why a sign-in was refused: a sentence for the person's page and the connection's status.
public struct SignInRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    /// Whether the refusal came after the identity provider's signature verified (so nothing in it is an
    /// anonymous poster's to choose).
    public var verified: Bool

    public init(_ description: String, verified: Bool = true) {
        self.description = description
        self.verified = verified
    }
}

extension Connections {
    /// The claims a person's email is read from: the guide's `email`, Entra ID's claim URI, then the NameID.
    static let emailClaims = [
        "email", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
    ]
    static let givenNameClaims = ["first_name", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname"]
    static let familyNameClaims = ["last_name", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname"]
    static let nameClaims = ["name", "http://schemas.microsoft.com/identity/claims/displayname"]

    /// Accepts a SAML response posted to a connection's ACS URL: verified with its certificates, checked against
    /// its URLs and the request this browser started (`requestID`; nil for a sign-in started at the identity
    /// provider), used once, and naming a person of the organization who is active. A person it does not hold
    /// is created when the connection says so (and, when the organization has domains, only with one of them).
    public func accept(_ xml: Data, on connection: SAMLConnection, requestID: String?) async throws -> SignedInPerson {
        let admitted = try await admit(xml, on: connection, requestID: requestID)
        if let key = admitted.assertion {
            guard
                try await store.recordAssertion(
                    id: key, connection: connection.id, until: admitted.until, now: context.clock())
            else { throw Self.replayed }
        }
        return admitted.person
    }

    static let replayed = SignInRefusal("This sign-in response was used already; sign in again.")

    /// A response read, verified and checked, and the person it names: `assertion` is the key to record as used
    /// (the hash of its ID) until `until`, nil when it was recorded already (before a person was created).
    struct Admitted: Sendable {
        var person: SignedInPerson
        var assertion: String?
        var until: Date
    }

    /// `accept` but for recording the assertion as used, which the caller does (with the rest of the sign-in's
    /// writes).
    func admit(_ xml: Data, on connection: SAMLConnection, requestID: String?) async throws -> Admitted {
        let now = context.clock()
        let urls = connection.urls(publicURL: context.publicURL)
        let response: SAMLResponse
        do {
            response = try SAMLResponseReader.read(
                xml,
                verifier: XMLSignatureVerifier(
                    pemCertificates: connection.idpCertificates, allowSHA1: connection.allowSHA1),
                decryptor: connection.spPrivateKey.map { XMLDecryptor(privateKeyPEM: $0) })
        } catch {
            throw SignInRefusal(error.description, verified: false)
        }
        do {
            try SAMLResponseReader.check(
                response,
                against: SAMLExpectations(
                    audience: urls.entityID, acsURL: urls.acsURL, issuer: connection.idpEntityID, requestID: requestID,
                    allowUnsolicited: connection.idpInitiatedApplication != nil, now: now))
        } catch {
            throw SignInRefusal(error.description)
        }
        let assertion = response.assertion
        let expires = [assertion.notOnOrAfter, assertion.subjectNotOnOrAfter].compactMap { $0 }.max() ?? now + 3600

        // Who: the NameID when it is an address (what the identity provider keeps unique), else its email claim.
        let claims = assertion.attributes
        let first = { (names: [String]) in names.lazy.compactMap { claims[$0]?.first }.first { !$0.isEmpty } }
        let identifier = assertion.nameID.contains("@") ? assertion.nameID : first(Self.emailClaims) ?? assertion.nameID
        guard let email = Self.address(identifier) else {
            throw SignInRefusal(
                "The identity provider names you \(SAMLText.quoted(identifier)), which is not a plain email address.")
        }
        guard let organization = try await context.stores.organizations.organization(key: connection.organization)
        else {
            throw SignInRefusal("This connection's organization no longer exists.")
        }
        let directory = Directory(context: context, organization: organization.key)
        let origin = ChangeOrigin(requestID: nil, actor: .signIn(connection: connection.id))
        var found = try await Self.user(named: email, in: directory)
        var created = false
        // The ID is hashed (any length fits the key); kept well past expiry, for instances whose clocks differ.
        var replayKey: String? = Secrets.hash(assertion.id)
        let until = expires + 600
        if found == nil, connection.justInTime {
            try await checkJustInTime(email, in: organization)
            // Recorded before anyone is created: a used assertion must not create (again) a person an
            // administrator has just deleted.
            guard let key = replayKey,
                try await store.recordAssertion(id: key, connection: connection.id, until: until, now: now)
            else { throw Self.replayed }
            replayKey = nil
            var body: JSONObject = [
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": .string(email),
                "emails": .array([.object(["value": .string(email), "type": "work", "primary": true])]),
                "active": true,
            ]
            var name = JSONObject()
            if let given = first(Self.givenNameClaims) { name["givenName"] = .string(given) }
            if let family = first(Self.familyNameClaims) { name["familyName"] = .string(family) }
            if !name.isEmpty { body["name"] = .object(name) }
            if let display = first(Self.nameClaims) { body["displayName"] = .string(display) }
            do {
                found = try await ChangeOrigin.$current.withValue(origin) {
                    try await directory.create(.user, body: .object(body)).representation
                }
                created = true
            } catch let error as SCIMError where error.scimType == "uniqueness" {
                found = try await Self.user(named: email, in: directory)  // a sign-in in another tab made them
            } catch let error as SCIMError where error.status == 400 {
                throw SignInRefusal("Your account could not be created: \(SAMLText.quoted(error.detail))")
            }
        }
        guard let user = found, let userID = user["id"]?.stringValue, !userID.isEmpty else {
            throw SignInRefusal(
                "\(organization.name) has not given you access to this application (\(SAMLText.quoted(email)) is not in its directory)."
            )
        }
        guard user["active"]?.boolValue ?? true else {
            throw SignInRefusal("Your account at \(organization.name) is deactivated.")
        }
        let name = user["name"]?.objectValue
        let person = SignedInPerson(
            organization: organization.id, userID: userID, userName: user["userName"]?.stringValue ?? email,
            email: Self.primaryEmail(user) ?? email, givenName: name?["givenName"]?.stringValue,
            familyName: name?["familyName"]?.stringValue,
            name: user["displayName"]?.stringValue ?? name?["formatted"]?.stringValue, created: created)
        return Admitted(person: person, assertion: replayKey, until: until)
    }

    /// An email address as sign-in takes one: trimmed, printable ASCII, one `@` between a local part and a dotted
    /// domain, at most 254 bytes. Anything else (an invisible or look-alike character, a second `@`) is refused
    /// rather than matched loosely.
    static func address(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.utf8.count <= 254, trimmed.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
            !parts[1].hasSuffix(".")
        else { return nil }
        return trimmed
    }

    /// A person is created just in time only with an address of this organization's domains when it has some,
    /// and never with a domain another organization holds.
    func checkJustInTime(_ email: String, in organization: Organization) async throws {
        let domain = String(email.split(separator: "@")[1]).lowercased()
        if !organization.domains.isEmpty {
            guard organization.domains.contains(domain) else {
                throw SignInRefusal(
                    "\(SAMLText.quoted(email)) is not an address of \(organization.name)'s domains; ask its administrator to add you."
                )
            }
            return
        }
        if let holder = try await context.stores.organizations.organization(domain: domain),
            holder.key != organization.key
        {
            throw SignInRefusal("\(SAMLText.quoted(domain)) belongs to another organization; ask your administrator.")
        }
    }

    /// The organization's user whose userName, or whose primary email, is `address` (case-insensitively); a
    /// refusal when two people answer to it.
    static func user(named address: String, in directory: Directory) async throws -> JSONObject? {
        let quoted = JSON.string(address).serialized()
        for filter in ["userName eq \(quoted)", "emails[primary eq true and value eq \(quoted)]"] {
            let page = try await directory.list(.user, filter: filter, page: Page(startIndex: 1, count: 2, maximum: 2))
            guard page.resources.count <= 1 else {
                throw SignInRefusal(
                    "More than one person in this directory answers to \(SAMLText.quoted(address)); ask your administrator."
                )
            }
            if let user = page.resources.first?.objectValue { return user }
        }
        return nil
    }

    static func primaryEmail(_ user: JSONObject) -> String? {
        let emails = user["emails"]?.arrayValue ?? []
        return (emails.first { $0["primary"]?.boolValue == true } ?? emails.first)?["value"]?.stringValue
    }
}
