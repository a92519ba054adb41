/// The ingress-nginx controller ConfigMap's proxy buffer keys (seed 002).
public struct IngressNginxConfig: Sendable {
    public var manifest: Manifest
    public init(manifest: Manifest) { self.manifest = manifest }

    public static func isCandidate(_ m: Manifest) -> Bool {
        guard m.kind == "ConfigMap", let data = m.value["data"] else { return false }
        return data["proxy-buffer-size"] != nil || data["proxy-busy-buffers-size"] != nil || data["proxy-buffers-number"] != nil
    }

    func entry(_ key: String) -> Value? { manifest.value[path: "data", key] }
    public var proxyBufferSize: String? { entry("proxy-buffer-size")?.scalarText }
    public var proxyBusyBuffersSize: String? { entry("proxy-busy-buffers-size")?.scalarText }
    public var proxyBuffersNumber: String? { entry("proxy-buffers-number")?.scalarText }
    public func location(of key: String) -> SourceLocation { manifest.location(of: entry(key)) }

    /// nginx size syntax: `8k`, `1m`, `4096` (bytes). Nil when unparsable.
    public static func bytes(_ text: String) -> Int? {
        let t = text.trimmingSpaces.lowercased()
        guard let last = t.last else { return nil }
        let multiplier: Int
        var digits = t
        switch last {
        case "k": multiplier = 1024; digits.removeLast()
        case "m": multiplier = 1024 * 1024; digits.removeLast()
        case "g": multiplier = 1024 * 1024 * 1024; digits.removeLast()
        default: multiplier = 1
        }
        guard let n = Int(digits), n >= 0 else { return nil }
        return n * multiplier
    }
}
