import Synchronization

/// The latest exposition, replaced after every collection and served as is on each scrape (collecting on the
/// scrape would put TLS handshakes and API lists inside Prometheus' scrape timeout).
public final class MetricsEndpoint: Sendable {
    private let latest = Mutex<String?>(nil)

    public init() {}

    public func update(_ families: [MetricFamily]) {
        let text = PrometheusText.render(families)
        latest.withLock { $0 = text }
    }

    public var exposition: String? { latest.withLock { $0 } }

    /// Routes: /metrics, /healthz, / (a pointer to /metrics); 503 until the first collection finished.
    public func respond(method: String, path: String) -> MetricsHTTPServer.Response {
        switch path {
        case "/metrics":
            guard let text = exposition else {
                return .init(status: 503, reason: "Service Unavailable", body: "the first collection has not finished yet\n")
            }
            return .init(contentType: PrometheusText.contentType, body: text)
        case "/healthz":
            return .init(body: "ok\n")
        case "/":
            return .init(contentType: "text/html; charset=utf-8",
                         body: "<html><head><title>SyncGate metrics</title></head><body><a href=\"/metrics\">/metrics</a></body></html>\n")
        default:
            return .init(status: 404, reason: "Not Found", body: "not found: \(path) (try /metrics)\n")
        }
    }
}
