import Foundation
import SyncGateCore
import SyncGateX509

/// A listener's TLS certificateRef to a Secret.
public struct ListenerSecretRef: Sendable, Hashable, CustomStringConvertible {
    public var gatewayNamespace: String
    public var gatewayName: String
    public var listenerName: String
    public var hostname: String?
    public var secretNamespace: String
    public var secretName: String

    public var crossNamespace: Bool { secretNamespace != gatewayNamespace }
    public var listenerID: String { "\(gatewayNamespace)/\(gatewayName)/\(listenerName)" }
    public var description: String { "listener \(listenerID) -> Secret \(secretNamespace)/\(secretName)" }
}

/// The labels and annotations of a placeholder Secret.
public enum PlaceholderLabel {
    public static let placeholder = "syncgate.dev/placeholder"
    /// Which listeners it was made for.
    public static let forListeners = "syncgate.dev/placeholder-for"
    /// SHA-256 of the placeholder certificate: when `tls.crt` no longer has it, the real certificate arrived.
    public static let fingerprint = "syncgate.dev/placeholder-sha256"
    public static let createdAt = "syncgate.dev/placeholder-created-at"
}

/// Pure parts: which Secrets listeners need, and what a placeholder looks like.
public enum PlaceholderRules {
    /// The Secret references of a Gateway's listeners (core `Secret` kind only; `Passthrough` listeners have none).
    public static func secretRefs(ofGateway gateway: Value) -> [ListenerSecretRef] {
        let ns = gateway[path: "metadata", "namespace"]?.string ?? "default"
        let name = gateway[path: "metadata", "name"]?.string ?? ""
        var out: [ListenerSecretRef] = []
        for listener in gateway[path: "spec", "listeners"]?.elements ?? [] {
            guard let tls = listener["tls"], (tls["mode"]?.string ?? "Terminate") == "Terminate" else { continue }
            for ref in tls["certificateRefs"]?.elements ?? [] {
                let kind = ref["kind"]?.string ?? "Secret"
                let group = ref["group"]?.string ?? ""
                guard kind == "Secret", group == "" || group == "core", let secret = ref["name"]?.string else { continue }
                out.append(ListenerSecretRef(gatewayNamespace: ns, gatewayName: name,
                                             listenerName: listener["name"]?.scalarText ?? "",
                                             hostname: listener["hostname"]?.string,
                                             secretNamespace: ref["namespace"]?.string ?? ns, secretName: secret))
            }
        }
        return out
    }

    /// The DNS names a placeholder for these refs should carry (listener hostnames; a fixed name when none has one).
    public static func hostnames(_ refs: [ListenerSecretRef]) -> [String] {
        var seen = Set<String>()
        let names = refs.compactMap(\.hostname).filter { !$0.isEmpty && seen.insert($0).inserted }
        return names.isEmpty ? ["placeholder.syncgate.invalid"] : names
    }

    /// The Secret to create.
    public static func secret(namespace: String, name: String, for refs: [ListenerSecretRef], certificatePEM: String,
                              keyPEM: String, fingerprint: String, now: Date) -> Value {
        var labels = Object()
        labels[PlaceholderLabel.placeholder] = .string("true")
        labels["app.kubernetes.io/managed-by"] = .string("syncgate")
        var annotations = Object()
        annotations[PlaceholderLabel.forListeners] = .string(refs.map(\.listenerID).joined(separator: ","))
        annotations[PlaceholderLabel.fingerprint] = .string(fingerprint)
        annotations[PlaceholderLabel.createdAt] = .string(RFC3339.format(now))
        var metadata = Object()
        metadata["name"] = .string(name)
        metadata["namespace"] = .string(namespace)
        metadata["labels"] = .object(labels)
        metadata["annotations"] = .object(annotations)
        var data = Object()
        data["tls.crt"] = .string(Data(certificatePEM.utf8).base64EncodedString())
        data["tls.key"] = .string(Data(keyPEM.utf8).base64EncodedString())
        var o = Object()
        o["apiVersion"] = .string("v1")
        o["kind"] = .string("Secret")
        o["metadata"] = .object(metadata)
        o["type"] = .string("kubernetes.io/tls")
        o["data"] = .object(data)
        return .object(o)
    }

    /// Whether a Secret carries SyncGate's placeholder label.
    public static func isLabelledPlaceholder(_ secret: Value) -> Bool {
        secret[path: "metadata", "labels", PlaceholderLabel.placeholder]?.scalarText == "true"
    }

    /// Whether the Secret still holds the placeholder SyncGate made (its `tls.crt` fingerprint is unchanged).
    public static func stillPlaceholder(_ secret: Value) -> Bool {
        guard isLabelledPlaceholder(secret) else { return false }
        guard let expected = secret[path: "metadata", "annotations", PlaceholderLabel.fingerprint]?.string,
              let b64 = secret[path: "data", "tls.crt"]?.string, let data = Data(base64Encoded: b64),
              let pem = String(data: data, encoding: .utf8), let cert = try? Certificate(pem: pem) else {
            return true  // labelled but unreadable: treat as still a placeholder
        }
        return cert.sha256Fingerprint == expected
    }
}

/// What `ensure` did for one Secret.
public struct PlaceholderResult: Sendable {
    public enum Action: String, Sendable {
        case created
        /// The Secret exists: never touched.
        case exists
        /// Another actor created it between our check and our create (409 AlreadyExists): left alone.
        case createdConcurrently
        case failed
    }
    public var secretNamespace: String
    public var secretName: String
    public var refs: [ListenerSecretRef]
    public var action: Action
    public var hostnames: [String]
    public var message: String
}

/// A placeholder Secret found by `list`.
public struct PlaceholderStatus: Sendable {
    public var namespace: String
    public var name: String
    /// Still SyncGate's self-signed certificate (false: cert-manager has written the real one).
    public var stillPlaceholder: Bool
    public var forListeners: String
    public var createdAt: String
}

/// Creates self-signed placeholder Secrets for listeners whose certificateRef Secret is missing, so one missing
/// certificate cannot stop a Gateway (seed 000). Create-only: an existing Secret is never updated.
public struct PlaceholderSecrets: Sendable {
    public let client: KubeClient
    public var now: @Sendable () -> Date
    /// Makes the certificate and key (PEM) for host names; the key is only ever sent to the API.
    public var generate: @Sendable ([String], Date) throws -> (certificatePEM: String, keyPEM: String, fingerprint: String)
    /// Gateway API version to read (v1, or v1beta1 on older clusters).
    public var gatewayResource: KubeResource

    public init(client: KubeClient, now: @escaping @Sendable () -> Date = { Date() }, gatewayResource: KubeResource = .gateways,
                generate: (@Sendable ([String], Date) throws -> (certificatePEM: String, keyPEM: String, fingerprint: String))? = nil) {
        self.client = client
        self.now = now
        self.gatewayResource = gatewayResource
        self.generate = generate ?? { hosts, now in
            let key = try PrivateKey.generateP256()
            let t = Int64(now.timeIntervalSince1970)
            let dns = hosts.filter { IPv4Check.isIPv4($0) == false }
            let ips = hosts.filter { IPv4Check.isIPv4($0) }
            let cert = try SelfSigned.certificate(
                CertificateRequest(commonName: hosts[0], dnsNames: dns, ipAddresses: ips, notBefore: t - 60,
                                   notAfter: t + 30 * 86_400, organization: "SyncGate placeholder"), key: key)
            return (cert.pem, key.pem, cert.sha256Fingerprint)
        }
    }

    /// The listener Secret references of one Gateway (`namespace/name`) or of all Gateways.
    public func references(gateway: (namespace: String, name: String)?) async throws -> [ListenerSecretRef] {
        if let gateway {
            let gw = try await client.get(gatewayResource, namespace: gateway.namespace, name: gateway.name)
            return PlaceholderRules.secretRefs(ofGateway: gw)
        }
        return try await client.list(gatewayResource, namespace: nil).items.flatMap(PlaceholderRules.secretRefs(ofGateway:))
    }

    /// Creates every missing Secret (one per Secret, covering all hostnames of the listeners that use it).
    public func ensure(gateway: (namespace: String, name: String)? = nil) async throws -> [PlaceholderResult] {
        let refs = try await references(gateway: gateway)
        var bySecret: [String: [ListenerSecretRef]] = [:]
        var order: [String] = []
        for r in refs {
            let key = "\(r.secretNamespace)/\(r.secretName)"
            if bySecret[key] == nil { order.append(key) }
            bySecret[key, default: []].append(r)
        }
        var results: [PlaceholderResult] = []
        for key in order {
            let group = bySecret[key]!
            let ns = group[0].secretNamespace, name = group[0].secretName
            let hosts = PlaceholderRules.hostnames(group)
            var result = PlaceholderResult(secretNamespace: ns, secretName: name, refs: group, action: .exists, hostnames: hosts, message: "")
            if try await client.getIfPresent(.secrets, namespace: ns, name: name) != nil {
                result.message = "Secret \(ns)/\(name) exists; left alone"
                results.append(result)
                continue
            }
            do {
                let t = now()
                let made = try generate(hosts, t)
                let secret = PlaceholderRules.secret(namespace: ns, name: name, for: group, certificatePEM: made.certificatePEM,
                                                     keyPEM: made.keyPEM, fingerprint: made.fingerprint, now: t)
                _ = try await client.create(.secrets, namespace: ns, secret)
                result.action = .created
                result.message = "created placeholder Secret \(ns)/\(name) for \(hosts.joined(separator: ", ")) (self-signed; cert-manager replaces it on issuance)"
                    + (group.contains(where: \.crossNamespace) ? "; the Secret is in another namespace than the Gateway: a ReferenceGrant must allow it" : "")
            } catch let e as KubeError where e.isAlreadyExists {
                result.action = .createdConcurrently
                result.message = "Secret \(ns)/\(name) was created by someone else meanwhile; left alone"
            } catch let e as KubeError {
                result.action = .failed
                result.message = "cannot create placeholder Secret \(ns)/\(name): \(e)"
            }
            results.append(result)
        }
        return results
    }

    /// Placeholder Secrets (labelled) and whether they still hold the placeholder certificate.
    public func list(namespace: String? = nil) async throws -> [PlaceholderStatus] {
        let secrets = try await client.list(.secrets, namespace: namespace, labelSelector: "\(PlaceholderLabel.placeholder)=true")
        return secrets.items.map { s in
            PlaceholderStatus(namespace: s[path: "metadata", "namespace"]?.string ?? "",
                              name: s[path: "metadata", "name"]?.string ?? "",
                              stillPlaceholder: PlaceholderRules.stillPlaceholder(s),
                              forListeners: s[path: "metadata", "annotations", PlaceholderLabel.forListeners]?.string ?? "",
                              createdAt: s[path: "metadata", "annotations", PlaceholderLabel.createdAt]?.string ?? "")
        }.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
    }
}

enum IPv4Check {
    static func isIPv4(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
    }
}
