/// An Application as SyncGate planned it: where its manifests came from and whether they could be rendered.
public struct DiscoveredApplication: Sendable {
    public enum Rendering: String, Sendable {
        /// Plain manifests in a directory.
        case directory
        /// Rendered with `kubectl kustomize`.
        case kustomize
        /// Rendered with `helm template`.
        case helm
        /// A local source that could not be rendered (tool missing, failure, remote resources).
        case notRendered = "not-rendered"
        /// The source path does not exist.
        case missingPath = "missing-path"
        /// No source in this repository.
        case external
    }

    public var application: Application
    /// Local source paths, relative to the repository root.
    public var paths: [String]
    public var rendering: Rendering
    /// The Application (`namespace/name`) whose manifests include this one (app-of-apps), if any.
    public var parent: String?
    /// How many objects this Application deploys from this repository.
    public var objectCount: Int

    public var id: String { application.id }
    public var name: String { application.name }
    public var namespace: String { application.namespace }
    public var path: String? { paths.first }
    public var rendered: Bool { rendering == .directory || rendering == .kustomize || rendering == .helm }
    public var location: SourceLocation { application.manifest.location }
    public var destinationNamespace: String? { application.destinationNamespace }
}

/// Discovery's result: the Applications and every object instance to plan (owned or not).
public struct DiscoveryResult: Sendable {
    public var applications: [DiscoveredApplication]
    /// Objects with their owning Application (or none), in a stable order.
    public var manifests: [Manifest]
    public var findings: [Finding]
    /// The normalised repository URL Applications were matched against (nil when unknown).
    public var repoURL: String?
}
