import Foundation
import SyncGateCore

/// Gathers a `ClusterObservation` through a `ClusterReader` (and, when given, a `ServedCertificateProbe`) and
/// turns it into metric families.
public struct MetricsCollector: Sendable {
    static let endpointResource = "endpoint"
    static let placeholderLabel = "syncgate.dev/placeholder"

    public var reader: any ClusterReader
    public var probe: (any ServedCertificateProbe)?
    public var settings: MetricsSettings
    /// TLS port of the endpoints.
    public var port: Int
    /// At most this many probes at once.
    public var probeWidth: Int

    public init(reader: any ClusterReader, probe: (any ServedCertificateProbe)? = nil, settings: MetricsSettings = MetricsSettings(),
                port: Int = 443, probeWidth: Int = 8) {
        self.reader = reader
        self.probe = probe
        self.settings = settings
        self.port = port
        self.probeWidth = max(1, probeWidth)
    }

    /// One collection: the observation's families plus the collector's own, at `now` (Unix seconds).
    public func collect(now: @Sendable () -> Double = { Date().timeIntervalSince1970 }) async -> [MetricFamily] {
        let started = now()
        let observation = await observe()
        let finished = now()
        return MetricsModel.families(observation, now: finished, settings: settings)
            + MetricsModel.collectorFamilies(observation, finishedAt: finished, duration: max(0, finished - started))
    }

    public func observe() async -> ClusterObservation {
        var observation = ClusterObservation()
        let reader = self.reader
        let journalNamespace = settings.journalNamespace
        let lists = await withTaskGroup(of: (ResourceKind, Result<[Value], EvidenceError>).self) { group in
            for kind in ResourceKind.listed {
                group.addTask {
                    let scoped = kind == .rolloutJournal ? kind.scoped(to: journalNamespace) : kind
                    do { return (kind, .success(try await reader.list(scoped))) }
                    catch { return (kind, .failure(EvidenceError("\(error)"))) }
                }
            }
            var out: [ResourceKind: Result<[Value], EvidenceError>] = [:]
            for await (kind, result) in group { out[kind] = result }
            return out
        }
        func objects(_ kind: ResourceKind) -> [Value] {
            switch lists[kind] {
            case .success(let objects)?: return objects
            default:
                observation.errors[kind.description] = 1
                return []
            }
        }
        observation.applications = objects(.application)
        observation.certificates = objects(.certificate)
        observation.certificateRequests = objects(.certificateRequest)
        observation.orders = objects(.order)
        observation.challenges = objects(.challenge)
        observation.httpRoutes = objects(.httpRoute)
        observation.rolloutJournals = objects(.rolloutJournal)
        observation.gateways = objects(.gateway)

        await readSecrets(into: &observation)
        if let probe { await probeEndpoints(probe, into: &observation) }
        return observation
    }

    func readSecrets(into observation: inout ClusterObservation) async {
        let keys = Set(observation.certificates.compactMap { c -> ClusterObservation.ObjectKey? in
            guard let secret = c[path: "spec", "secretName"]?.string else { return nil }
            return .init(c.namespaceName, secret)
        })
        let reader = self.reader
        let results = await bounded(Array(keys)) { key -> (Result<CertificateValidity, EvidenceError>, Bool)? in
            do {
                guard let secret = try await reader.get(.secret, namespace: key.namespace, name: key.name) else { return nil }
                return (Self.leaf(ofSecret: secret), secret.label(Self.placeholderLabel) == "true")
            } catch {
                return (.failure(EvidenceError("reading Secret \(key.namespace)/\(key.name): \(error)")), false)
            }
        }
        for (key, found) in results {
            guard let (result, placeholder) = found else { continue }
            if placeholder { observation.placeholderSecrets.insert(key) }
            if case .failure(let e) = result, e.message.hasPrefix("reading Secret") { observation.errors[ResourceKind.secret.description, default: 0] += 1 }
            observation.secretCertificates[key] = result
        }
    }

    func probeEndpoints(_ probe: any ServedCertificateProbe, into observation: inout ClusterObservation) async {
        var endpoints: [ClusterObservation.EndpointKey] = []
        for certificate in observation.certificates {
            for host in CertificateFamilies.hostnames(of: certificate) { endpoints.append(.init(certificate.objectKey, host)) }
        }
        let port = self.port
        let results = await bounded(endpoints) { endpoint -> Result<CertificateValidity, EvidenceError>? in
            do {
                let served = try await probe.servedCertificate(host: endpoint.host, port: port)
                return .success(try CertificateValidity.parse(der: served.leafDER))
            } catch {
                return .failure(EvidenceError("\(endpoint.host):\(port): \(error)"))
            }
        }
        for (endpoint, result) in results {
            guard let result else { continue }
            if case .failure = result { observation.errors[Self.endpointResource, default: 0] += 1 }
            observation.servedCertificates[endpoint] = result
        }
    }

    /// The leaf of a Secret's tls.crt (`data` is base64, `stringData` plain PEM).
    static func leaf(ofSecret secret: Value) -> Result<CertificateValidity, EvidenceError> {
        let where_ = "Secret \(secret.namespaceName)/\(secret.objectName)"
        let pem: String
        if let b64 = secret[path: "data", "tls.crt"]?.string {
            guard let data = Data(base64Encoded: b64.filter { !$0.isWhitespace }) else { return .failure(EvidenceError("\(where_): tls.crt is not base64")) }
            pem = String(decoding: data, as: UTF8.self)
        } else if let text = secret[path: "stringData", "tls.crt"]?.string {
            pem = text
        } else {
            return .failure(EvidenceError("\(where_) has no tls.crt"))
        }
        do { return .success(try CertificateValidity.leaf(pem: pem)) }
        catch { return .failure(EvidenceError("\(where_): tls.crt: \(error)")) }
    }

    /// Runs `work` over `items` with at most `probeWidth` tasks at once.
    func bounded<Item: Sendable & Hashable, Output: Sendable>(_ items: [Item], _ work: @escaping @Sendable (Item) async -> Output) async -> [Item: Output] {
        await withTaskGroup(of: (Item, Output).self) { group in
            var out: [Item: Output] = [:]
            var iterator = items.makeIterator()
            for _ in 0..<probeWidth {
                guard let item = iterator.next() else { break }
                group.addTask { (item, await work(item)) }
            }
            while let (item, output) = await group.next() {
                out[item] = output
                if let next = iterator.next() { group.addTask { (next, await work(next)) } }
            }
            return out
        }
    }
}
