import Foundation
import RosterTestSupport
import SCIMCore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A headless Chromium driven over the W3C WebDriver protocol by Debian's `chromedriver`: a real browser, with
/// real cookies, CSP and JavaScript, and no dependency beyond the two packages.
final class WebDriver: @unchecked Sendable {
    static let chromium = "/usr/bin/chromium"
    static let driver = "/usr/bin/chromedriver"
    static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: chromium) && FileManager.default.isExecutableFile(atPath: driver)
    }

    private let process: ChildProcess
    private let base: URL
    private var session = ""

    init() async throws {
        // Below the ephemeral range (32768 up), where test servers' own ports come from; a taken port or a machine
        // too loaded to start it in time gets another try.
        var started: (ChildProcess, URL)?
        for _ in 0..<3 where started == nil {
            let port = Int.random(in: 10_000..<30_000)
            let base = URL(string: "http://127.0.0.1:\(port)")!
            let process = try ChildProcess(Self.driver, ["--port=\(port)"], output: .discard, errors: .discard)
            if await Self.becomesReady(base, within: 30) {
                started = (process, base)
            } else {
                process.send(SIGKILL)
                process.wait()
            }
        }
        guard let started else { throw CLIError(description: "chromedriver did not become ready in three tries") }
        (process, base) = started
        let options: JSONObject = [
            "binary": .string(Self.chromium),
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900",
            ],
        ]
        let capabilities: JSONObject = [
            "capabilities": .object([
                "alwaysMatch": .object([
                    "browserName": "chrome", "goog:chromeOptions": .object(options),
                    // Finding an element waits up to 10 s for it: a click returns before the page it loads is
                    // there, and on a loaded machine reading that page's element at once found the old page's.
                    "timeouts": .object(["implicit": 10_000]),
                ])
            ])
        ]
        let created = try await request("POST", "/session", capabilities)
        guard let id = created["value"]?["sessionId"]?.stringValue else {
            throw CLIError(description: "chromedriver did not start a session: \(created.serialized())")
        }
        session = id
    }

    private static func becomesReady(_ base: URL, within seconds: Double) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let curl = try? ChildProcess(
                "/usr/bin/curl", ["-s", "--max-time", "2", base.appendingPathComponent("status").absoluteString],
                output: .pipe)
            if let curl {
                let (data, _, status) = await curl.finish()
                if status == 0, (try? JSON.parse(Array(data)))?["value"]?["ready"] == .bool(true) { return true }
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    func quit() async {
        _ = try? await request("DELETE", "/session/\(session)")
        // chromedriver ignores SIGTERM while its browser shuts down.
        process.send(SIGKILL)
        process.wait()
    }

    func open(_ url: String) async throws { _ = try await command("POST", "url", ["url": .string(url)]) }

    var url: String { get async throws { try await command("GET", "url")["value"]?.stringValue ?? "" } }

    var pageSource: String { get async throws { try await command("GET", "source")["value"]?.stringValue ?? "" } }

    /// The element a CSS selector finds, or an error naming the selector.
    func element(_ selector: String) async throws -> String {
        let found = try await command("POST", "element", ["using": "css selector", "value": .string(selector)])
        guard let id = found["value"]?.objectValue?.members.first?.value.stringValue else {
            throw CLIError(description: "no element matches \(selector): \(found.serialized())")
        }
        return id
    }

    func type(_ text: String, into selector: String) async throws {
        let id = try await element(selector)
        _ = try await command("POST", "element/\(id)/value", ["text": .string(text)])
    }

    func click(_ selector: String) async throws {
        _ = try await command("POST", "element/\(try await element(selector))/click", [:])
    }

    func text(of selector: String) async throws -> String {
        try await command("GET", "element/\(try await element(selector))/text")["value"]?.stringValue ?? ""
    }

    /// Whether the page shows `text` within `seconds`: a form's answer may still be loading when a click returns.
    func shows(_ text: String, within seconds: Double = 10) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await pageSource.contains(text) { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// The value of a script's `return`.
    func run(_ script: String) async throws -> JSON {
        try await command("POST", "execute/sync", ["script": .string(script), "args": .array([])])["value"] ?? .null
    }

    /// Lays pages out as a screen `width` CSS pixels wide would (below the smallest window Chromium opens).
    func emulateWidth(_ width: Int, height: Int = 900) async throws {
        _ = try await command(
            "POST", "goog/cdp/execute",
            [
                "cmd": "Emulation.setDeviceMetricsOverride",
                "params": .object([
                    "width": .int(width), "height": .int(height), "deviceScaleFactor": .int(1), "mobile": .bool(false),
                ]),
            ])
    }

    /// Whether the page is wider than the viewport (so it would scroll sideways).
    var scrollsSideways: Bool {
        get async throws {
            try await run("return document.documentElement.scrollWidth > window.innerWidth") == .bool(true)
        }
    }

    /// Saves a PNG of the viewport.
    func screenshot(to path: String) async throws {
        guard let base64 = try await command("GET", "screenshot")["value"]?.stringValue,
            let data = Data(base64Encoded: base64)
        else { throw CLIError(description: "no screenshot") }
        try data.write(to: URL(fileURLWithPath: path))
    }

    private func command(_ method: String, _ path: String, _ body: JSONObject? = nil) async throws -> JSON {
        let reply = try await request(method, "/session/\(session)/\(path)", body)
        if let error = reply["value"]?["error"]?.stringValue {
            throw CLIError(
                description: "WebDriver \(method) \(path): \(error) \(reply["value"]?["message"]?.stringValue ?? "")")
        }
        return reply
    }

    /// Over curl: chromedriver writes headers without a space after the colon, which Foundation's client refuses.
    private func request(_ method: String, _ path: String, _ body: JSONObject? = nil) async throws -> JSON {
        let curl = try ChildProcess(
            "/usr/bin/curl",
            ["-s", "--max-time", "60", "-X", method, base.appendingPathComponent(path).absoluteString]
                + (body == nil ? [] : ["-H", "Content-Type: application/json", "--data-binary", "@-"]),
            input: .pipe, output: .pipe)
        if let body { curl.input?.write(Data(JSON.object(body).serialized().utf8)) }
        try curl.input?.close()
        let (data, _, status) = await curl.finish()
        guard status == 0 else {
            throw CLIError(description: "WebDriver \(method) \(path): curl exited with \(status)")
        }
        return try JSON.parse(Array(data))
    }
}
