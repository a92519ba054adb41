import Foundation
import SyncGateCore
import SyncGateKube

/// `RolloutCluster` over `SyncGateKube.KubeClient` (kubeconfig, in-cluster, retries, typed errors).
public struct KubeClusterAdapter: RolloutCluster {
    public let client: KubeClient
    public init(client: KubeClient) { self.client = client }

    public func get(_ r: KubeResource, namespace: String?, name: String) async throws -> Value? {
        try await client.getIfPresent(r, namespace: namespace, name: name)
    }
    public func list(_ r: KubeResource, namespace: String?, labelSelector: String?) async throws -> [Value] {
        do { return try await client.list(r, namespace: namespace, labelSelector: labelSelector).items }
        catch let e as KubeError where e.isNotFound { return [] }  // the CRD is not installed: nothing of that kind
    }
    public func create(_ r: KubeResource, namespace: String?, _ o: Value) async throws -> Value {
        try await client.create(r, namespace: namespace, o)
    }
    public func update(_ r: KubeResource, namespace: String?, _ o: Value) async throws -> Value {
        try await client.update(r, namespace: namespace, o)
    }
    public func mergePatch(_ r: KubeResource, namespace: String?, name: String, _ p: Value) async throws -> Value {
        try await client.mergePatch(r, namespace: namespace, name: name, p)
    }
    public func delete(_ r: KubeResource, namespace: String?, name: String) async throws {
        try await client.delete(r, namespace: namespace, name: name)
    }
}

/// `AutoSyncSwitch` over `SyncGateKube.AutoSyncControl`: reads the Application CRD (v3.1+ `enabled: false`, else
/// removes `automated`), guards every patch, refuses Applications an ApplicationSet would revert (the error says
/// what to do).
public struct KubeAutoSyncSwitch: AutoSyncSwitch {
    public let control: AutoSyncControl
    public init(control: AutoSyncControl) { self.control = control }

    public func pause(_ app: ApplicationIdentity, reason: String) async throws -> String {
        let outcome = try await control.pause(app.name, namespace: app.namespace, reason: reason)
        return ([outcome.message] + outcome.warnings).joined(separator: "; ")
    }

    public func resume(_ app: ApplicationIdentity) async throws -> String {
        try await control.resume(app.name, namespace: app.namespace).message
    }
}
