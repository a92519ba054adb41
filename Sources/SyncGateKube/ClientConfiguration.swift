import Foundation
import SyncGateCore

/// How requests authenticate (besides a client certificate, which lives in `TLSSettings`).
public enum KubeAuth: Sendable, Equatable {
    case none
    case token(String)
    /// A token read from a file and re-read as it rotates (kubeconfig `tokenFile`, in-cluster service account).
    case tokenFile(path: String)
    /// A `client.authentication.k8s.io` credential plugin.
    case exec(KubeConfig.ExecConfig)
}

/// Where a service account's files are (injectable for tests).
public struct InClusterPaths: Sendable, Equatable {
    public var token: String
    public var certificateAuthority: String
    public var namespace: String

    public init(directory: String = "/var/run/secrets/kubernetes.io/serviceaccount") {
        token = directory + "/token"
        certificateAuthority = directory + "/ca.crt"
        namespace = directory + "/namespace"
    }
}

/// What the command line says about where the cluster is (kubectl's flags and environment).
public struct KubeConfigOptions: Sendable {
    public var kubeconfig: String?
    public var context: String?
    public var namespace: String?
    public var environment: [String: String]
    public var homeDirectory: String
    public var inCluster: InClusterPaths
    /// Ignore kubeconfig files and use the service account (what `syncgate hook` does inside a Pod).
    public var forceInCluster: Bool

    public init(kubeconfig: String? = nil, context: String? = nil, namespace: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                homeDirectory: String = NSHomeDirectory(), inCluster: InClusterPaths = InClusterPaths(),
                forceInCluster: Bool = false) {
        self.kubeconfig = kubeconfig
        self.context = context
        self.namespace = namespace
        self.environment = environment
        self.homeDirectory = homeDirectory
        self.inCluster = inCluster
        self.forceInCluster = forceInCluster
    }
}

/// Everything needed to talk to one API server as one identity, resolved from a kubeconfig or a Pod.
public struct ClientConfiguration: Sendable {
    public var server: String
    public var tls: TLSSettings
    public var auth: KubeAuth
    /// The namespace commands default to (`--namespace`, else the context's, else the Pod's, else `default`).
    public var namespace: String
    /// "context NAME in FILE" or "in-cluster service account".
    public var source: String
    /// Things the user should know (`insecure-skip-tls-verify`).
    public var warnings: [String]
    /// Passed to exec plugins that ask for cluster information (`provideClusterInfo: true`).
    public var execClusterInfo: Value?

    public init(server: String, tls: TLSSettings = TLSSettings(), auth: KubeAuth = .none, namespace: String = "default",
                source: String = "explicit", warnings: [String] = [], execClusterInfo: Value? = nil) {
        self.server = server
        self.tls = tls
        self.auth = auth
        self.namespace = namespace
        self.source = source
        self.warnings = warnings
        self.execClusterInfo = execClusterInfo
    }

    /// Resolves the configuration the way kubectl does: `--kubeconfig` (that file only), else the `KUBECONFIG`
    /// list merged (first definition wins), else `~/.kube/config`; else, inside a Pod, the service account.
    public static func load(_ options: KubeConfigOptions) throws -> ClientConfiguration {
        if options.forceInCluster { return try inCluster(options) }
        let paths: [String]
        var explicit = false
        if let k = options.kubeconfig, !k.isEmpty {
            paths = [k]
            explicit = true
        } else if let env = options.environment["KUBECONFIG"], !env.isEmpty {
            paths = env.split(separator: ":", omittingEmptySubsequences: true).map(String.init)
        } else {
            paths = [options.homeDirectory + "/.kube/config"]
        }
        var merged = KubeConfig()
        var seen = Set<String>()
        for p in paths where !seen.contains(p) {
            seen.insert(p)
            guard FileManager.default.fileExists(atPath: p) else {
                if explicit {
                    throw KubeError.configuration("\(p): no such file (from --kubeconfig). Pass an existing kubeconfig.")
                }
                continue  // kubectl ignores missing files in KUBECONFIG
            }
            let text: String
            do { text = try String(contentsOfFile: p, encoding: .utf8) } catch {
                throw KubeError.configuration("\(p): cannot read: \(error.localizedDescription)")
            }
            let dir = (p as NSString).deletingLastPathComponent
            merged.merge(lowerPrecedence: try KubeConfig.parse(text, file: p, directory: dir.isEmpty ? "." : dir))
        }
        if merged.files.isEmpty || (merged.contexts.isEmpty && merged.clusters.isEmpty) {
            if options.environment["KUBERNETES_SERVICE_HOST"] != nil && options.kubeconfig == nil {
                return try inCluster(options)
            }
            throw KubeError.configuration(
                "no kubeconfig found (looked at \(paths.joined(separator: ", "))). Pass --kubeconfig FILE, set KUBECONFIG, or run inside a Pod with a service account.")
        }
        return try resolve(merged, context: options.context, namespace: options.namespace)
    }

    /// Picks the context (`--context`, else `current-context`) and builds the configuration from a merged kubeconfig.
    public static func resolve(_ config: KubeConfig, context requested: String?, namespace: String?) throws -> ClientConfiguration {
        let files = config.files.joined(separator: ", ")
        guard let contextName = (requested?.isEmpty == false ? requested : nil) ?? config.currentContext else {
            throw KubeError.configuration(
                "no current-context in \(files) and no --context given. Pick one of: \(config.contexts.keys.sorted().joined(separator: ", ")).")
        }
        guard let ctx = config.contexts[contextName] else {
            throw KubeError.configuration(
                "context \"\(contextName)\" not found in \(files). Known contexts: \(config.contexts.keys.sorted().joined(separator: ", ")).")
        }
        guard let cluster = config.clusters[ctx.cluster] else {
            throw KubeError.configuration("\(ctx.origin): context \"\(contextName)\" names cluster \"\(ctx.cluster)\", which no file defines.")
        }
        guard cluster.server.hasPrefix("https://") || cluster.server.hasPrefix("http://") else {
            throw KubeError.configuration("\(cluster.origin): cluster \"\(ctx.cluster)\" has no https:// server URL (got \"\(cluster.server)\").")
        }
        var warnings: [String] = []
        var tls = TLSSettings(serverName: cluster.tlsServerName, insecureSkipVerify: cluster.insecureSkipTLSVerify)
        tls.proxyURL = cluster.proxyURL
        if cluster.insecureSkipTLSVerify {
            warnings.append("cluster \"\(ctx.cluster)\" (\(cluster.origin)) sets insecure-skip-tls-verify: the API server's certificate is NOT verified. Set certificate-authority-data instead.")
        } else if let data = cluster.certificateAuthorityData {
            tls.certificateAuthorityPEM = data
        } else if let path = cluster.certificateAuthority {
            tls.certificateAuthorityPEM = try readFile(path, what: "certificate-authority of cluster \"\(ctx.cluster)\" (\(cluster.origin))")
        }

        var auth = KubeAuth.none
        if !ctx.user.isEmpty {
            guard let user = config.users[ctx.user] else {
                throw KubeError.configuration("\(ctx.origin): context \"\(contextName)\" names user \"\(ctx.user)\", which no file defines.")
            }
            let what = "user \"\(ctx.user)\" (\(user.origin))"
            if let d = user.clientCertificateData {
                tls.clientCertificatePEM = d
            } else if let p = user.clientCertificate {
                tls.clientCertificatePEM = try readFile(p, what: "client-certificate of \(what)")
            }
            if let d = user.clientKeyData {
                tls.clientKeyPEM = d
            } else if let p = user.clientKey {
                tls.clientKeyPEM = try readFile(p, what: "client-key of \(what)")
            }
            if (tls.clientCertificatePEM == nil) != (tls.clientKeyPEM == nil) {
                throw KubeError.configuration("\(what) has a client certificate without a key (or a key without a certificate). Set both client-certificate(-data) and client-key(-data).")
            }
            if let exec = user.exec {
                guard exec.apiVersion == "client.authentication.k8s.io/v1" || exec.apiVersion == "client.authentication.k8s.io/v1beta1" else {
                    throw KubeError.configuration("\(what): exec apiVersion \"\(exec.apiVersion)\" is not supported; use client.authentication.k8s.io/v1.")
                }
                guard !exec.command.isEmpty else { throw KubeError.configuration("\(what): exec has no command.") }
                auth = .exec(exec)
            } else if let file = user.tokenFile {
                auth = .tokenFile(path: file)
            } else if let token = user.token, !token.isEmpty {
                auth = .token(token)
            } else if user.hasAuthProvider && tls.clientCertificatePEM == nil {
                throw KubeError.configuration("\(what) uses a legacy auth-provider, which kubectl removed; switch to an exec plugin (e.g. gke-gcloud-auth-plugin, kubelogin).")
            }
        }

        var info = Object()
        info["server"] = .string(cluster.server)
        if let n = cluster.tlsServerName { info["tls-server-name"] = .string(n) }
        info["insecure-skip-tls-verify"] = .bool(cluster.insecureSkipTLSVerify)
        if let ca = tls.certificateAuthorityPEM { info["certificate-authority-data"] = .string(Data(ca).base64EncodedString()) }
        if let ext = cluster.execExtension { info["config"] = ext }

        return ClientConfiguration(
            server: cluster.server, tls: tls, auth: auth,
            namespace: (namespace?.isEmpty == false ? namespace : nil) ?? ctx.namespace ?? "default",
            source: "context \"\(contextName)\" in \(files)", warnings: warnings, execClusterInfo: .object(info))
    }

    /// The Pod's service account: `KUBERNETES_SERVICE_HOST`/`PORT`, the CA, a token re-read as it rotates.
    public static func inCluster(_ options: KubeConfigOptions) throws -> ClientConfiguration {
        guard let host = options.environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
              let port = options.environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty else {
            throw KubeError.configuration("not running in a Pod: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set. Pass --kubeconfig instead.")
        }
        guard FileManager.default.fileExists(atPath: options.inCluster.token) else {
            throw KubeError.configuration("\(options.inCluster.token): no service account token. Set automountServiceAccountToken: true on the Pod (or its ServiceAccount).")
        }
        let ca = try readFile(options.inCluster.certificateAuthority, what: "the service account CA")
        let ns = (try? String(contentsOfFile: options.inCluster.namespace, encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return ClientConfiguration(
            server: "https://\(hostPart):\(port)", tls: TLSSettings(certificateAuthorityPEM: ca),
            auth: .tokenFile(path: options.inCluster.token),
            namespace: (options.namespace?.isEmpty == false ? options.namespace : nil) ?? ((ns?.isEmpty == false) ? ns! : "default"),
            source: "in-cluster service account")
    }

    static func readFile(_ path: String, what: String) throws -> [UInt8] {
        guard let d = FileManager.default.contents(atPath: path) else {
            throw KubeError.configuration("\(path): cannot read \(what). Check the path (relative paths are resolved against the kubeconfig's directory).")
        }
        return [UInt8](d)
    }
}
