import ArgumentParser
import Foundation
import SyncGateCore

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

    /// Renders `plan` in `--format` and writes it (JSON goes out as bytes, without a String in between).
    func write(_ plan: Plan) throws {
        if format == .json {
            try write(Data(JSONRenderer().renderBytes(plan)))
        } else {
            try write(renderer.render(plan))
        }
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
