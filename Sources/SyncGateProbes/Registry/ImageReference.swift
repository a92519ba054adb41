/// A container image reference, normalised the way Docker does: `nginx` is
/// `registry-1.docker.io/library/nginx:latest`; a digest pins the reference (the tag is then informational).
public struct ImageReference: Sendable, Hashable, CustomStringConvertible {
    /// The registry host (with port), `registry-1.docker.io` for Docker Hub.
    public let registry: String
    /// The repository path, `library/nginx`.
    public let repository: String
    public let tag: String?
    public let digest: String?

    public static let dockerHub = "registry-1.docker.io"

    /// What to ask for in `/v2/<repository>/manifests/<reference>`: the digest when pinned, else the tag.
    public var manifestReference: String { digest ?? tag ?? "latest" }

    public var description: String {
        "\(registry)/\(repository)\(tag.map { ":\($0)" } ?? "")\(digest.map { "@\($0)" } ?? "")"
    }

    public init(registry: String, repository: String, tag: String?, digest: String?) {
        self.registry = registry
        self.repository = repository
        self.tag = tag
        self.digest = digest
    }

    /// Parses `[registry/]path[:tag][@digest]`; nil when malformed.
    public init?(_ text: String) {
        var rest = text.trimmingCharacters(in: .whitespaces)
        guard !rest.isEmpty, !rest.contains(" ") else { return nil }
        var digest: String?
        if let at = rest.firstIndex(of: "@") {
            digest = String(rest[rest.index(after: at)...])
            rest = String(rest[..<at])
            guard let d = digest, d.contains(":"), d.split(separator: ":").count == 2 else { return nil }
        }
        var registry = ImageReference.dockerHub
        let components = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var pathComponents = components
        if components.count > 1, let first = components.first,
           first.contains(".") || first.contains(":") || first == "localhost" || first.lowercased() != first {
            registry = first
            pathComponents = Array(components.dropFirst())
        }
        if registry == "docker.io" || registry == "index.docker.io" { registry = ImageReference.dockerHub }
        var path = pathComponents.joined(separator: "/")
        var tag: String?
        if let colon = path.lastIndex(of: ":"), !path[colon...].contains("/") {
            tag = String(path[path.index(after: colon)...])
            path = String(path[..<colon])
            guard let t = tag, !t.isEmpty else { return nil }
        }
        guard !path.isEmpty, !path.hasPrefix("/"), !path.hasSuffix("/"), path == path.lowercased() else { return nil }
        if registry == ImageReference.dockerHub && !path.contains("/") { path = "library/" + path }
        if tag == nil && digest == nil { tag = "latest" }
        self.init(registry: registry, repository: path, tag: tag, digest: digest)
    }

    /// Loopback registries are spoken to over plain HTTP (as Docker does for insecure local registries).
    public var isLoopback: Bool {
        let host = registry.split(separator: ":").first.map(String.init) ?? registry
        return host == "localhost" || host == "127.0.0.1" || registry.hasPrefix("[::1]")
    }
}

import Foundation
