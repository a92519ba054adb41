import SyncGateCore

/// Everything one collection gathered: the objects, the Secrets' certificates and what the endpoints served.
/// The metric families are pure functions of this and the time (`MetricsModel`).
public struct ClusterObservation: Sendable {
    public struct ObjectKey: Sendable, Hashable {
        public var namespace: String
        public var name: String
        public init(_ namespace: String, _ name: String) { self.namespace = namespace; self.name = name }
    }

    public struct EndpointKey: Sendable, Hashable {
        public var certificate: ObjectKey
        public var host: String
        public init(_ certificate: ObjectKey, _ host: String) { self.certificate = certificate; self.host = host }
    }

    public var applications: [Value] = []
    public var certificates: [Value] = []
    public var certificateRequests: [Value] = []
    public var orders: [Value] = []
    public var challenges: [Value] = []
    public var httpRoutes: [Value] = []
    public var rolloutJournals: [Value] = []
    public var gateways: [Value] = []
    /// The leaf of each Certificate's Secret (key: the Secret), or why it could not be read.
    public var secretCertificates: [ObjectKey: Result<CertificateValidity, EvidenceError>] = [:]
    /// Secrets that are SyncGate placeholders (label syncgate.dev/placeholder=true).
    public var placeholderSecrets: Set<ObjectKey> = []
    /// The leaf served for each Certificate's hostnames, or why the probe failed.
    public var servedCertificates: [EndpointKey: Result<CertificateValidity, EvidenceError>] = [:]
    /// Resources whose read failed in this collection ("applications.argoproj.io", "endpoint", …).
    public var errors: [String: Int] = [:]

    public init() {}
}

public struct EvidenceError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Small accessors over Kubernetes objects.
extension Value {
    var namespaceName: String { self[path: "metadata", "namespace"]?.string ?? "" }
    var objectName: String { self[path: "metadata", "name"]?.string ?? "" }
    var objectKey: ClusterObservation.ObjectKey { .init(namespaceName, objectName) }
    func annotation(_ key: String) -> String? { self[path: "metadata", "annotations", key]?.scalarText }
    func label(_ key: String) -> String? { self[path: "metadata", "labels", key]?.scalarText }

    /// status.conditions[type == t].status == "True"
    func condition(_ type: String) -> Bool? {
        guard let c = self[path: "status", "conditions"]?.elements.first(where: { $0["type"]?.string == type }) else { return nil }
        return c["status"]?.string == "True"
    }
}
