import Foundation

/// Bounded retries for transient failures only (429, 500, 502, 503, 504, connection errors, timeouts), with
/// exponential backoff and full jitter; `Retry-After` is honoured up to the cap.
public struct RetryPolicy: Sendable {
    public var maxAttempts: Int
    public var baseDelay: Double
    public var maxDelay: Double
    /// Sleeps between attempts (seconds); tests inject a recorder.
    public var sleep: @Sendable (Double) async throws -> Void

    public init(maxAttempts: Int = 4, baseDelay: Double = 0.2, maxDelay: Double = 5,
                sleep: @escaping @Sendable (Double) async throws -> Void = { try await Task.sleep(nanoseconds: UInt64($0 * 1e9)) }) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.sleep = sleep
    }

    public static let none = RetryPolicy(maxAttempts: 1)

    /// Whether this failure may succeed if tried again unchanged.
    public static func isTransient(_ error: Error) -> Bool {
        switch error {
        case KubeError.api(let s): return [429, 500, 502, 503, 504].contains(s.code)
        case KubeError.timedOut: return true
        case KubeError.transport(_, let code, _):
            // couldn't resolve/connect, nothing received, send/recv failures; never TLS verification (60) or bad URL.
            return [6, 7, 28, 52, 55, 56].contains(code)
        default: return false
        }
    }

    /// Delay before attempt `attempt + 1` (attempt counts from 1).
    public func delay(afterAttempt attempt: Int, retryAfter: Int?) -> Double {
        if let r = retryAfter { return min(Double(r), maxDelay) }
        let ceiling = min(maxDelay, baseDelay * pow(2, Double(attempt - 1)))
        return Double.random(in: (ceiling / 2)...ceiling)
    }
}
