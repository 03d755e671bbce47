import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// The console's Mustache templates, compiled once, and the responses they make.
struct Pages: Sendable {
    let library: MustacheLibrary

    init() {
        var library = MustacheLibrary()
        for (name, text) in Templates.all {
            // The templates are part of the program: one that does not parse is a bug the tests catch at once.
            try! library.register(text, named: name)
        }
        self.library = library
    }

    /// A page rendered from `model`, as HTML that is never cached.
    func render(_ name: String, _ model: Any, status: HTTPResponse.Status = .ok) -> Response {
        let html = library.render(model, withTemplate: name) ?? "Missing template \(name)"
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    func error(_ status: HTTPResponse.Status, _ detail: String, home: String = "/admin") -> Response {
        var layout = Layout(title: status.reasonPhrase, signedIn: false)
        layout.home = home
        return render("error", ErrorPage(layout: layout, status: Int(status.code), detail: detail), status: status)
    }

    /// A 303 See Other, so a form's POST becomes a GET of the page it leads to.
    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}

enum Assets {
    static func response(_ text: String, type: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "\(type); charset=utf-8", .cacheControl: "public, max-age=3600",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
