import Foundation
import Testing
@testable import SyncGateX509

@Suite struct CertificateTests {
    let now = WallClock.nowEpochSeconds()

    @Test func issuedLeafCarriesTheRequestedFields() throws {
        let ca = try CertificateAuthority.generate(commonName: "Fields CA")
        let key = try PrivateKey.generateP256()
        let leaf = try ca.issue(dnsNames: ["pay.example.com", "*.pay.example.com"], ipAddresses: ["127.0.0.1", "::1"],
                                notBefore: now - 10, notAfter: now + 90 * 86_400, key: key)
        #expect(leaf.commonName == "pay.example.com")
        #expect(leaf.subject == "CN=pay.example.com")
        #expect(leaf.issuer == "CN=Fields CA,O=SyncGate")
        #expect(leaf.issuer == ca.certificate.subject)
        #expect(leaf.dnsNames == ["pay.example.com", "*.pay.example.com"])
        #expect(leaf.ipAddresses == ["127.0.0.1", "::1"])
        #expect(leaf.notBefore == now - 10)
        #expect(leaf.notAfter == now + 90 * 86_400)
        #expect(leaf.daysLeft(at: now) == 90)
        #expect(leaf.isValid(at: now))
        #expect(!leaf.isCA)
        #expect(ca.certificate.isCA)
        #expect(ca.certificate.isSelfIssued)
        #expect(!leaf.isSelfIssued)
        #expect(leaf.isSigned(by: ca.certificate))
        #expect(!ca.certificate.isSigned(by: leaf))
        #expect(leaf.serialNumber.count >= 30)
        #expect(leaf.serialNumber.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(leaf.sha256Fingerprint.count == 64)
    }

    @Test func pemRoundTripAndBundleOrder() throws {
        let ca = try CertificateAuthority.generate(commonName: "Bundle CA")
        let intermediate = try ca.issueIntermediate(commonName: "Bundle Intermediate")
        let leaf = try intermediate.issue(dnsNames: ["b.test"], notBefore: now, notAfter: now + 3600, key: PrivateKey.generateP256())
        let bundle = leaf.pem + intermediate.certificatePEM + "\n# comment between blocks\n" + ca.certificatePEM
        let parsed = try Certificate.parseBundle(pem: bundle)
        #expect(parsed == [leaf, intermediate.certificate, ca.certificate])
        #expect(try Certificate(pem: bundle) == leaf)
        #expect(try Certificate(der: leaf.der) == leaf)
        #expect(try Certificate.parseBundle(pem: "") == [])
        #expect(throws: X509Error.self) { try Certificate(pem: "hello") }
        #expect(throws: X509Error.self) {
            try Certificate(pem: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
        }
    }

    @Test func fingerprintAndSerialAgreeWithTheOpensslCommand() throws {
        let ca = try CertificateAuthority.generate(commonName: "Openssl CLI CA")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("x509-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("ca.pem")
        try ca.certificatePEM.write(to: file, atomically: true, encoding: .utf8)
        let output = try run("/usr/bin/openssl", ["x509", "-in", file.path, "-noout", "-fingerprint", "-sha256", "-serial", "-enddate"])
        let fingerprint = output.split(separator: "\n").first { $0.hasPrefix("sha256 Fingerprint=") || $0.hasPrefix("SHA256 Fingerprint=") }
        let expected = fingerprint.map { String($0.split(separator: "=")[1]).replacingOccurrences(of: ":", with: "").lowercased() }
        #expect(expected == ca.certificate.sha256Fingerprint)
        #expect(output.contains("serial=\(ca.certificate.serialNumber.uppercased())"))
    }

    @Test func placeholderIsSelfSignedForTheHost() throws {
        let placeholder = try SelfSigned.placeholder(host: "pay.example.com", validity: 7 * 86_400, now: now)
        let certificate = try Certificate(pem: placeholder.certificatePEM)
        let key = try PrivateKey(pem: placeholder.keyPEM)
        #expect(certificate.commonName == "pay.example.com")
        #expect(certificate.dnsNames == ["pay.example.com"])
        #expect(certificate.isSelfIssued)
        #expect(certificate.isSigned(by: certificate))
        #expect(certificate.matches(key: key))
        #expect(certificate.daysLeft(at: now) == 7)
        #expect(certificate.notBefore == now - 60)
        #expect(certificate.covers(host: "PAY.example.com."))
        let ip = try Certificate(pem: SelfSigned.placeholder(host: "127.0.0.1").certificatePEM)
        #expect(ip.ipAddresses == ["127.0.0.1"])
        #expect(ip.dnsNames.isEmpty)
    }

    private func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
