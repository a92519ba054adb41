import Foundation

/// CPU time this process has used so far (user and system, every thread), for `SYNCGATE_PROFILE`: beside wall
/// time it shows how many cores a phase kept busy.
enum ProcessorTime {
    static func used() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1_000_000 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
