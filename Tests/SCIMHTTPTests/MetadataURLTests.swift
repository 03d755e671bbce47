import Directory
import Events
import Foundation
import RosterTestSupport
import SAML
import SCIMCore
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A connection made from its identity provider's metadata URL: fetched over the network (here from Python's
/// http.server, allowed as a private address), refused at a private address unless allowed, fetched again to take
/// a rotated certificate, and kept as it was, with the reason, when a fetch fails.
@Suite(.serialized) struct MetadataURLTests {
    static func metadata(entityID: String = "https://idp.example.com/entity") throws -> String {
        let pem = try ServiceProviderKey.generate(commonName: "idp.example.com").certificatePEM
        let der = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        return """
            <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="\(entityID)">
              <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
                <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data>
                  <ds:X509Certificate>\(der)</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
                <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/>
              </md:IDPSSODescriptor>
            </md:EntityDescriptor>
            """
    }

    /// Python's http.server over `folder` on a port of its own.
    static func fileServer(_ folder: URL) async throws -> (ChildProcess, Int) {
        for _ in 0..<5 {
            let port = Int.random(in: 20_000..<30_000)
            let child = try ChildProcess(
                "/usr/bin/python3",
                ["-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", folder.path],
                output: .discard, errors: .discard)
            for _ in 0..<50 {
                try await Task.sleep(for: .milliseconds(100))
                let probe = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/")!)
                if probe != nil { return (child, port) }
            }
            child.send(SIGKILL)
            child.wait()
        }
        throw CLIError(description: "python3 -m http.server did not start")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")))
    func aConnectionFollowsItsMetadataURL() async throws {
        try await TestServer.run { server, _ in
            let connections = server.services.organizations.connections
            let home = try await server.services.organizations.list()[0]
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("roster-metadata-\(UUID())")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appendingPathComponent("idp.xml")
            try Data(try Self.metadata().utf8).write(to: file)
            let (files, port) = try await Self.fileServer(folder)
            defer {
                files.send(SIGKILL)
                files.wait()
            }
            let fetcher = HTTPMetadataFetcher()
            let url = "http://127.0.0.1:\(port)/idp.xml"

            // Loopback, and plain http: refused unless allowed.
            await #expect(throws: SCIMError.self) {
                _ = try await connections.add(
                    organization: home.id, identityProvider: .metadataURL(url, allowPrivate: false), fetcher: fetcher)
            }
            await #expect(throws: SCIMError.self) {
                _ = try await connections.add(
                    organization: home.id,
                    identityProvider: .metadataURL("https://127.0.0.1:\(port)/idp.xml", allowPrivate: false),
                    fetcher: fetcher)
            }
            #expect(try await connections.list().isEmpty)

            let connection = try await connections.add(
                organization: home.id, identityProvider: .metadataURL(url, allowPrivate: true), fetcher: fetcher)
            #expect(connection.idpEntityID == "https://idp.example.com/entity")
            #expect(connection.idpMetadataURL == url)
            let first = connection.idpCertificates

            // The identity provider rotates its certificate: not due for a day, taken when fetched again.
            try Data(try Self.metadata().utf8).write(to: file)
            #expect(try await connections.refreshMetadata(using: fetcher) == 0)
            #expect(try await connections.refreshMetadata(using: fetcher, force: true) == 1)
            let rotated = try #require(try await connections.connection(id: connection.id))
            #expect(rotated.idpCertificates != first && rotated.idpCertificates.count == 1)
            #expect(rotated.metadataError == nil)

            // Failures keep what the connection had and say why.
            let cases: [(Data?, String)] = [
                (nil, "404"),
                (Data(String(repeating: " ", count: 1_100_000).utf8), "larger than"),
                (Data(try Self.metadata(entityID: "https://evil.example.com").utf8), "now names"),
                (Data("<html>".utf8), "cannot be read"),
            ]
            for (content, reason) in cases {
                if let content { try content.write(to: file) } else { try FileManager.default.removeItem(at: file) }
                #expect(try await connections.refreshMetadata(using: fetcher, force: true) == 0)
                let kept = try #require(try await connections.connection(id: connection.id))
                #expect(kept.idpCertificates == rotated.idpCertificates, "\(reason)")
                #expect(kept.metadataError?.contains(reason) == true, "\(reason): \(kept.metadataError ?? "no error")")
            }
        }
    }
}
