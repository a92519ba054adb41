/// Bounded retries with exponential backoff and full jitter, for transient failures only (timeouts, resets,
/// SERVFAIL, HTTP 429/5xx). Permanent answers (NXDOMAIN, 404, 401, a bad certificate) are never retried.
public struct RetryPolicy: Sendable {
    public var maxAttempts: Int
    public var baseDelayMilliseconds: Int
    public var maxDelayMilliseconds: Int

    public init(maxAttempts: Int = 3, baseDelayMilliseconds: Int = 100, maxDelayMilliseconds: Int = 2_000) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelayMilliseconds = baseDelayMilliseconds
        self.maxDelayMilliseconds = maxDelayMilliseconds
    }

    public static let none = RetryPolicy(maxAttempts: 1)

    /// Delay before attempt `attempt + 1` (attempt counts from 1): uniform in [0, min(max, base * 2^(attempt-1))].
    public func delayMilliseconds(after attempt: Int, random: (ClosedRange<Int>) -> Int = { Int.random(in: $0) }) -> Int {
        let ceiling = min(maxDelayMilliseconds, baseDelayMilliseconds << min(attempt - 1, 20))
        return random(0...max(0, ceiling))
    }

    /// Runs `body` until it returns a non-transient value or the attempts are spent; returns the last value and
    /// the number of attempts. Cancellation stops the retries.
    public func run<T: Sendable>(isTransient: (T) -> Bool, _ body: () async -> T) async -> (value: T, attempts: Int) {
        var attempt = 1
        while true {
            let value = await body()
            if !isTransient(value) || attempt >= maxAttempts || Task.isCancelled { return (value, attempt) }
            try? await Task.sleep(nanoseconds: UInt64(delayMilliseconds(after: attempt)) * 1_000_000)
            attempt += 1
        }
    }
}
