import Testing
import SyncGateX509

@Suite struct ChainVerificationTests {
    let now = WallClock.nowEpochSeconds()

    @Test func validChainThroughAnIntermediate() throws {
        let root = try CertificateAuthority.generate(commonName: "Root")
        let intermediate = try root.issueIntermediate(commonName: "Intermediate")
        let leaf = try intermediate.issue(dnsNames: ["ok.test"], notBefore: now - 60, notAfter: now + 86_400, key: PrivateKey.generateP256())
        let store = try TrustStore(pem: root.certificatePEM, origin: "root.pem")
        #expect(store.origin == "root.pem (1 certificate)")
        let result = store.verify(leaf: leaf, intermediates: [intermediate.certificate], at: now)
        #expect(result.isValid, "\(result)")
        #expect(result.errorCode == 0)
        #expect(result.chain.map(\.subject) == [leaf.subject, intermediate.certificate.subject, root.certificate.subject])
    }

    @Test func missingIntermediateIsUnableToGetLocalIssuer() throws {
        let root = try CertificateAuthority.generate(commonName: "Root")
        let intermediate = try root.issueIntermediate(commonName: "Intermediate")
        let leaf = try intermediate.issue(dnsNames: ["mi.test"], notBefore: now - 60, notAfter: now + 86_400, key: PrivateKey.generateP256())
        let result = try TrustStore(roots: [root.certificate]).verify(leaf: leaf, at: now)
        #expect(!result.isValid)
        #expect(result.errorCode == ChainVerification.Code.unableToGetLocalIssuer)
        #expect(result.errorText == "unable to get local issuer certificate")
    }

    @Test func expiredAndNotYetValidDependOnTheTimeAsked() throws {
        let root = try CertificateAuthority.generate(commonName: "Root", now: now - 100 * 86_400)
        let leaf = try root.issue(dnsNames: ["old.test"], notBefore: now - 10 * 86_400, notAfter: now - 86_400, key: PrivateKey.generateP256())
        let store = try TrustStore(roots: [root.certificate])
        let expired = store.verify(leaf: leaf, at: now)
        #expect(expired.errorCode == ChainVerification.Code.certificateExpired)
        #expect(expired.errorText == "certificate has expired")
        #expect(store.verify(leaf: leaf, at: now - 2 * 86_400).isValid)
        #expect(store.verify(leaf: leaf, at: now - 20 * 86_400).errorCode == ChainVerification.Code.certificateNotYetValid)
    }

    @Test func selfSignedLeafIsReportedAsSuch() throws {
        let placeholder = try SelfSigned.placeholder(host: "self.test")
        let leaf = try Certificate(pem: placeholder.certificatePEM)
        let other = try CertificateAuthority.generate(commonName: "Unrelated")
        let result = try TrustStore(roots: [other.certificate]).verify(leaf: leaf)
        #expect(result.errorCode == ChainVerification.Code.selfSignedLeaf)
        #expect(try TrustStore(roots: [leaf]).verify(leaf: leaf).isValid)
    }

    @Test func systemStoreDoesNotTrustATestCA() throws {
        let root = try CertificateAuthority.generate(commonName: "Not In System Store")
        let leaf = try root.issue(dnsNames: ["x.test"], notBefore: now - 60, notAfter: now + 3600, key: PrivateKey.generateP256())
        let store = try TrustStore.system()
        #expect(store.origin == "system trust store")
        let result = store.verify(leaf: leaf, intermediates: [root.certificate], at: now)
        #expect(!result.isValid)
        #expect(result.errorCode == ChainVerification.Code.selfSignedInChain)
    }

    @Test func emptyBundleIsAnError() {
        #expect(throws: X509Error.self) { try TrustStore(pem: "", origin: "empty.pem") }
    }
}
