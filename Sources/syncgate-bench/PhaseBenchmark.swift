import Foundation
import SyncGateCore

/// Times the decoder alone (every file through `ManifestLoader`, on 1 and 2 threads) against libyaml's raw event
/// parse, to see what the tree costs over the floor and how it scales across cores.
struct DecodeBenchmark {
    var directory: String

    func run() -> Int32 {
        guard let tree = try? RepoTree.scan(root: directory) else {
            print("syncgate-bench: \(directory) is not a directory")
            return 1
        }
        let rawStart = Date()
        let rawDocs = (try? RawParse.run(directory: URL(fileURLWithPath: directory))) ?? 0
        let raw = Date().timeIntervalSince(rawStart)
        print(String(format: "raw-parse  %7.3fs  %d documents", raw, rawDocs))
        for threads in [1, 2] {
            var options = PlanOptions(renderer: NoSourceRenderer())
            options.parallelism = threads
            let start = Date()
            let loaded = Planner(options: options).decodeAll(tree.files, tree: tree)
            let seconds = Date().timeIntervalSince(start)
            let docs = loaded.reduce(0) { $0 + $1.manifests.count }
            print(String(format: "decode/%dt  %7.3fs  %d objects  %.2fx raw", threads, seconds, docs, seconds / raw))
        }
        return 0
    }
}
