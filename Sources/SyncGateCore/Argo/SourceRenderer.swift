/// The outcome of rendering a source directory.
public enum RenderResult: Sendable, Equatable {
    /// The rendered manifests (a YAML stream).
    case rendered([UInt8])
    /// The tool is not installed.
    case unavailable(String)
    /// The tool ran and failed, or timed out.
    case failed(String)
}

/// Renders kustomizations and Helm charts, and reads the repository's git remote. The real one runs `kubectl`,
/// `helm` and `git` as subprocesses with a timeout; tests inject their own.
public protocol SourceRenderer: Sendable {
    /// `kubectl kustomize DIR`.
    func kustomize(directory: String) -> RenderResult
    /// `helm template RELEASE DIR --namespace NS -f VALUES…`.
    func helmTemplate(chartDirectory: String, releaseName: String, namespace: String, valueFiles: [String],
                      inlineValues: String?) -> RenderResult
    /// `git remote get-url origin`, only when `repoRoot` is the top of a git work tree.
    func gitOriginURL(repoRoot: String) -> String?
}

/// Renders nothing: every kustomization and chart is reported as not rendered. For tests and `--no-render`.
public struct NoSourceRenderer: SourceRenderer {
    public init() {}
    public func kustomize(directory: String) -> RenderResult { .unavailable("rendering disabled") }
    public func helmTemplate(chartDirectory: String, releaseName: String, namespace: String, valueFiles: [String],
                             inlineValues: String?) -> RenderResult { .unavailable("rendering disabled") }
    public func gitOriginURL(repoRoot: String) -> String? { nil }
}
