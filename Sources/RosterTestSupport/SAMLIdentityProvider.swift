import Foundation

/// `scripts/saml-idp.py`, the identity provider the sign-in tests use (signxml signs its responses).
public enum SAMLIdentityProvider {
    /// Runs the script into a new folder and returns it (the caller removes it); throws with its errors when it
    /// fails.
    public static func write(
        python: String, acs: String, audience: String, requestID: String, options: [String] = []
    ) async throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("roster-idp-\(UUID())")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/saml-idp.py").path
        let child = try ChildProcess(
            python,
            [script, "--out", folder.path, "--acs", acs, "--audience", audience, "--request-id", requestID] + options,
            output: .pipe, errors: .pipe)
        let (_, errors, status) = await child.finish()
        guard status == 0 else {
            throw CLIError(description: "saml-idp.py: " + String(decoding: errors, as: UTF8.self))
        }
        return folder
    }

    /// The XML files a run wrote, by name without `.xml`.
    public static func files(in folder: URL) throws -> [String: Data] {
        var found: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".xml") {
            found[String(name.dropLast(4))] = try Data(contentsOf: folder.appendingPathComponent(name))
        }
        return found
    }
}
