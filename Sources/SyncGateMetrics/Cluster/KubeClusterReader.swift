import SyncGateCore
import SyncGateKube

/// The collector's reads through SyncGateKube's client (kubeconfig or in-cluster).
public struct KubeClusterReader: ClusterReader {
    public var client: KubeClient

    public init(client: KubeClient) { self.client = client }

    /// Older Gateway API installs serve HTTPRoute only as v1beta1: fall back to it on 404.
    static let fallbackVersions: [String: [String]] = ["httproutes.gateway.networking.k8s.io": ["v1beta1"]]

    public func list(_ kind: ResourceKind) async throws -> [Value] {
        for version in [kind.version] + (Self.fallbackVersions[kind.description] ?? []) {
            do {
                return try await client.list(kind.resource.withVersion(version), namespace: kind.namespace, labelSelector: kind.labelSelector).items
            } catch KubeError.notFound {
                continue  // the CRD (or this version of it) is not installed: nothing to list
            }
        }
        return []
    }

    public func get(_ kind: ResourceKind, namespace: String, name: String) async throws -> Value? {
        try await client.getIfPresent(kind.resource, namespace: namespace, name: name)
    }
}
