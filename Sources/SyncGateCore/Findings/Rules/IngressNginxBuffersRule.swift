/// SG112: ingress-nginx proxy buffer settings nginx rejects or mishandles (seed 002):
/// `proxy_busy_buffers_size` must be >= `proxy_buffer_size` and < (`proxy_buffers` number - 1) x size, where
/// ingress-nginx uses `proxy-buffer-size` as the size of each of the `proxy-buffers-number` buffers and nginx
/// defaults the busy size to twice the buffer size.
public enum IngressNginxBuffersRule: StaticRule {
    public static let rule = RuleCatalog.nginxBuffers

    public static func evaluate(_ input: RuleInput) -> [Finding] {
        var out: [Finding] = []
        for cfg in input.inventory.nginxConfigs {
            let m = cfg.manifest
            let object = m.displayName
            let bufferText = cfg.proxyBufferSize ?? "4k"
            let numberText = cfg.proxyBuffersNumber ?? "4"
            guard let buffer = IngressNginxConfig.bytes(bufferText), let number = Int(numberText.trimmingSpaces) else {
                out.append(Finding(rule, message: "\(object): proxy-buffer-size '\(bufferText)' or proxy-buffers-number '\(numberText)' is not a valid nginx size/number",
                                   object: object, location: cfg.location(of: "proxy-buffer-size"), application: m.application))
                continue
            }
            let busyText = cfg.proxyBusyBuffersSize
            let busy: Int
            if let busyText {
                guard let b = IngressNginxConfig.bytes(busyText) else {
                    out.append(Finding(rule, message: "\(object): proxy-busy-buffers-size '\(busyText)' is not a valid nginx size",
                                       object: object, location: cfg.location(of: "proxy-busy-buffers-size"), application: m.application))
                    continue
                }
                busy = b
                if buffer > busy {
                    out.append(Finding(rule,
                        message: "\(object): proxy-buffer-size \(bufferText) exceeds proxy-busy-buffers-size \(busyText); nginx requires busy buffers >= the buffer size and the controller fails to load the configuration",
                        object: object, location: cfg.location(of: "proxy-buffer-size"),
                        remedy: "Raise proxy-busy-buffers-size to at least \(bufferText) (and below (proxy-buffers-number - 1) x proxy-buffer-size), or lower proxy-buffer-size.",
                        application: m.application))
                    continue
                }
            } else {
                busy = 2 * buffer
            }
            let total = number * buffer
            if busy >= total - buffer {
                let busyWhat = busyText.map { "proxy-busy-buffers-size \($0)" } ?? "the default busy size (2 x proxy-buffer-size = \(busy / 1024)k)"
                out.append(Finding(rule,
                    message: "\(object): \(busyWhat) is not less than proxy-buffers-number \(numberText) x proxy-buffer-size \(bufferText) minus one buffer (\((total - buffer) / 1024)k); nginx refuses this configuration",
                    object: object, location: cfg.location(of: busyText == nil ? "proxy-buffer-size" : "proxy-busy-buffers-size"),
                    remedy: "Raise proxy-buffers-number (e.g. to \(max(4, busy / buffer + 2))) or lower proxy-busy-buffers-size/proxy-buffer-size.",
                    application: m.application))
            }
        }
        return out
    }
}
