import ArgumentParser
import Foundation
import SyncGateCore
#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Musl)
import Musl
private let systemWrite = Musl.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif

extension OutputFormat: ExpressibleByArgument {}

/// The output flags shared by `plan` and `check`: `--format` and `--output`.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: OutputFormat = .text

    @Option(name: .long, help: ArgumentHelp("Write the output to FILE instead of standard output.", valueName: "FILE"))
    var output: String?

    /// ANSI colour for text: only on a terminal, never into a file, and not when NO_COLOR is set.
    var colour: Bool {
        format == .text && output == nil && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    }

    /// The renderer for `--format`.
    var renderer: any PlanRenderer { format.renderer(colour: colour) }

    /// Writes `text` to `--output` (replacing the file) or to standard output.
    func write(_ text: String) throws {
        try write(Data(text.utf8))
    }

    /// Renders `plan` in `--format` and writes it. JSON is streamed to the file or standard output in chunks of
    /// 1 MiB as it is rendered (a large plan is over 100 MB), never held whole in memory.
    func write(_ plan: Plan) throws {
        guard format == .json else { return try write(renderer.render(plan)) }
        guard let output else {
            if let e = Self.stream(plan, to: STDOUT_FILENO) {
                throw ValidationError("cannot write to standard output: \(String(cString: strerror(e)))")
            }
            return
        }
        let fd = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw cannotWrite(output, errno) }
        let failure = Self.stream(plan, to: fd)
        if close(fd) != 0 && failure == nil { throw cannotWrite(output, errno) }
        if let failure { throw cannotWrite(output, failure) }
    }

    private func cannotWrite(_ file: String, _ errno: Int32) -> ValidationError {
        ValidationError("cannot write --output \(file): \(String(cString: strerror(errno))); check the directory exists and is writable")
    }

    /// Streams the JSON of `plan` to `fd`; the errno of the first failed write, or nil.
    private static func stream(_ plan: Plan, to fd: Int32) -> Int32? {
        var failure: Int32?
        struct Failed: Error {}
        try? JSONRenderer().write(plan) { chunk in
            failure = writeAll(fd, chunk)
            if failure != nil { throw Failed() }
        }
        return failure
    }

    /// Writes every byte of `chunk` to `fd`, across partial writes and EINTR; the errno of a failure, or nil.
    private static func writeAll(_ fd: Int32, _ chunk: UnsafeRawBufferPointer) -> Int32? {
        guard var p = chunk.baseAddress else { return nil }
        var left = chunk.count
        while left > 0 {
            let n = systemWrite(fd, p, left)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            p += n
            left -= n
        }
        return nil
    }

    func write(_ data: Data) throws {
        if let output {
            do {
                try data.write(to: URL(fileURLWithPath: output))
            } catch {
                throw ValidationError("cannot write --output \(output): \(error.localizedDescription); check the directory exists and is writable")
            }
        } else {
            FileHandle.standardOutput.write(data)
        }
    }
}
