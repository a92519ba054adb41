import Foundation

/// Times `syncgate plan` (the real binary, as a user runs it) against libyaml's raw event parse and PyYAML's
/// CSafeLoader on the same bytes, at 25%, 50% and 100% of the repository size, and reports peak memory.
struct PlanBenchmark {
    var applications = 2000
    var directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("syncgate-bench")

    init(arguments: [String]) {
        var i = 0
        while i < arguments.count {
            switch arguments[i] {
            case "--applications": i += 1; applications = Int(arguments[i]) ?? applications
            case "--dir": i += 1; directory = URL(fileURLWithPath: arguments[i])
            default: break
            }
            i += 1
        }
    }

    func run() -> Int32 {
        let syncgate = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("syncgate")
        guard FileManager.default.isExecutableFile(atPath: syncgate.path) else {
            print("syncgate-bench: \(syncgate.path) not found; build it first: swift build -c release")
            return 1
        }
        print("size   apps    docs     raw-parse  syncgate-plan  (plan-cpu)  pyyaml-csafe  plan/raw  pyyaml/plan  plan-peak-RSS")
        var failed = false
        for fraction in [25, 50, 100] {
            let apps = max(1, applications * fraction / 100)
            let generator = RepoGenerator(applications: apps)
            let root = directory.appendingPathComponent("repo-\(fraction)")
            do {
                try generator.write(to: root)
                // Three rounds of parse, plan and PyYAML (PyYAML in two), each timed alone on the same bytes; the
                // best of each is kept. Interleaved, so that all three meet the same moods of the machine (its
                // runs vary by a tenth of a second and more).
                var raw = Double.infinity, rawDocs = 0
                var plan: Child?
                var pyRuns: [Double] = []
                for round in 0..<3 {
                    let rawStart = Date()
                    rawDocs = try RawParse.run(directory: root)
                    raw = min(raw, Date().timeIntervalSince(rawStart))
                    let run = try Child.run(syncgate.path, ["plan", root.path, "--format", "json", "--output", "/dev/null"])
                    if plan == nil || run.seconds < plan!.seconds { plan = run }
                    if round < 2, let seconds = try? pyyaml(root) { pyRuns.append(seconds) }
                }
                guard let plan else { continue }
                let py = pyRuns.min()
                let pyText = py.map { String(format: "%9.3fs", $0) } ?? "     n/a  "
                let ratioPy = py.map { String(format: "%9.1fx", $0 / plan.seconds) } ?? "      n/a"
                print(String(format: "%3d%%  %5d  %7d  %9.3fs  %12.3fs  %9.3fs   %@  %7.2fx  %@  %8.1f MiB",
                             fraction, apps, rawDocs, raw, plan.seconds, plan.cpuSeconds, pyText, plan.seconds / raw, ratioPy,
                             Double(plan.peakKiB) / 1024))
                if plan.status == 1 { failed = true; print("  syncgate plan failed: \(plan.stderr.prefix(400))") }
            } catch {
                print("\(fraction)%: \(error)")
                failed = true
            }
        }
        print("goal: plan/raw <= 3x, pyyaml/plan >= 5x, time linear in size, memory bounded")
        print("raw-parse and pyyaml run on one core; syncgate plan uses every core (plan-cpu is its user+system time)")
        print("each column is the best of three interleaved runs (PyYAML: of two) on the same files")
        return failed ? 1 : 0
    }

    /// PyYAML CSafeLoader over the same files, timed inside Python so interpreter start-up is not counted.
    private func pyyaml(_ root: URL) throws -> Double {
        let script = """
        import sys, time, pathlib, yaml
        files = sorted(p for p in pathlib.Path(sys.argv[1]).rglob('*') if p.suffix in ('.yaml', '.yml'))
        t = time.perf_counter(); n = 0
        for p in files:
            with open(p, 'rb') as f:
                n += sum(1 for _ in yaml.load_all(f, Loader=yaml.CSafeLoader))
        print(time.perf_counter() - t)
        """
        let result = try Child.run("/usr/bin/env", ["python3", "-c", script, root.path])
        guard result.status == 0, let seconds = Double(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw BenchError("PyYAML run failed: \(result.stderr.prefix(300))")
        }
        return seconds
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// A child process with its wall time and peak resident memory (from wait4's rusage).
struct Child {
    var status: Int32
    var seconds: Double
    /// User plus system CPU time of the child (more than `seconds` when it used several cores).
    var cpuSeconds: Double
    var peakKiB: Int
    var stdout: String
    var stderr: String

    static func run(_ path: String, _ args: [String]) throws -> Child {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = args
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        var before = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &before)
        let start = Date()
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(start)
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        func cpu(_ u: rusage) -> Double {
            Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
        }
        return Child(status: process.terminationStatus, seconds: seconds, cpuSeconds: cpu(usage) - cpu(before), peakKiB: usage.ru_maxrss,
                     stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
}
