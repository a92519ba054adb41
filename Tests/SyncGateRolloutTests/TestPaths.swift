import Foundation

enum TestPaths {
    /// The repository root (this file is Tests/SyncGateRolloutTests/TestPaths.swift).
    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
    static func example(_ name: String) -> String { repoRoot.appendingPathComponent("examples/\(name)").path }
}
