import Directory
import Foundation
import Testing

/// Where a webhook may point, how it is signed, and when it is retried.
@Suite struct WebhookRulesTests {
    /// Standard Webhooks' own example (its specification and every library's tests): the same secret, id,
    /// timestamp and body give this signature in every implementation.
    @Test func signaturesMatchTheStandardsExample() {
        let header = WebhookSignature.header(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Array(#"{"test": 2432232314}"#.utf8),
            secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"])
        #expect(header == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        // While a secret rotates, one signature per secret, space-separated.
        let two = WebhookSignature.header(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Array(#"{"test": 2432232314}"#.utf8),
            secrets: [WebhookSignature.newSecret(), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"])
        #expect(two.split(separator: " ").count == 2)
        #expect(two.hasSuffix(" v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="))
    }

    @Test func privateAddressesInEverySpellingAreRefused() {
        for url in [
            "https://localhost/", "https://localhost./", "https://127.0.0.1/", "https://127.0.0.1./", "https://127.1/",
            "https://2130706433/", "https://0x7f.1/", "https://0x7f000001/", "https://017700000001/", "https://0/",
            "https://10.1.2.3/", "https://172.16.0.1/", "https://192.168.1.1/", "https://169.254.169.254/",
            "https://100.64.0.1/", "https://198.18.0.1/", "https://192.0.0.1/", "https://224.0.0.1/",
            "https://[::1]/", "https://[::]/", "https://[0:0:0:0:0:0:0:1]/", "https://[::ffff:127.0.0.1]/",
            "https://[0:0:0:0:0:ffff:7f00:1]/", "https://[::ffff:a9fe:a9fe]/", "https://[fd00::1]/",
            "https://[fe80::1]/", "https://[fec0::1]/", "https://[64:ff9b::7f00:1]/", "https://[2002:7f00:1::]/",
            "https://[::127.0.0.1]/", "https://metadata.internal/", "https://printer.local/",
        ] {
            #expect(throws: (any Error).self, "\(url)") {
                try WebhookAddress.check(url, allowInsecure: false)
            }
        }
        for url in [
            "https://hooks.example.com/roster", "https://93.184.216.34/x", "https://[2606:4700::1111]/",
            "https://[64:ff9b::5db8:d822]/", "https://[2002:5db8:d822::]/",
        ] {
            #expect(throws: Never.self, "\(url)") { try WebhookAddress.check(url, allowInsecure: false) }
        }
        // An application beside Roster, by the operator's choice.
        #expect(throws: Never.self) { try WebhookAddress.check("http://127.0.0.1:9000/hooks", allowInsecure: true) }
        for url in [
            "http://hooks.example.com/", "ftp://hooks.example.com/", "https://user@hooks.example.com/",
            "https://hooks.example.com/a\rb", "hooks.example.com", "https:///nohost",
        ] {
            #expect(throws: (any Error).self, "\(url)") { try WebhookAddress.check(url, allowInsecure: false) }
        }
    }

    @Test func retriesStartWithinSecondsAndBackOffToAnHour() {
        #expect(RetrySchedule.delay(afterFailures: 1, random: 1) == 5)
        #expect(RetrySchedule.delay(afterFailures: 2, random: 1) == 10)
        #expect(RetrySchedule.delay(afterFailures: 5, random: 1) == 80)
        #expect(RetrySchedule.delay(afterFailures: 40, random: 1) == 3600)
        #expect(RetrySchedule.delay(afterFailures: 3, random: 0.5) == 10)
        // Three days of hourly retries at the end: dozens of attempts before a dead letter.
        var waited = 0.0
        var attempts = 0
        while waited < RetrySchedule.window {
            attempts += 1
            waited += RetrySchedule.delay(afterFailures: attempts, random: 1)
        }
        #expect(attempts > 70)
    }
}
