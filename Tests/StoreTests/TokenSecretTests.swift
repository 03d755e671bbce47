import Directory
import Foundation
import Testing

@Suite struct TokenSecretTests {
    @Test func secretsCarryARecognisablePrefixAnd256RandomBits() {
        let (secret, record) = TokenSecret.generate(
            description: "Okta", status: .active, id: "t", organization: .default, now: Date())
        #expect(secret.hasPrefix("roster_"))
        // 32 bytes in unpadded base64url are 43 characters.
        #expect(secret.count == "roster_".count + 43)
        #expect(record.prefix == String(secret.prefix(13)))
        #expect(record.hash == TokenSecret.hash(secret))
        #expect(record.hash.count == 64)
        #expect(!record.hash.contains(secret))
        let other = TokenSecret.generate(
            description: "Okta", status: .active, id: "u", organization: .default, now: Date()
        ).secret
        #expect(other != secret)
    }

    @Test func hashIsSHA256InHex() {
        #expect(TokenSecret.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
