import Foundation

// syncgate-bench: benchmarks that print ratios measured side by side in one run (DESIGN §7).
//   swift run -c release syncgate-bench plan [--applications 2000] [--dir /tmp/syncgate-bench]
let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "plan":
    let code = PlanBenchmark(arguments: Array(arguments.dropFirst())).run()
    exit(code)
default:
    FileHandle.standardError.write(Data("""
    usage: syncgate-bench plan [--applications N] [--dir DIR]

    plan   generate a GitOps repo (default 2,000 Applications, ~106,000 documents) and time `syncgate plan` on it
           against libyaml's raw event parse (the floor) and PyYAML's CSafeLoader, at 25/50/100% of the size.

    """.utf8))
    exit(1)
}
