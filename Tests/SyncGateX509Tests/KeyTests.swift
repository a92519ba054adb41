import Testing
@testable import SyncGateX509

@Suite struct KeyTests {
    @Test func p256KeyRoundTripsThroughPEM() throws {
        let key = try PrivateKey.generateP256()
        #expect(key.pem.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(key.algorithmDescription == "ECDSA P-256")
        let again = try PrivateKey(pem: key.pem)
        #expect(again.pem == key.pem)
        #expect(again.publicKeyPEM == key.publicKeyPEM)
    }

    @Test func rsaKeyIs2048Bits() throws {
        let key = try PrivateKey.generate(.rsa2048)
        #expect(key.algorithmDescription == "RSA-2048")
    }

    @Test func garbageIsNotAKey() {
        #expect(throws: X509Error.self) { try PrivateKey(pem: "not a key") }
    }

    @Test func certificateMatchesOnlyItsOwnKey() throws {
        let ca = try CertificateAuthority.generate(commonName: "Key Test CA")
        let key = try PrivateKey.generateP256()
        let other = try PrivateKey.generateP256()
        let now = WallClock.nowEpochSeconds()
        let leaf = try ca.issue(dnsNames: ["a.test"], notBefore: now, notAfter: now + 3600, key: key)
        #expect(leaf.matches(key: key))
        #expect(!leaf.matches(key: other))
        #expect(!leaf.matches(key: ca.key))
        #expect(throws: X509Error.self) { try CertificateAuthority(certificate: ca.certificate, key: other) }
    }
}
