/// Something in the repo that makes a Secret exist: a `Secret`, a `SealedSecret` or an `ExternalSecret`.
public struct SecretSource: Sendable {
    public var manifest: Manifest
    public init(manifest: Manifest) { self.manifest = manifest }

    public static func isSecretSourceKind(_ kind: String) -> Bool {
        kind == "Secret" || kind == "SealedSecret" || kind == "ExternalSecret"
    }

    /// The name of the Secret it makes.
    public var secretName: String {
        switch manifest.kind {
        case "SealedSecret":
            return manifest.value[path: "spec", "template", "metadata", "name"]?.scalarText ?? manifest.name
        case "ExternalSecret":
            return manifest.value[path: "spec", "target", "name"]?.scalarText ?? manifest.name
        default:
            return manifest.name
        }
    }
    public var namespace: String { manifest.namespace }
    public var key: ObjectKey { ObjectKey(namespace, secretName) }
    public var type: String? { manifest.value["type"]?.scalarText }
    public var isTLS: Bool { type == "kubernetes.io/tls" }
    public var isPlaceholder: Bool { manifest.label("syncgate.dev/placeholder") == "true" }
}
