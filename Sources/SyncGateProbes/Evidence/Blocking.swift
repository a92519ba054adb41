import Foundation

/// Runs blocking C calls (libresolv, libcurl, OpenSSL handshakes) on a dedicated thread, never on Swift's
/// cooperative pool, so a slow socket cannot starve other tasks. Every blocking call SyncGate makes has its own
/// timeout; this only moves the wait off the pool.
public enum Blocking {
    public static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: work())
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }
}
