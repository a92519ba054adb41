/// The kinds SyncGate reads in full.
public enum ResourceKinds {
    public static func isRelevant(_ kind: String) -> Bool {
        switch kind {
        case "Application", "ApplicationSet", "Certificate", "Issuer", "ClusterIssuer", "Gateway", "HTTPRoute",
             "GRPCRoute", "Ingress", "Service", "Deployment", "StatefulSet", "DaemonSet", "Secret", "SealedSecret",
             "ExternalSecret", "ReferenceGrant", "Namespace":
            return true
        default:
            return false
        }
    }
}
