import ArgumentParser
import Crypto
import Directory
import Foundation
import SAML
import SCIMCore
import Synchronization
import _CryptoExtras

/// The whole sign-in against `roster serve`: sign-ins started at `/oauth/authorize`, then, timed, the identity
/// provider's signed response posted to the ACS URL and the code traded at `/oauth/token` for a signed `id_token`,
/// by many browsers at once. Also hostile responses posted to the ACS URL, each timed: they must be refused in
/// milliseconds.
///
/// The responses are signed before the clock starts, by a signer in this benchmark (the tests use signxml's); the
/// server does all it does for a real one: parse, verify, check, replay cache, person, code, token.
struct SignInBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign-in",
        abstract: "Sign-ins a second (ACS POST with a signed response, then the token exchange), and hostile responses."
    )

    @Option(help: "Sign-ins in the timed phase.") var signIns = 6000
    @Option(help: "Browsers signing in at once.") var concurrency = 32
    @Option(help: "People in the directory.") var users = 10_000
    @Option(help: "A PostgreSQL URL to run on instead of a new SQLite file.") var database: String?
    @Option(help: "Where to write the JSON results.") var output = "roster-bench-sign-in.json"
    @Option(help: "Folder for the SQLite database.") var folder = FileManager.default.temporaryDirectory.path
    @Option(help: "Sign-ins a second beside the SCIM measures (0: no SCIM measures).") var besideRate = 100
    @Option(help: "Seconds of each SCIM measure beside sign-ins.") var besideSeconds = 5

    static let publicURL = "https://roster.bench.example"
    static let redirect = "https://app.bench.example/callback"

    func run() async throws {
        let work = "\(folder)/roster-bench-sign-in-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let location = database ?? "\(work)/roster.sqlite"
        let seeded = try await Seed.directory(at: location, users: users, bigGroup: 0)
        let flags = ["--database", location, "--public-url", Self.publicURL]

        // The identity provider's key, the connection trusting it, and the application.
        let idp = try ServiceProviderKey.generate(commonName: "idp.bench.example")
        try idp.certificatePEM.write(toFile: "\(work)/idp.pem", atomically: true, encoding: .utf8)
        let organization =
            try JSON.parse(Array(try EventsBenchmark.roster(["org", "list", "--json"] + flags).utf8))
            .arrayValue?.first?["id"]?.stringValue ?? ""
        let connection = try JSON.parse(
            Array(
                try EventsBenchmark.roster(
                    [
                        "sso", "add", "--org", organization, "--idp-sso-url", "https://idp.bench.example/sso",
                        "--idp-entity-id", "https://idp.bench.example", "--idp-certificate", "\(work)/idp.pem",
                        "--json",
                    ] + flags
                ).utf8))
        let app = try JSON.parse(
            Array(
                try EventsBenchmark.roster(
                    ["app", "create", "--name", "Bench", "--redirect-uri", Self.redirect, "--json"] + flags
                ).utf8))
        guard let connectionID = connection["id"]?.stringValue, let acs = connection["acsUrl"]?.stringValue,
            let entityID = connection["entityId"]?.stringValue, let clientID = app["clientId"]?.stringValue,
            let secret = app["clientSecret"]?.stringValue
        else { throw ValidationFailure("could not set up the connection and the application") }

        let server = try ServerProcess(
            database: location, arguments: ["--public-url", Self.publicURL, "--sign-in-rate-limit", "0"])
        defer { server.stop() }
        let port = try await server.waitForPort()

        // 1. Sign-ins started, each browser with its cookie; their responses signed.
        let verifier = String(repeating: "v", count: 43)
        let challenge = Base64URL.encode(Data(SHA256.hash(data: Data(verifier.utf8))))
        let browsers = (0..<concurrency).map { _ in Secrets.random() }
        var started: [(browser: String, relayState: String, name: String)] = []
        // Those beside the SCIM measures too: four of them (two ceilings, GET and POST), and a tenth to spare.
        let beside = besideRate * besideSeconds * 4 * 11 / 10
        let startTime = try await Stopwatch.time {
            let connection = try HTTPConnection(port: port)
            defer { connection.close() }
            for index in 0..<signIns + beside {
                let browser = browsers[index % browsers.count]
                let path =
                    "/oauth/authorize?response_type=code&client_id=\(clientID)&redirect_uri=\(Self.percent(Self.redirect))"
                    + "&scope=openid%20email%20profile&state=s\(index)&nonce=n\(index)&code_challenge=\(challenge)"
                    + "&code_challenge_method=S256&organization=\(organization)"
                let (status, headers, _) = try connection.request(
                    "GET", path, headers: ["Cookie: __Host-roster_signin=\(browser)"])
                guard status == 302, let location = headers["location"],
                    let relay = URLComponents(string: location)?.queryItems?.first(where: { $0.name == "RelayState" })?
                        .value
                else { throw ValidationFailure("authorize answered \(status)") }
                started.append((browser, relay, seeded.sampleNames[index % seeded.sampleNames.count]))
            }
        }
        let startRate = Double(signIns + beside) / startTime.milliseconds * 1000
        let key = try _RSA.Signing.PrivateKey(pemRepresentation: idp.privateKeyPEM)
        let bodies = try started.map { item in
            let xml = try Self.signedResponse(
                nameID: item.name, requestID: item.relayState, acs: acs, audience: entityID, key: key)
            return "SAMLResponse=\(Self.percent(Data(xml.utf8).base64EncodedString()))&RelayState=\(item.relayState)"
                + "&roster_continue=1"
        }

        // 2. Timed: each browser posts its responses and its application trades each code, as fast as it can.
        let basic = "Basic " + Data("\(clientID):\(secret)".utf8).base64EncodedString()
        let acsPath = URLComponents(string: acs)!.path
        let jobs = zip(bodies, started.map(\.browser)).map { (body: $0, browser: $1) }
        let timed = await SignInStream(
            SignInStream.Plan(
                jobs: Array(jobs.prefix(signIns)), rate: .infinity, acsPath: acsPath, basic: basic, verifier: verifier),
            port: port, threads: concurrency
        ).finish()
        guard timed.failures.isEmpty else {
            throw ValidationFailure("sign-ins failed: \(timed.failures.joined(separator: "; "))")
        }
        let signInRate = Double(timed.count) / timed.seconds

        // 3. Hostile responses: each refused, and how long that took.
        let hostile = try Self.hostile(port: port, acsPath: "/sso/saml/\(connectionID)/acs")

        // 4. SCIM's GET and POST as ratios to /healthz, alone, then with sign-ins running beside them.
        var besideRows: [String] = []
        var besideJSON = JSONObject()
        if besideRate > 0 {
            let measures = try await Self.scimBesideSignIns(
                port: port, seeded: seeded, folder: work, seconds: besideSeconds,
                stream: SignInStream.Plan(
                    jobs: Array(jobs.dropFirst(signIns)), rate: Double(besideRate), acsPath: acsPath, basic: basic,
                    verifier: verifier))
            for measure in measures {
                besideRows.append(
                    String(
                        format: "| %@ | %.0f/s (%.0f%% of /healthz) | %.0f/s (%.0f%%), %.0f sign-ins/s beside |",
                        measure.name, measure.alone, measure.aloneRatio * 100, measure.beside,
                        measure.besideRatio * 100, measure.signInsPerSecond))
                besideJSON[measure.name] = .object([
                    "alone": .double(measure.alone), "aloneRatio": .double(measure.aloneRatio),
                    "beside": .double(measure.beside), "besideRatio": .double(measure.besideRatio),
                    "signInsPerSecond": .double(measure.signInsPerSecond),
                ])
            }
        }

        let store = database == nil ? "SQLite" : "PostgreSQL"
        print("\nSign-in, \(store), \(concurrency) browsers at once:\n")
        print("| measure | value |\n|---|---:|")
        print(
            String(format: "| sign-ins started (/oauth/authorize), one browser after another, /s | %.0f |", startRate))
        print(
            String(
                format: "| sign-ins (ACS POST with a signed response, then the token exchange), /s | %.0f |", signInRate
            ))
        for (name, milliseconds, status) in hostile {
            print(String(format: "| %@: refused (%d) in ms | %.1f |", name, status, milliseconds))
        }
        if !besideRows.isEmpty {
            print("\nSCIM alone and beside sign-ins, each as a ratio to /healthz measured the same way just before:\n")
            print("| scenario | alone | beside sign-ins |\n|---|---:|---:|")
            besideRows.forEach { print($0) }
        }
        var json: JSONObject = [
            "store": .string(store), "signIns": .int(signIns), "concurrency": .int(concurrency),
            "signInsPerSecond": .double(signInRate), "startsPerSecond": .double(startRate),
        ]
        var refusals = JSONObject()
        for (name, milliseconds, _) in hostile { refusals[name] = .double(milliseconds) }
        json["hostile"] = .object(refusals)
        json["scimBesideSignIns"] = .object(besideJSON)
        try JSON.object(json).serialized().write(toFile: output, atomically: true, encoding: .utf8)
    }

    /// A SCIM scenario's throughput alone and beside a steady stream of sign-ins, each with the `/healthz` ceiling
    /// measured under the same load just before it.
    struct BesideMeasure {
        var name: String
        var alone: Double
        var aloneRatio: Double
        var beside: Double
        var besideRatio: Double
        var signInsPerSecond: Double
    }

    /// GET by id and POST, each after its ceiling: alone on a quiet server, then with sign-ins at a steady rate.
    static func scimBesideSignIns(
        port: Int, seeded: Seeded, folder: String, seconds: Int, stream plan: SignInStream.Plan
    ) async throws -> [BesideMeasure] {
        let load = Load(
            origin: "http://127.0.0.1:\(port)", token: seeded.token, folder: folder, seconds: seconds,
            connections: 64, threads: 2)
        let names = ["GET user by id", "POST create"]
        let healthz = Scenario.all(seeded)[0]
        let quiet = try QuietServer(port: port)
        var measures: [BesideMeasure] = []
        for scenario in Scenario.all(seeded) where names.contains(scenario.name) {
            try await quiet.wait()
            let ceiling = try load.run(healthz)
            try await quiet.wait()
            let alone = try load.run(scenario)
            measures.append(
                BesideMeasure(
                    name: scenario.name, alone: alone.requestsPerSecond,
                    aloneRatio: alone.requestsPerSecond / ceiling.requestsPerSecond, beside: 0, besideRatio: 0,
                    signInsPerSecond: 0))
        }
        try await quiet.wait()
        // Built again: a POST's userNames carry an id of their script, so they never repeat the ones above.
        for (index, scenario) in Scenario.all(seeded).filter({ names.contains($0.name) }).enumerated() {
            let signIns = SignInStream(plan, port: port)
            let ceiling = try load.run(healthz)
            let beside = try load.run(scenario)
            let stream = await signIns.stop()
            measures[index].beside = beside.requestsPerSecond
            measures[index].besideRatio = beside.requestsPerSecond / ceiling.requestsPerSecond
            measures[index].signInsPerSecond = Double(stream.count) / stream.seconds
            try await quiet.wait()
        }
        return measures
    }

    /// One sign-in: the response posted with the browser's cookie, then the code traded for tokens.
    static func signIn(
        _ body: String, browser: String, acsPath: String, basic: String, verifier: String,
        over connection: HTTPConnection
    ) throws {
        let (status, headers, text) = try connection.request(
            "POST", acsPath,
            headers: ["Cookie: __Host-roster_signin=\(browser)", "Content-Type: application/x-www-form-urlencoded"],
            body: Array(body.utf8))
        guard status == 303, let location = headers["location"],
            let code = URLComponents(string: location)?.queryItems?.first(where: { $0.name == "code" })?.value
        else {
            throw ValidationFailure("the ACS answered \(status): \(String(decoding: text.prefix(300), as: UTF8.self))")
        }
        let form =
            "grant_type=authorization_code&code=\(code)&redirect_uri=\(percent(redirect))&code_verifier=\(verifier)"
        let (tokenStatus, _, tokens) = try connection.request(
            "POST", "/oauth/token",
            headers: ["Authorization: \(basic)", "Content-Type: application/x-www-form-urlencoded"],
            body: Array(form.utf8))
        guard tokenStatus == 200, (try? JSON.parse(tokens))?["id_token"]?.stringValue != nil else {
            throw ValidationFailure("the token endpoint answered \(tokenStatus)")
        }
    }

    /// A Response whose assertion is signed with `key` (RSA-SHA256, exclusive canonicalization), as Okta's are.
    static func signedResponse(
        nameID: String, requestID: String, acs: String, audience: String, key: _RSA.Signing.PrivateKey
    )
        throws -> String
    {
        let now = Date()
        let format = ISO8601DateFormatter()
        let (issued, before, after) = (
            format.string(from: now), format.string(from: now - 60), format.string(from: now + 600)
        )
        let id = "_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let assertion = """
            <saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="\(id)" IssueInstant="\(issued)" Version="2.0">\
            <saml:Issuer>https://idp.bench.example</saml:Issuer>SIGNATURE\
            <saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">\(nameID)</saml:NameID>\
            <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData InResponseTo="\(requestID)" NotOnOrAfter="\(after)" Recipient="\(acs)"></saml:SubjectConfirmationData></saml:SubjectConfirmation></saml:Subject>\
            <saml:Conditions NotBefore="\(before)" NotOnOrAfter="\(after)"><saml:AudienceRestriction><saml:Audience>\(audience)</saml:Audience></saml:AudienceRestriction></saml:Conditions>\
            <saml:AuthnStatement AuthnInstant="\(issued)" SessionIndex="_s"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>\
            <saml:AttributeStatement><saml:Attribute Name="email"><saml:AttributeValue>\(nameID)</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>\
            </saml:Assertion>
            """
        let unsigned = assertion.replacingOccurrences(of: "SIGNATURE", with: "")
        let digest = SHA256.hash(
            data: ExclusiveCanonicalization.bytes(of: try XMLTree.parse(Data(unsigned.utf8))))
        let signedInfo = """
            <ds:SignedInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"></ds:CanonicalizationMethod>\
            <ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"></ds:SignatureMethod>\
            <ds:Reference URI="#\(id)"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"></ds:Transform>\
            <ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"></ds:Transform></ds:Transforms>\
            <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"></ds:DigestMethod>\
            <ds:DigestValue>\(Data(digest).base64EncodedString())</ds:DigestValue></ds:Reference></ds:SignedInfo>
            """
        let canonical = ExclusiveCanonicalization.bytes(of: try XMLTree.parse(Data(signedInfo.utf8)))
        let value = try key.signature(for: SHA256.hash(data: canonical), padding: .insecurePKCS1v1_5)
        let signature = """
            <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">\(signedInfo.replacingOccurrences(of: " xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"", with: ""))\
            <ds:SignatureValue>\(value.rawRepresentation.base64EncodedString())</ds:SignatureValue></ds:Signature>
            """
        return """
            <samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r\(id)" Version="2.0" IssueInstant="\(issued)" Destination="\(acs)" InResponseTo="\(requestID)">\
            <saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">https://idp.bench.example</saml:Issuer>\
            <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"></samlp:StatusCode></samlp:Status>\
            \(assertion.replacingOccurrences(of: "SIGNATURE", with: signature))</samlp:Response>
            """
    }

    /// Hostile responses of 640 KB, posted to the ACS URL: the status and milliseconds of each refusal. (Base64'd and
    /// form-encoded they are just under the 1 MiB body limit, so the XML reader sees them; larger bodies are refused
    /// before they are read.)
    static func hostile(port: Int, acsPath: String) throws -> [(String, Double, Int)] {
        let megabyte = 640 << 10
        let nested = String(repeating: "<ab>", count: megabyte / 4 - 10)
        let entities =
            "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
            + "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]><samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\">"
            + String(repeating: "&c;", count: (megabyte - 400) / 3) + "</samlp:Response>"
        let attributes = (0..<4000).map { " xmlns:p\($0)=\"u\" p\($0):a=\"\"" }.joined()
        let signedInfo =
            "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_r\"><samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status>"
            + "<saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_a\"><ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo>"
            + "<ds:X\(attributes)>" + String(repeating: "<c xmlns=\"a\"/>", count: 16_000)
            + "</ds:X></ds:SignedInfo></ds:Signature></saml:Assertion></samlp:Response>"
        let wide =
            "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\">"
            + String(repeating: "<x/>", count: (megabyte - 200) / 4) + "</samlp:Response>"
        let connection = try HTTPConnection(port: port)
        defer { connection.close() }
        return try [
            ("640 KB nested 160,000 deep", nested), ("640 KB of entities (a billion laughs)", entities),
            ("a 600 KB SignedInfo of 4,000 prefixes over 16,000 children", signedInfo),
            ("640 KB of 160,000 sibling elements", wide),
        ].map { name, xml in
            let body = "SAMLResponse=\(percent(Data(xml.utf8).base64EncodedString()))&roster_continue=1"
            var status = 0
            let elapsed = try ContinuousClock().measure {
                status = try connection.request(
                    "POST", acsPath, headers: ["Content-Type: application/x-www-form-urlencoded"],
                    body: Array(body.utf8)
                ).status
            }
            return (name, elapsed.milliseconds, status)
        }
    }

    static func percent(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// Sign-ins at a steady rate (`.infinity`: as fast as the threads go), on threads of their own (blocking
/// sockets), until stopped or out of responses: the timed phase, and the load beside the SCIM measures. Each
/// response is used once, so a plan's jobs are shared by the streams made from it.
final class SignInStream: @unchecked Sendable {
    final class Plan: Sendable {
        let jobs: [(body: String, browser: String)]
        let rate: Double
        let acsPath: String
        let basic: String
        let verifier: String
        /// The next job to take, whichever stream takes it.
        let next = Mutex(0)

        init(jobs: [(body: String, browser: String)], rate: Double, acsPath: String, basic: String, verifier: String) {
            (self.jobs, self.rate, self.acsPath, self.basic, self.verifier) = (jobs, rate, acsPath, basic, verifier)
        }
    }

    private let stopped = Mutex(false)
    private let done = Mutex(0)
    /// The first few failures, to report.
    private let failures = Mutex<[String]>([])
    private let finished = DispatchGroup()
    private let start = ContinuousClock.now

    init(_ plan: Plan, port: Int, threads: Int = 8) {
        let first = plan.next.withLock { $0 }
        for _ in 0..<threads {
            finished.enter()
            Thread.detachNewThread { [self] in
                defer { finished.leave() }
                guard let connection = try? HTTPConnection(port: port) else { return fail("no connection") }
                defer { connection.close() }
                while !stopped.withLock({ $0 }) {
                    let index = plan.next.withLock { value in
                        defer { value += 1 }
                        return value
                    }
                    guard index < plan.jobs.count else { return }
                    let due = start + .milliseconds(Int(Double(index - first) / plan.rate * 1000))
                    if due > ContinuousClock.now {
                        Thread.sleep(forTimeInterval: (due - ContinuousClock.now).milliseconds / 1000)
                    }
                    let job = plan.jobs[index]
                    do {
                        try SignInBenchmark.signIn(
                            job.body, browser: job.browser, acsPath: plan.acsPath, basic: plan.basic,
                            verifier: plan.verifier, over: connection)
                        done.withLock { $0 += 1 }
                    } catch {
                        fail("\(error)")
                    }
                }
            }
        }
    }

    private func fail(_ reason: String) {
        failures.withLock { if $0.count < 5 { $0.append(reason) } }
    }

    /// Once every job is done (or the stream stopped): how many sign-ins completed, over how many seconds, and the
    /// first failures.
    func finish() async -> (count: Int, seconds: Double, failures: [String]) {
        await withCheckedContinuation { continuation in
            finished.notify(queue: .global()) { continuation.resume() }
        }
        return (done.withLock { $0 }, (ContinuousClock.now - start).milliseconds / 1000, failures.withLock { $0 })
    }

    func stop() async -> (count: Int, seconds: Double, failures: [String]) {
        stopped.withLock { $0 = true }
        return await finish()
    }
}
