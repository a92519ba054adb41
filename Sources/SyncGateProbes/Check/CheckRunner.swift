import SyncGateX509

/// Runs checks concurrently with a bounded width; results come back in the order of the targets.
public struct CheckRunner: Sendable {
    public struct Configuration: Sendable {
        /// Where hosts must resolve, and where HTTP-01/TLS probes connect (the first address of the ingress;
        /// when empty, the host's own A/AAAA).
        public var ingress: IngressExpectation
        public var httpPort: Int
        public var tlsPort: Int
        public var concurrency: Int
        public init(ingress: IngressExpectation = IngressExpectation(), httpPort: Int = 80, tlsPort: Int = 443, concurrency: Int = 32) {
            self.ingress = ingress
            self.httpPort = httpPort
            self.tlsPort = tlsPort
            self.concurrency = max(1, concurrency)
        }
    }

    public let configuration: Configuration
    public let dns: DNSProbe
    public let registry: any RegistryChecking
    public let http: any HTTPProbing
    public let tls: TLSProbe
    public let acme: any ACMEDirectoryChecking

    public init(configuration: Configuration, resolver: any DNSResolving, registry: any RegistryChecking,
                http: any HTTPProbing, tls: TLSProbe, acme: any ACMEDirectoryChecking) {
        self.configuration = configuration
        self.dns = DNSProbe(resolver: resolver)
        self.registry = registry
        self.http = http
        self.tls = tls
        self.acme = acme
    }

    public func run(_ targets: [CheckTarget]) async -> [CheckOutcome] {
        var results = [ProbeResult?](repeating: nil, count: targets.count)
        await withTaskGroup(of: (Int, ProbeResult).self) { group in
            var next = 0
            func addNext() {
                guard next < targets.count else { return }
                let index = next
                let target = targets[index]
                group.addTask { (index, await self.check(target)) }
                next += 1
            }
            for _ in 0..<min(configuration.concurrency, targets.count) { addNext() }
            while let (index, result) = await group.next() {
                results[index] = result
                addNext()
            }
        }
        return zip(targets, results).map { CheckOutcome(target: $0, result: $1 ?? ProbeResult(.unknown, "not run")) }
    }

    public func check(_ target: CheckTarget) async -> ProbeResult {
        switch target.subject {
        case .hostAddresses(let host):
            return await dns.checkHost(host, expected: configuration.ingress)
        case let .caa(host, ca):
            return await dns.checkCAA(host, caIdentifier: ca)
        case .image(let reference):
            return await registry.checkImage(reference)
        case .http01(let host):
            let clock = Stopwatch()
            guard let address = await connectAddress(for: host) else {
                return ProbeResult(.unknown, CheckRunner.noAddress(host), durationMilliseconds: clock.milliseconds)
            }
            return await http.probeChallengePath(host: host, ingressAddress: address, port: configuration.httpPort)
        case let .servedTLS(host, secret):
            let clock = Stopwatch()
            guard let address = await connectAddress(for: host) else {
                return ProbeResult(.unknown, CheckRunner.noAddress(host), durationMilliseconds: clock.milliseconds)
            }
            return await tls.check(host: host, address: address, port: configuration.tlsPort, secret: secret)
        case .acmeDirectory(let url):
            return await acme.checkDirectory(url: url)
        }
    }

    static func noAddress(_ host: String) -> String {
        "no address to connect to: no ingress configured (--ingress-address, or ingress.addresses in syncgate.yaml) and \(host) has no A/AAAA"
    }

    /// The first ingress address (literal, or of the first ingress hostname), else the host's own address.
    func connectAddress(for host: String) async -> String? {
        if let first = configuration.ingress.addresses.first { return first }
        let resolver = AddressResolver(resolver: dns.resolver)
        if let lb = configuration.ingress.hostnames.first, let address = await resolver.resolve(lb).addresses.first { return address }
        if IPAddressText.parse(host) != nil { return host }
        return await resolver.resolve(host).addresses.first
    }
}
