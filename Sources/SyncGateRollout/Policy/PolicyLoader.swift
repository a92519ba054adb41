import Foundation
import SyncGateCore

/// The one function of the policy that touches the file system.
public enum PolicyLoader {
    public static let fileName = "syncgate.yaml"

    /// Reads `syncgate.yaml` (or `syncgate.yml`) at the root of `repo`; the default policy when there is none.
    public static func load(repo: String) throws -> RolloutPolicy {
        for name in [fileName, "syncgate.yml"] {
            let path = (repo as NSString).appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: path) { return try load(file: path, displayName: name) }
        }
        return RolloutPolicy.default
    }

    /// Reads one policy file. `displayName` is how messages name it (relative to the repo).
    public static func load(file path: String, displayName: String? = nil) throws -> RolloutPolicy {
        let name = displayName ?? path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PolicyError([PolicyProblem(file: name, line: 0, field: "(file)", message: "cannot be read",
                                             remedy: "Check that the file exists and is readable.")])
        }
        return try PolicyParser.parse(text: String(decoding: data, as: UTF8.self), file: name)
    }
}
