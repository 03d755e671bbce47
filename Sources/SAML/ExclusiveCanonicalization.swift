/// Exclusive XML Canonicalization 1.0 without comments (https://www.w3.org/TR/xml-exc-c14n/): the bytes a SAML
/// signature's digest and signature are computed over.
///
/// A namespace declaration is output on the first element of the output that uses its prefix (its own name's,
/// or an attribute's), unless an output ancestor already declared it the same; prefixes of the
/// `InclusiveNamespaces PrefixList` are output wherever they are in scope and not yet declared so. Declarations
/// come first, ordered by prefix, then attributes ordered by namespace URI and local name.
public enum ExclusiveCanonicalization {
    public static let algorithm = "http://www.w3.org/2001/10/xml-exc-c14n#"
    static let xmlNamespace = "http://www.w3.org/XML/1998/namespace"

    /// The canonical bytes of `apex` and everything in it but `excluded` (an enveloped signature).
    public static func bytes(of apex: XMLElement, excluding excluded: XMLElement? = nil, inclusive: Set<String> = [])
        -> [UInt8]
    {
        var output: [UInt8] = []
        var rendered: [String: String] = [:]
        write(apex, excluding: excluded, inclusive: inclusive, rendered: &rendered, to: &output)
        return output
    }

    /// `rendered` holds the declarations in force in the output: each element adds its own for its children and
    /// takes them back after them, so the whole document costs time linear in its declarations (a copy per element
    /// was quadratic in a hostile one).
    private static func write(
        _ element: XMLElement, excluding excluded: XMLElement?, inclusive: Set<String>,
        rendered: inout [String: String], to output: inout [UInt8]
    ) {
        // The prefixes this element uses visibly, and those listed as inclusive ("#default" is the default one).
        var prefixes: Set<String> = [element.prefix ?? ""]
        for name in element.attributes.keys where !isDeclaration(name) {
            if let colon = name.firstIndex(of: ":") { prefixes.insert(String(name[..<colon])) }
        }
        for prefix in inclusive {
            let key = prefix == "#default" ? "" : prefix
            if element.namespace(ofPrefix: key.isEmpty ? nil : key) != nil { prefixes.insert(key) }
        }
        var declarations: [(prefix: String, uri: String)] = []
        for prefix in prefixes where prefix != "xml" {
            let uri = element.namespace(ofPrefix: prefix.isEmpty ? nil : prefix) ?? ""
            if prefix.isEmpty {
                // xmlns="" only to undo a default namespace an output ancestor declared.
                if uri.isEmpty ? !(rendered[""] ?? "").isEmpty : rendered[""] != uri {
                    declarations.append(("", uri))
                }
            } else if !uri.isEmpty, rendered[prefix] != uri {
                declarations.append((prefix, uri))
            }
        }
        declarations.sort { $0.prefix < $1.prefix }
        let outer = declarations.map { ($0.prefix, rendered[$0.prefix]) }
        for declaration in declarations { rendered[declaration.prefix] = declaration.uri }
        defer { for (prefix, uri) in outer { rendered[prefix] = uri } }

        var attributes: [(uri: String, local: String, name: String, value: String)] = []
        for (name, value) in element.attributes where !isDeclaration(name) {
            if let colon = name.firstIndex(of: ":") {
                let prefix = String(name[..<colon])
                let uri = prefix == "xml" ? xmlNamespace : element.namespace(ofPrefix: prefix) ?? ""
                attributes.append((uri, String(name[name.index(after: colon)...]), name, value))
            } else {
                attributes.append(("", name, name, value))
            }
        }
        attributes.sort { ($0.uri, $0.local) < ($1.uri, $1.local) }

        output.append(UInt8(ascii: "<"))
        output += element.name.utf8
        for declaration in declarations {
            output += (declaration.prefix.isEmpty ? " xmlns=\"" : " xmlns:\(declaration.prefix)=\"").utf8
            escapeAttribute(declaration.uri, to: &output)
            output.append(UInt8(ascii: "\""))
        }
        for attribute in attributes {
            output.append(UInt8(ascii: " "))
            output += attribute.name.utf8
            output += "=\"".utf8
            escapeAttribute(attribute.value, to: &output)
            output.append(UInt8(ascii: "\""))
        }
        output.append(UInt8(ascii: ">"))
        for child in element.children {
            switch child {
            case .text(let text):
                escapeText(text, to: &output)
            case .element(let inner):
                if inner === excluded { continue }
                write(inner, excluding: excluded, inclusive: inclusive, rendered: &rendered, to: &output)
            case .processingInstruction(let target, let data):
                output += "<?\(target)\(data.isEmpty ? "" : " " + data)?>".utf8
            }
        }
        output += "</\(element.name)>".utf8
    }

    private static func isDeclaration(_ name: String) -> Bool {
        name == "xmlns" || name.hasPrefix("xmlns:")
    }

    private static func escapeText(_ text: String, to output: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): output += "&amp;".utf8
            case UInt8(ascii: "<"): output += "&lt;".utf8
            case UInt8(ascii: ">"): output += "&gt;".utf8
            case 0x0D: output += "&#xD;".utf8
            default: output.append(byte)
            }
        }
    }

    private static func escapeAttribute(_ text: String, to output: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): output += "&amp;".utf8
            case UInt8(ascii: "<"): output += "&lt;".utf8
            case UInt8(ascii: "\""): output += "&quot;".utf8
            case 0x09: output += "&#x9;".utf8
            case 0x0A: output += "&#xA;".utf8
            case 0x0D: output += "&#xD;".utf8
            default: output.append(byte)
            }
        }
    }
}
