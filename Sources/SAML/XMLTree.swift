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
        var found: [XMLElement] = []
        var stack = Array(elements.reversed())
        while let element = stack.popLast() {
            found.append(element)
            stack += element.elements.reversed()
        }
        return found
    }

    /// All the text inside, whole: every text node of every descendant, in order.
    public var text: String {
        children.map { node in
            switch node {
            case .text(let text): text
            case .element(let element): element.text
            case .processingInstruction: ""
            }
        }.joined()
    }

    /// Puts `replacement` where the child `old` was.
    func replace(_ old: XMLElement, with replacement: XMLElement) {
        guard let index = children.firstIndex(where: { if case .element(let e) = $0 { e === old } else { false } })
        else { return }
        children[index] = .element(replacement)
        replacement.parent = self
    }

    /// The value of an attribute without a namespace.
    public subscript(attribute name: String) -> String? { attributes[name] }
}

public enum XMLNode: Sendable {
    case element(XMLElement)
    case text(String)
    /// Kept, as canonical XML keeps them.
    case processingInstruction(target: String, data: String)
}

/// Why a message was refused before its signature was looked at.
public struct XMLRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
}

public enum XMLTree {
    /// The `encoding` of the XML declaration, if the document starts with one.
    static func declaredEncoding(_ data: Data) -> String? {
        var bytes = data.prefix(300)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        let head = String(decoding: bytes, as: UTF8.self)
        guard head.hasPrefix("<?xml"), let end = head.range(of: "?>") else { return nil }
        let declaration = head[..<end.lowerBound]
        guard let key = declaration.range(of: "encoding") else { return nil }
        let rest = declaration[key.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\t" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return "" }
        return String(rest.dropFirst().prefix { $0 != quote })
    }

    /// Whether `<!DOCTYPE` or `<!ENTITY` appears anywhere, in any case: searched in one pass over the bytes (a copy
    /// of the message in lower case, searched twice, was two percent of a sign-in).
    static func declaresDocumentType(_ data: Data) -> Bool {
        let markers = [Array("doctype".utf8), Array("entity".utf8)]
        return data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var index = 0
            while index + 1 < bytes.count {
                if bytes[index] == UInt8(ascii: "<"), bytes[index + 1] == UInt8(ascii: "!") {
                    for marker in markers where index + 2 + marker.count <= bytes.count {
                        var matches = true
                        for (offset, letter) in marker.enumerated() {
                            let byte = bytes[index + 2 + offset]
                            if (byte >= 65 && byte <= 90 ? byte + 32 : byte) != letter {
                                matches = false
                                break
                            }
                        }
                        if matches { return true }
                    }
                }
                index += 1
            }
            return false
        }
    }

    /// The most bytes of XML a message may have.
    public static let maxBytes = 1 << 20
    /// The most elements: parsing stops there rather than build a tree of a hostile document's every element.
    public static let maxElements = 10_000

    /// Parses a document. It must be UTF-8 (declared so or undeclared), without NUL: the parser never decodes
    /// another encoding, in which a DOCTYPE could hide from the search below (UTF-16, UTF-7), and never meets a
    /// name that is not UTF-8 (which crashes FoundationXML on Linux). A DOCTYPE (and with it every entity,
    /// internal or external) is then refused before the parser sees the document; so is anything past
    /// `maxBytes` or nested deeper than 64 elements.
    public static func parse(_ data: Data) throws(XMLRefusal) -> XMLElement {
        guard data.count <= maxBytes else { throw XMLRefusal(description: "The message is larger than 1 MiB.") }
        guard String(validating: data, as: UTF8.self) != nil, !data.contains(0) else {
            throw XMLRefusal(description: "The message is not UTF-8 text.")
        }
        if let declaration = declaredEncoding(data), declaration.lowercased() != "utf-8" {
            throw XMLRefusal(
                description: "The message declares the encoding \(declaration.prefix(20)); only UTF-8 is read.")
        }
        if declaresDocumentType(data) {
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
    /// The text of the current element since its last child, gathered in one buffer (appending to the last text
    /// node instead copied it whole each time: quadratic in a megabyte of `&lt;`).
    var pending = ""
    /// Elements so far: a SAML response has a few dozen, an identity provider's metadata a few hundred.
    var count = 0

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        flush()
        guard stack.count < 64 else {
            failure = "The message nests elements deeper than 64."
            return parser.abortParsing()
        }
        count += 1
        guard count <= XMLTree.maxElements else {
            failure = "The message has more than \(XMLTree.maxElements) elements."
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
        flush()
        _ = stack.popLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        pending += string
    }

    func parser(_ parser: XMLParser, foundIgnorableWhitespace whitespaceString: String) {
        pending += whitespaceString
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        pending += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, foundProcessingInstructionWithTarget target: String, data: String?) {
        flush()
        stack.last?.children.append(.processingInstruction(target: target, data: data ?? ""))
    }

    func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) {
        failure = "The message declares an entity."
        parser.abortParsing()
    }

    /// Adjacent text (split around a comment, or by the parser's buffers) is one text node.
    private func flush() {
        guard !pending.isEmpty else { return }
        stack.last?.children.append(.text(pending))
        pending = ""
    }
}
