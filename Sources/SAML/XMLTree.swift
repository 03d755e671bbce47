import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// An XML element as a SAML message holds it: its qualified name, attributes (namespace declarations among them,
/// as written) and children in order. Text is kept whole; comments and processing instructions are dropped, as
/// canonical XML without comments drops them (so a comment inside a NameID never splits its value).
public final class XMLElement: @unchecked Sendable {
    public let name: String
    public let attributes: [String: String]
    public internal(set) var children: [XMLNode] = []
    public internal(set) weak var parent: XMLElement?

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    public var prefix: String? {
        name.firstIndex(of: ":").map { String(name[..<$0]) }
    }

    public var localName: String {
        name.firstIndex(of: ":").map { String(name[name.index(after: $0)...]) } ?? name
    }

    /// The namespace URI of the element's prefix (or of the default namespace), from the declarations in scope.
    public var namespace: String? { namespace(ofPrefix: prefix) }

    /// The URI a prefix (nil: the default namespace) is bound to here.
    public func namespace(ofPrefix prefix: String?) -> String? {
        let key = prefix.map { "xmlns:" + $0 } ?? "xmlns"
        var element: XMLElement? = self
        while let current = element {
            if let uri = current.attributes[key] { return uri.isEmpty ? nil : uri }
            element = current.parent
        }
        return prefix == "xml" ? "http://www.w3.org/XML/1998/namespace" : nil
    }

    public var elements: [XMLElement] {
        children.compactMap { if case .element(let element) = $0 { element } else { nil } }
    }

    /// The element children with this namespace and local name.
    public func children(_ namespace: String, _ localName: String) -> [XMLElement] {
        elements.filter { $0.localName == localName && $0.namespace == namespace }
    }

    public func child(_ namespace: String, _ localName: String) -> XMLElement? {
        children(namespace, localName).first
    }

    /// Every element below this one, depth first.
    public var descendants: [XMLElement] {
        elements.flatMap { [$0] + $0.descendants }
    }

    /// All the text inside, whole: every text node of every descendant, in order.
    public var text: String {
        children.map { node in
            switch node {
            case .text(let text): text
            case .element(let element): element.text
            }
        }.joined()
    }

    /// The value of an attribute without a namespace.
    public subscript(attribute name: String) -> String? { attributes[name] }
}

public enum XMLNode: Sendable {
    case element(XMLElement)
    case text(String)
}

/// Why a message was refused before its signature was looked at.
public struct XMLRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
}

public enum XMLTree {
    /// The most bytes of XML a message may have.
    public static let maxBytes = 1 << 20

    /// Parses a document. A DOCTYPE (and with it every entity, internal or external) is refused before the
    /// parser sees the document; so is anything past `maxBytes` or nested deeper than 64 elements.
    public static func parse(_ data: Data) throws(XMLRefusal) -> XMLElement {
        guard data.count <= maxBytes else { throw XMLRefusal(description: "The message is larger than 1 MiB.") }
        let lowered = Data(data.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 })
        for marker in ["<!doctype", "<!entity"] where lowered.range(of: Data(marker.utf8)) != nil {
            throw XMLRefusal(
                description: "The message has a DOCTYPE or an entity declaration; SAML messages have none.")
        }
        let builder = TreeBuilder()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = false
        parser.shouldReportNamespacePrefixes = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = builder
        guard parser.parse(), builder.failure == nil, let root = builder.root else {
            throw XMLRefusal(
                description: builder.failure ?? "The message is not well-formed XML: "
                    + (parser.parserError.map { "\($0.localizedDescription)" } ?? "unknown error") + ".")
        }
        return root
    }
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
    var root: XMLElement?
    var stack: [XMLElement] = []
    var failure: String?

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        guard stack.count < 64 else {
            failure = "The message nests elements deeper than 64."
            return parser.abortParsing()
        }
        let element = XMLElement(name: qualifiedName ?? elementName, attributes: attributes)
        if let parent = stack.last {
            element.parent = parent
            parent.children.append(.element(element))
        } else if root == nil {
            root = element
        }
        stack.append(element)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        _ = stack.popLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        append(string)
    }

    func parser(_ parser: XMLParser, foundIgnorableWhitespace whitespaceString: String) {
        append(whitespaceString)
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        append(String(decoding: CDATABlock, as: UTF8.self))
    }

    func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) {
        failure = "The message declares an entity."
        parser.abortParsing()
    }

    private func append(_ text: String) {
        guard let element = stack.last else { return }
        // Adjacent text (split around a comment, or by the parser's buffers) is one text node.
        if case .text(let before)? = element.children.last {
            element.children[element.children.count - 1] = .text(before + text)
        } else {
            element.children.append(.text(text))
        }
    }
}
