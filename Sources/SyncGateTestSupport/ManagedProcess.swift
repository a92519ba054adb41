import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process (its own process group) whose output goes to a log file, stopped explicitly with `stop()`:
/// SIGTERM to the group, then SIGKILL after a bound. Never rely on deinit: parallel tests need the port and the
/// process gone when the test ends.
///
/// Spawned with `posix_spawn`, not Foundation's `Process`: Foundation notices a child's exit through a socket
/// the child inherits, and daemons such as dnsmasq close every inherited descriptor at start-up, after which
/// Foundation blocks in `waitpid` on the still-running daemon and stops reaping every other child of the test
/// process. Descriptors above 2 are closed in the child so no test's pipe leaks into a long-lived server.
public final class ManagedProcess: Sendable {
    public let executable: String
    public let arguments: [String]
    public let logPath: String
    public let pid: pid_t
    private let state: Mutex<State>

    private struct State {
        var exited = false
        var status: Int32 = -1
    }

    public init(executable: String, arguments: [String], logPath: String, environment: [String: String] = [:],
                workingDirectory: String? = nil) throws {
        self.executable = executable
        self.arguments = arguments
        self.logPath = logPath
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // glibc >= 2.34 has these GNU extensions; Swift's Glibc module does not import them, so look them up.
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
        }
        if let workingDirectory {
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np") else {
                throw TestServerError("posix_spawn_file_actions_addchdir_np is missing (glibc >= 2.29 needed)")
            }
            typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
            _ = unsafeBitCast(symbol, to: ChangeDirectory.self)(&actions, workingDirectory)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw TestServerError("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        self.pid = child
        self.state = Mutex(State())
    }

    /// Whether the child is still running (reaps it if it exited).
    public var isRunning: Bool { !reap(blocking: false) }

    public var exitStatus: Int32 {
        _ = reap(blocking: false)
        return state.withLock { $0.status }
    }

    /// Returns true once the child has exited (and records its status).
    private func reap(blocking: Bool) -> Bool {
        state.withLock { state in
            if state.exited { return true }
            var status: Int32 = 0
            let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
            if result == pid || (result < 0 && errno == ECHILD) {
                state.exited = true
                state.status = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
                return true
            }
            return false
        }
    }

    /// The last `bytes` of the log (for error messages).
    public func logTail(bytes: Int = 4_000) -> String {
        guard let data = FileManager.default.contents(atPath: logPath) else { return "(no log)" }
        return String(decoding: data.suffix(bytes), as: UTF8.self)
    }

    /// SIGTERM to the process group, wait up to `grace` seconds, then SIGKILL and reap. Safe to call twice.
    public func stop(grace: Double = 3) {
        if !reap(blocking: false) {
            kill(-pid, SIGTERM)
            let deadline = Date().addingTimeInterval(grace)
            while !reap(blocking: false) && Date() < deadline { usleep(5_000) }
            if !reap(blocking: false) {
                kill(-pid, SIGKILL)
                _ = reap(blocking: true)
            }
        }
        kill(-pid, SIGKILL)  // stragglers of the group (nginx workers, dnsmasq TCP children); ESRCH when none
    }
}
