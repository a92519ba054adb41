/// The order in which Argo CD applies kinds within one phase and wave (Helm's kind order, as gitops-engine's
/// `pkg/sync/sync_tasks.go` uses it). Kinds not in the list (custom resources such as Gateway, HTTPRoute and
/// Certificate) come after all of them.
public enum KindOrder {
    static let kinds: [String] = [
        "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy", "PodDisruptionBudget",
        "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass", "PersistentVolume",
        "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole", "ClusterRoleList", "ClusterRoleBinding",
        "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList", "Service", "DaemonSet", "Pod",
        "ReplicationController", "ReplicaSet", "Deployment", "HorizontalPodAutoscaler", "StatefulSet", "Job",
        "CronJob", "Ingress", "APIService",
    ]

    /// Negative for known kinds (earlier is smaller), 0 for everything else.
    public static func rank(_ kind: String) -> Int {
        guard let i = kinds.firstIndex(of: kind) else { return 0 }
        return i - kinds.count
    }
}
