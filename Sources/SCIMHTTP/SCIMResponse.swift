import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1
import SCIMCore

/// Builds responses the way SCIM clients expect them: `application/scim+json`, compact UTF-8 JSON.
enum SCIMResponse {
    static let contentType = "application/scim+json"

    static func json(_ status: HTTPResponse.Status, _ json: JSON, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = contentType
        return Response(
            status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: json.serializedBytes())))
    }

    static func error(_ error: SCIMError, requestID: String? = nil) -> Response {
        var body = error.body
        if let requestID, error.status >= 500, case .object(var object) = body {
            object["detail"] = .string("\(error.detail) Request id: \(requestID).")
            body = .object(object)
        }
        var headers: HTTPFields = [:]
        if error.status == 401 { headers[.wwwAuthenticate] = "Bearer realm=\"roster\"" }
        // Okta honours only an integer number of seconds.
        if error.status == 503 || error.status == 429 { headers[.retryAfter] = String(error.retryAfter ?? 1) }
        return json(HTTPResponse.Status(code: error.status), body, headers: headers)
    }
}

extension Request {
    /// Reads and parses the JSON body, refusing more than `limit` bytes with a 413.
    mutating func scimBody(limit: Int) async throws -> JSON {
        let buffer: ByteBuffer
        do {
            buffer = try await collectBody(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw SCIMError.payloadTooLarge("The request body is larger than \(limit) bytes.")
        } catch  where clientWentAway(error) {
            throw SCIMError.clientClosedRequest("The client closed the connection before its request body ended.")
        }
        guard buffer.readableBytes > 0 else { throw SCIMError.invalidSyntax("The request has no body.") }
        return try JSON.parse(buffer.readableBytesView, refusingNUL: true)
    }

    /// The query string's parameters, split once (a list reads seven of them).
    var scimQueryParameters: QueryParameters { QueryParameters(uri.query) }
    /// `+` as a space and `%XX` as a byte; nil when an escape is malformed or the bytes are not UTF-8. Done on
    /// bytes: every query parameter of every request goes through here.
    static func decode(_ text: Substring) -> String? {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// Query parameters decoded the way identity providers encode them: `%20` or `+` for spaces.
/// Names are matched case-insensitively; a value that is not valid percent-encoding is an error, never
/// silently absent (an unreadable filter must not match everything).
struct QueryParameters {
    private var pairs: [(name: Substring, value: Substring?)] = []

    init(_ query: String?) {
        guard let query else { return }
        pairs = query.split(separator: "&").map { pair in
            guard let equals = pair.firstIndex(of: "=") else { return (pair, nil) }
            return (pair[..<equals], pair[pair.index(after: equals)...])
        }
    }

    /// The first parameter called `name`, decoded; "" when it has no `=`.
    func value(_ name: String) throws(SCIMError) -> String? {
        for pair in pairs {
            guard let key = Request.decode(pair.name), key.caseInsensitiveEquals(name) else { continue }
            guard let value = pair.value else { return "" }
            let problem: String
            if let decoded = Request.decode(value) {
                // As in a request body (`JSON.parse(_:refusingNUL:)`): no value may hold U+0000.
                guard decoded.utf8.contains(0) else { return decoded }
                problem = "holds the character U+0000"
            } else {
                problem = "is not valid percent-encoding"
            }
            let scimType = name.caseInsensitiveEquals("filter") ? "invalidFilter" : "invalidValue"
            throw SCIMError(status: 400, scimType: scimType, detail: "The \(name) parameter \(problem).")
        }
        return nil
    }
}

/// Whether reading a request failed because the client went away: the stream ended early (a hang-up mid-body), or
/// the connection closed or was reset.
public func clientWentAway(_ error: any Error) -> Bool {
    switch error {
    case let parser as HTTPParserError: parser == .invalidEOFState
    case let channel as ChannelError: channel == .ioOnClosedChannel || channel == .eof || channel == .inputClosed
    case let io as IOError: [ECONNRESET, EPIPE].contains(io.errnoCode)
    default: false
    }
}
