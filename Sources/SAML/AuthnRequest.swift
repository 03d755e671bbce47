import Foundation

/// A sign-in request to an identity provider over the HTTP-Redirect binding: the AuthnRequest XML, DEFLATE'd,
/// base64'd and carried in the SSO URL's query (SAML bindings §3.4.4), unsigned (the response is what is
/// verified; the request's ID binds it to the browser).
public struct AuthnRequest: Sendable, Hashable {
    public var id: String
    public var issueInstant: Date
    /// The SP entity ID.
    public var issuer: String
    public var acsURL: String
    public var destination: String

    public init(id: String, issueInstant: Date, issuer: String, acsURL: String, destination: String) {
        self.id = id
        self.issueInstant = issueInstant
        self.issuer = issuer
        self.acsURL = acsURL
        self.destination = destination
    }

    /// A request ID: an XML NCName (it must not start with a digit), unguessable.
    public static func newID() -> String {
        "_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(8)
    }

    public var xml: String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let escape = { (text: String) in
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: "\"", with: "&quot;")
        }
        return """
            <samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" \
            xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="\(escape(id))" Version="2.0" \
            IssueInstant="\(formatter.string(from: issueInstant))" Destination="\(escape(destination))" \
            AssertionConsumerServiceURL="\(escape(acsURL))" \
            ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST">\
            <saml:Issuer>\(escape(issuer))</saml:Issuer>\
            <samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress" AllowCreate="true"/>\
            </samlp:AuthnRequest>
            """
    }

    /// The identity provider's SSO URL with `SAMLRequest` and `RelayState` added to its query.
    public func redirectURL(relayState: String?) -> String {
        let request = Data(Self.deflateStored(Array(xml.utf8))).base64EncodedString()
        var url = destination + (destination.contains("?") ? "&" : "?") + "SAMLRequest=" + Self.percentEncoded(request)
        if let relayState { url += "&RelayState=" + Self.percentEncoded(relayState) }
        return url
    }

    /// DEFLATE (RFC 1951) in stored blocks: valid for every inflater, and needing no compression library for a
    /// few hundred bytes.
    static func deflateStored(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var start = 0
        repeat {
            let end = min(start + 65_535, bytes.count)
            let length = UInt16(end - start)
            output.append(end == bytes.count ? 0x01 : 0x00)  // BFINAL, BTYPE 00
            output += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
            output += bytes[start..<end]
            start = end
        } while start < bytes.count
        return output
    }

    /// Everything but RFC 3986's unreserved characters, percent-encoded.
    static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(
            CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
