import Foundation

/// Writes the exposition for node-exporter's textfile collector: to a temporary file in the same directory,
/// then rename(2) over the target, so the collector never reads a half-written file.
public struct TextfileWriter: Sendable {
    public var path: String

    public init(path: String) { self.path = path }

    public struct WriteError: Error, CustomStringConvertible {
        public var description: String
    }

    /// node-exporter only reads files ending in `.prom`.
    public var warning: String? {
        path.hasSuffix(".prom") ? nil : "\(path): node-exporter's textfile collector only reads files ending in .prom"
    }

    public func write(_ text: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw WriteError(description: "\(path): directory \(directory) does not exist; create it or point --textfile at node-exporter's --collector.textfile.directory")
        }
        let temporary = "\(directory)/.\(url.lastPathComponent).\(getpid()).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o644]) else {
            throw WriteError(description: "\(temporary): cannot write (\(String(cString: strerror(errno)))); check the directory's permissions")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw WriteError(description: "\(path): cannot rename the new file into place (\(reason))")
        }
    }
}
