import Directory
import Hummingbird
import NIOCore
import SCIMCore

extension SCIMRoutes {
    static let membersPath = AttributePath(name: "members")
    static let withoutMembers = Projection(attributes: [], excludedAttributes: [membersPath])

    /// Whether a group's `members` go out whole, so they can be streamed; a projection of member
    /// sub-attributes is applied the ordinary way.
    static func streamsMembers(_ projection: Projection) -> Bool {
        guard projection.mayInclude("members") else { return false }
        let all = projection.attributes + projection.excludedAttributes
        return !all.contains { $0.name.caseInsensitiveEquals("members") && $0.subAttribute != nil }
    }

    /// A group whose `members` are written page by page as they are read, so a group of 100,000 members never
    /// becomes one value in memory. `members` comes last; the other attributes are those of `resource`.
    func streamingGroup(
        _ resource: ResourceResponse, id: String, directory: Directory, status: HTTPResponse.Status = .ok
    ) -> Response {
        var head = JSON.object(resource.representation).serialized()
        head.removeLast()
        head += resource.representation.isEmpty ? "\"members\":[" : ",\"members\":["
        let prefix = head
        let pages = directory.memberPages(ofGroup: id)
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: prefix))
            var first = true
            for try await page in pages {
                var chunk: [UInt8] = []
                for member in page {
                    if !first { chunk.append(UInt8(ascii: ",")) }
                    first = false
                    member.write(to: &chunk)
                }
                try await writer.write(ByteBuffer(bytes: chunk))
            }
            try await writer.write(ByteBuffer(string: "]}"))
            try await writer.finish(nil)
        }
        var headers: HTTPFields = [.contentType: SCIMResponse.contentType, .eTag: resource.meta.etag]
        if status == .created { headers[.location] = resource.meta.location }
        return Response(status: status, headers: headers, body: body)
    }
}

extension Projection {
    /// The same projection with `path` excluded as well.
    func excluding(_ path: AttributePath) -> Projection {
        Projection(attributes: attributes, excludedAttributes: excludedAttributes + [path])
    }
}
