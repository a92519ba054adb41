/// A kind of object the API serves: group, version, plural resource name, and whether it lives in namespaces.
public struct KubeResource: Sendable, Hashable, CustomStringConvertible {
    /// "" for the core group.
    public var group: String
    public var version: String
    /// Plural resource name as in the URL (`applications`, `secrets`).
    public var plural: String
    public var kind: String
    public var namespaced: Bool

    public init(group: String, version: String, plural: String, kind: String, namespaced: Bool = true) {
        self.group = group
        self.version = version
        self.plural = plural
        self.kind = kind
        self.namespaced = namespaced
    }

    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    /// `applications.argoproj.io`, `secrets` — the name RBAC and error messages use.
    public var groupResource: String { group.isEmpty ? plural : "\(plural).\(group)" }
    public var description: String { groupResource }

    /// The collection path: `/api/v1/namespaces/NS/secrets`, `/apis/G/V/PLURAL` (all namespaces or cluster-scoped).
    public func collectionPath(namespace: String?) -> String {
        var p = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        if namespaced, let namespace { p += "/namespaces/\(KubePath.escape(namespace))" }
        return p + "/" + plural
    }

    public func objectPath(namespace: String?, name: String, subresource: String? = nil) -> String {
        var p = collectionPath(namespace: namespaced ? namespace : nil) + "/" + KubePath.escape(name)
        if let subresource { p += "/" + subresource }
        return p
    }

    public func withVersion(_ version: String) -> KubeResource {
        var r = self
        r.version = version
        return r
    }
}

extension KubeResource {
    public static let secrets = KubeResource(group: "", version: "v1", plural: "secrets", kind: "Secret")
    public static let configMaps = KubeResource(group: "", version: "v1", plural: "configmaps", kind: "ConfigMap")
    public static let services = KubeResource(group: "", version: "v1", plural: "services", kind: "Service")
    public static let namespaces = KubeResource(group: "", version: "v1", plural: "namespaces", kind: "Namespace", namespaced: false)
    public static let applications = KubeResource(group: "argoproj.io", version: "v1alpha1", plural: "applications", kind: "Application")
    public static let applicationSets = KubeResource(group: "argoproj.io", version: "v1alpha1", plural: "applicationsets", kind: "ApplicationSet")
    public static let certificates = KubeResource(group: "cert-manager.io", version: "v1", plural: "certificates", kind: "Certificate")
    public static let certificateRequests = KubeResource(group: "cert-manager.io", version: "v1", plural: "certificaterequests", kind: "CertificateRequest")
    public static let issuers = KubeResource(group: "cert-manager.io", version: "v1", plural: "issuers", kind: "Issuer")
    public static let clusterIssuers = KubeResource(group: "cert-manager.io", version: "v1", plural: "clusterissuers", kind: "ClusterIssuer", namespaced: false)
    public static let orders = KubeResource(group: "acme.cert-manager.io", version: "v1", plural: "orders", kind: "Order")
    public static let challenges = KubeResource(group: "acme.cert-manager.io", version: "v1", plural: "challenges", kind: "Challenge")
    public static let gateways = KubeResource(group: "gateway.networking.k8s.io", version: "v1", plural: "gateways", kind: "Gateway")
    public static let httpRoutes = KubeResource(group: "gateway.networking.k8s.io", version: "v1", plural: "httproutes", kind: "HTTPRoute")
    public static let referenceGrants = KubeResource(group: "gateway.networking.k8s.io", version: "v1beta1", plural: "referencegrants", kind: "ReferenceGrant")
    public static let ingresses = KubeResource(group: "networking.k8s.io", version: "v1", plural: "ingresses", kind: "Ingress")
    public static let leases = KubeResource(group: "coordination.k8s.io", version: "v1", plural: "leases", kind: "Lease")
    public static let customResourceDefinitions = KubeResource(group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions", kind: "CustomResourceDefinition", namespaced: false)
}

/// Names an object for messages: `applications.argoproj.io argocd/pay-production`.
public struct KubeObjectRef: Sendable, Hashable, CustomStringConvertible {
    public var resource: KubeResource
    public var namespace: String?
    public var name: String

    public init(_ resource: KubeResource, namespace: String?, name: String) {
        self.resource = resource
        self.namespace = resource.namespaced ? namespace : nil
        self.name = name
    }

    public var description: String {
        "\(resource.kind) \(namespace.map { "\($0)/" } ?? "")\(name)"
    }
}

/// URL path and query helpers.
public enum KubePath {
    /// Percent-encodes a path segment or query value (RFC 3986 unreserved characters stay).
    public static func escape(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%"
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(b >> 4)]))
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(b & 15)]))
            }
        }
        return out
    }

    /// `path?k=v&k2=v2`, skipping nil values, in the given order.
    public static func withQuery(_ path: String, _ items: [(String, String?)]) -> String {
        let parts = items.compactMap { k, v in v.map { "\(escape(k))=\(escape($0))" } }
        return parts.isEmpty ? path : path + "?" + parts.joined(separator: "&")
    }
}
