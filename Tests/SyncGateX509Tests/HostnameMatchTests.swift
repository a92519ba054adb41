import Testing
import SyncGateX509

@Suite struct HostnameMatchTests {
    @Test(arguments: [
        ("*.example.com", "a.example.com", true),
        ("*.example.com", "A.Example.COM.", true),
        ("*.example.com", "example.com", false),
        ("*.example.com", "a.b.example.com", false),
        ("*.com", "example.com", false),
        ("f*.example.com", "foo.example.com", false),
        ("a.*.example.com", "a.b.example.com", false),
        ("example.com", "example.com", true),
        ("example.com.", "EXAMPLE.com", true),
        ("example.com", "www.example.com", false),
        ("", "example.com", false),
    ])
    func wildcardRules(pattern: String, host: String, expected: Bool) {
        #expect(HostnameMatch.matches(pattern: pattern, host: host) == expected)
    }

    @Test func ipLiteralsMatchOnlyIPAddresses() {
        #expect(HostnameMatch.covers(host: "127.0.0.1", dnsNames: [], ipAddresses: ["127.0.0.1"]))
        #expect(!HostnameMatch.covers(host: "127.0.0.1", dnsNames: ["127.0.0.1"], ipAddresses: []))
        #expect(HostnameMatch.covers(host: "::1", dnsNames: [], ipAddresses: ["0:0:0:0:0:0:0:1"]))
        #expect(!HostnameMatch.covers(host: "10.0.0.1", dnsNames: ["*.0.0.1"], ipAddresses: []))
    }
}
