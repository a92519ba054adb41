import Testing
import SyncGateProbes

@Suite struct RetryPolicyTests {
    actor Counter {
        var value = 0
        func next() -> Int { value += 1; return value }
    }

    @Test func transientFailuresAreRetriedUpToTheBound() async {
        let counter = Counter()
        let policy = RetryPolicy(maxAttempts: 4, baseDelayMilliseconds: 1, maxDelayMilliseconds: 5)
        let (value, attempts) = await policy.run(isTransient: { $0 < 100 }) { await counter.next() }
        #expect(attempts == 4)
        #expect(value == 4)
    }

    @Test func permanentAnswersAreNotRetried() async {
        let counter = Counter()
        let (_, attempts) = await RetryPolicy(maxAttempts: 5, baseDelayMilliseconds: 1).run(isTransient: { _ in false }) { await counter.next() }
        #expect(attempts == 1)
    }

    @Test func backoffIsExponentialCappedAndJittered() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelayMilliseconds: 100, maxDelayMilliseconds: 1_000)
        #expect(policy.delayMilliseconds(after: 1, random: { $0.upperBound }) == 100)
        #expect(policy.delayMilliseconds(after: 3, random: { $0.upperBound }) == 400)
        #expect(policy.delayMilliseconds(after: 8, random: { $0.upperBound }) == 1_000)
        for attempt in 1...8 {
            let delay = policy.delayMilliseconds(after: attempt)
            #expect(delay >= 0 && delay <= 1_000)
        }
    }
}
