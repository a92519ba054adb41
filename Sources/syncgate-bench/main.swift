import Foundation

// syncgate-bench: benchmarks that print ratios measured side by side in one run (DESIGN §7).
//   swift run -c release syncgate-bench plan [--applications 2000] [--dir /tmp/syncgate-bench]
let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "plan":
    let code = PlanBenchmark(arguments: Array(arguments.dropFirst())).run()
    exit(code)
case "decode" where arguments.count == 2:
    exit(DecodeBenchmark(directory: arguments[1]).run())
default:
    FileHandle.standardError.write(Data("""
    usage: syncgate-bench plan [--applications N] [--dir DIR]
           syncgate-bench decode DIR

    plan   generate a GitOps repo (default 2,000 Applications, ~106,000 documents) and time `syncgate plan` on it
           against libyaml's raw event parse (the floor) and PyYAML's CSafeLoader, at 25/50/100% of the size.
    decode the manifest decoder alone on DIR, on 1 and 2 threads, against libyaml's raw event parse.

    """.utf8))
    exit(1)
}
