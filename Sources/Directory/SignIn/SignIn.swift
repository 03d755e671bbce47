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

    public init(_ description: String) {
        self.description = description
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
        let now = context.clock()
        let urls = connection.urls(publicURL: context.publicURL)
        let response: SAMLResponse
        do {
            response = try SAMLResponseReader.read(
                xml,
                verifier: XMLSignatureVerifier(
                    pemCertificates: connection.idpCertificates, allowSHA1: connection.allowSHA1))
            try SAMLResponseReader.check(
                response,
                against: SAMLExpectations(
                    audience: urls.entityID, acsURL: urls.acsURL, issuer: connection.idpEntityID, requestID: requestID,
                    allowUnsolicited: connection.idpInitiatedApplication != nil, now: now))
        } catch {
            throw SignInRefusal(error.description)
        }
        let assertion = response.assertion
        let expires = [assertion.notOnOrAfter, assertion.subjectNotOnOrAfter].compactMap { $0 }.max() ?? now
        guard
            try await store.recordAssertion(
                id: assertion.id, connection: connection.id, until: expires + 180, now: now)
        else { throw SignInRefusal("This sign-in response was used already; sign in again.") }

        let claims = assertion.attributes
        let first = { (names: [String]) in names.lazy.compactMap { claims[$0]?.first }.first { !$0.isEmpty } }
        let email = first(Self.emailClaims) ?? assertion.nameID
        guard let organization = try await context.stores.organizations.organization(key: connection.organization)
        else {
            throw SignInRefusal("This connection's organization no longer exists.")
        }
        let directory = Directory(context: context, organization: organization.key)
        let found = try await ChangeOrigin.$current.withValue(
            ChangeOrigin(requestID: nil, actor: .signIn(connection: connection.id))
        ) { () async throws -> (JSONObject, Bool)? in
            if let user = try await Self.user(named: email, in: directory) { return (user, false) }
            if assertion.nameID != email, let user = try await Self.user(named: assertion.nameID, in: directory) {
                return (user, false)
            }
            guard connection.justInTime else { return nil }
            let domain = email.split(separator: "@").last.map { $0.lowercased() } ?? ""
            guard email.contains("@"), organization.domains.isEmpty || organization.domains.contains(domain) else {
                throw SignInRefusal(
                    "\(email) is not an address of \(organization.name)'s domains; ask its administrator to add you.")
            }
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
            let created = try await directory.create(.user, body: .object(body))
            return (created.representation, true)
        }
        guard let (user, created) = found else {
            throw SignInRefusal(
                "\(organization.name) has not given you access to this application (\(email) is not in its directory).")
        }
        guard user["active"]?.boolValue ?? true else {
            throw SignInRefusal("Your account at \(organization.name) is deactivated.")
        }
        let name = user["name"]?.objectValue
        return SignedInPerson(
            organization: organization.id, userID: user["id"]?.stringValue ?? "",
            userName: user["userName"]?.stringValue ?? email, email: Self.primaryEmail(user) ?? email,
            givenName: name?["givenName"]?.stringValue, familyName: name?["familyName"]?.stringValue,
            name: user["displayName"]?.stringValue ?? name?["formatted"]?.stringValue, created: created)
    }

    /// The organization's user whose userName, or one of whose emails, is `address` (case-insensitively).
    static func user(named address: String, in directory: Directory) async throws -> JSONObject? {
        let quoted = JSON.string(address).serialized()
        for filter in ["userName eq \(quoted)", "emails.value eq \(quoted)"] {
            let page = try await directory.list(.user, filter: filter, page: Page(startIndex: 1, count: 2, maximum: 2))
            if let user = page.resources.first?.objectValue { return user }
        }
        return nil
    }

    static func primaryEmail(_ user: JSONObject) -> String? {
        let emails = user["emails"]?.arrayValue ?? []
        return (emails.first { $0["primary"]?.boolValue == true } ?? emails.first)?["value"]?.stringValue
    }
}
