import Foundation
import SyncGateCore

/// A kubeconfig (one file or several merged), as kubectl reads it. Relative file paths are already resolved
/// against the directory of the file that named them.
public struct KubeConfig: Sendable, Equatable {
    public struct Cluster: Sendable, Equatable {
        public var server: String
        public var certificateAuthority: String?
        public var certificateAuthorityData: [UInt8]?
        public var tlsServerName: String?
        public var insecureSkipTLSVerify: Bool
        /// `proxy-url` (http, https or socks5).
        public var proxyURL: String? = nil
        /// `extensions[name=client.authentication.k8s.io/exec].extension`, passed to exec plugins with provideClusterInfo.
        public var execExtension: Value?
        /// Where this entry was read (`file:line`), for messages.
        public var origin: String
    }

    public struct ExecConfig: Sendable, Equatable {
        public var apiVersion: String
        public var command: String
        public var args: [String]
        public var env: [(name: String, value: String)]
        public var installHint: String?
        public var provideClusterInfo: Bool
        /// `Never`, `IfAvailable` or `Always`. SyncGate never has a terminal for a plugin: `Always` is refused.
        public var interactiveMode: String

        public static func == (a: ExecConfig, b: ExecConfig) -> Bool {
            a.apiVersion == b.apiVersion && a.command == b.command && a.args == b.args
                && a.env.map(\.name) == b.env.map(\.name) && a.env.map(\.value) == b.env.map(\.value)
                && a.installHint == b.installHint && a.provideClusterInfo == b.provideClusterInfo
                && a.interactiveMode == b.interactiveMode
        }
    }

    public struct User: Sendable, Equatable {
        public var token: String?
        public var tokenFile: String?
        public var clientCertificate: String?
        public var clientCertificateData: [UInt8]?
        public var clientKey: String?
        public var clientKeyData: [UInt8]?
        public var exec: ExecConfig?
        public var hasAuthProvider: Bool
        public var origin: String
    }

    public struct Context: Sendable, Equatable {
        public var cluster: String
        public var user: String
        public var namespace: String?
        public var origin: String
    }

    public var clusters: [String: Cluster] = [:]
    public var users: [String: User] = [:]
    public var contexts: [String: Context] = [:]
    public var currentContext: String?
    /// The files read, in precedence order.
    public var files: [String] = []

    public init() {}

    /// Merges `other` under `self` the way kubectl merges a KUBECONFIG list: the first file to define a
    /// cluster, user or context name wins, and the first file to set `current-context` wins.
    public mutating func merge(lowerPrecedence other: KubeConfig) {
        for (k, v) in other.clusters where clusters[k] == nil { clusters[k] = v }
        for (k, v) in other.users where users[k] == nil { users[k] = v }
        for (k, v) in other.contexts where contexts[k] == nil { contexts[k] = v }
        if currentContext == nil || currentContext == "" { currentContext = other.currentContext }
        files += other.files
    }

    /// Parses one kubeconfig file's text. `directory` resolves relative paths (kubectl resolves them against
    /// the file's own directory).
    public static func parse(_ text: String, file: String, directory: String) throws -> KubeConfig {
        let root: Value
        do {
            root = try YAMLDecoder.decodeOne(Array(text.utf8), file: file)
        } catch {
            throw KubeError.configuration("\(file): not valid YAML: \(error). Fix the file or point --kubeconfig elsewhere.")
        }
        var config = KubeConfig()
        config.files = [file]
        if root.isNull { return config }
        guard root.object != nil else {
            throw KubeError.configuration("\(file): a kubeconfig must be a mapping with clusters, users and contexts.")
        }
        func resolve(_ p: String?) -> String? {
            guard let p, !p.isEmpty else { return nil }
            if p.hasPrefix("/") { return p }
            if p.hasPrefix("~/") { return NSString(string: p).expandingTildeInPath }
            return (directory as NSString).appendingPathComponent(p)
        }
        func data(_ v: Value?, field: String, origin: String) throws -> [UInt8]? {
            guard let s = v?.string, !s.isEmpty else { return nil }
            guard let d = Data(base64Encoded: s.filter { !$0.isWhitespace }) else {
                throw KubeError.configuration("\(origin): \(field) is not valid base64. Re-encode it (base64 -w0 FILE).")
            }
            return [UInt8](d)
        }
        func origin(_ v: Value) -> String { "\(file):\(v.line)" }

        for entry in root["clusters"]?.elements ?? [] {
            guard let name = entry["name"]?.scalarText, config.clusters[name] == nil else { continue }
            let c = entry["cluster"] ?? .null
            let o = origin(entry)
            var execExtension: Value? = nil
            for ext in c["extensions"]?.elements ?? [] where ext["name"]?.string == "client.authentication.k8s.io/exec" {
                execExtension = ext["extension"]
            }
            config.clusters[name] = Cluster(
                server: c["server"]?.scalarText ?? "",
                certificateAuthority: resolve(c["certificate-authority"]?.scalarText),
                certificateAuthorityData: try data(c["certificate-authority-data"], field: "certificate-authority-data", origin: o),
                tlsServerName: c["tls-server-name"]?.scalarText,
                insecureSkipTLSVerify: c["insecure-skip-tls-verify"]?.bool ?? false,
                proxyURL: c["proxy-url"]?.scalarText,
                execExtension: execExtension,
                origin: o)
        }
        for entry in root["users"]?.elements ?? [] {
            guard let name = entry["name"]?.scalarText, config.users[name] == nil else { continue }
            let u = entry["user"] ?? .null
            let o = origin(entry)
            var exec: ExecConfig? = nil
            if let e = u["exec"], e.object != nil {
                var command = e["command"]?.scalarText ?? ""
                // client-go resolves a command with a path separator relative to the kubeconfig.
                if command.contains("/") { command = resolve(command) ?? command }
                exec = ExecConfig(
                    apiVersion: e["apiVersion"]?.scalarText ?? "",
                    command: command,
                    args: e["args"]?.elements.compactMap(\.scalarText) ?? [],
                    env: e["env"]?.elements.compactMap { item in
                        guard let n = item["name"]?.scalarText else { return nil }
                        return (n, item["value"]?.scalarText ?? "")
                    } ?? [],
                    installHint: e["installHint"]?.scalarText,
                    provideClusterInfo: e["provideClusterInfo"]?.bool ?? false,
                    interactiveMode: e["interactiveMode"]?.scalarText ?? "IfAvailable")
            }
            config.users[name] = User(
                token: u["token"]?.scalarText,
                tokenFile: resolve(u["tokenFile"]?.scalarText),
                clientCertificate: resolve(u["client-certificate"]?.scalarText),
                clientCertificateData: try data(u["client-certificate-data"], field: "client-certificate-data", origin: o),
                clientKey: resolve(u["client-key"]?.scalarText),
                clientKeyData: try data(u["client-key-data"], field: "client-key-data", origin: o),
                exec: exec,
                hasAuthProvider: u["auth-provider"] != nil,
                origin: o)
        }
        for entry in root["contexts"]?.elements ?? [] {
            guard let name = entry["name"]?.scalarText, config.contexts[name] == nil else { continue }
            let c = entry["context"] ?? .null
            config.contexts[name] = Context(
                cluster: c["cluster"]?.scalarText ?? "",
                user: c["user"]?.scalarText ?? "",
                namespace: c["namespace"]?.scalarText,
                origin: origin(entry))
        }
        if let cc = root["current-context"]?.scalarText, !cc.isEmpty { config.currentContext = cc }
        return config
    }
}
