import Foundation
import SyncGateCore

/// The repository's files, and running tools on them.
enum RepoFiles {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// Every .yaml/.yml file under the given top-level directories, relative to the root, sorted.
    static func yamlFiles(under directories: [String]) -> [String] {
        var out: [String] = []
        for directory in directories {
            guard let e = FileManager.default.enumerator(atPath: path(directory)) else { continue }
            while let item = e.nextObject() as? String {
                if item.hasSuffix(".yaml") || item.hasSuffix(".yml") { out.append("\(directory)/\(item)") }
            }
        }
        return out.sorted()
    }

    static func documents(_ relative: String) throws -> [YAMLDocument] {
        try YAMLDecoder.decodeAll(Array(try Data(contentsOf: root.appendingPathComponent(relative))), file: relative).documents
    }

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs a program found on PATH; nil when it is not installed.
    static func run(_ program: String, _ arguments: [String], environment: [String: String]? = nil, cwd: String? = nil) throws -> Run? {
        guard let executable = which(program) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes concurrently with the process so a large output cannot block it.
        let errData = LockedData()
        let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errData.done { usleep(1_000) }
        return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                   stderr: String(decoding: errData.value, as: UTF8.self))
    }

    static func which(_ program: String) -> String? {
        if program.hasPrefix("/") { return FileManager.default.isExecutableFile(atPath: program) ? program : nil }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private var finished = false
    func set(_ d: Data) { lock.lock(); data = d; finished = true; lock.unlock() }
    var done: Bool { lock.lock(); defer { lock.unlock() }; return finished }
    var value: Data { lock.lock(); defer { lock.unlock() }; return data }
}
