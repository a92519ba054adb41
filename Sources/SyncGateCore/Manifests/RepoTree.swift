import Foundation

/// The files of a repository that can hold manifests, listed once, sorted, relative to the root.
/// Hidden directories (`.git`), build directories and `node_modules` are not entered.
public struct RepoTree: Sendable {
    public var root: String
    /// Relative paths of `*.yaml`, `*.yml` and `*.json` files, sorted.
    public var files: [String]
    /// Directories (relative, "" for the root) that contain a kustomization file.
    public var kustomizationDirs: Set<String>
    /// Directories that contain a `Chart.yaml` (Helm charts).
    public var chartDirs: Set<String>

    public init(root: String, files: [String], kustomizationDirs: Set<String> = [], chartDirs: Set<String> = []) {
        self.root = root
        self.files = files
        self.kustomizationDirs = kustomizationDirs
        self.chartDirs = chartDirs
    }

    /// Lists `root`. Throws when `root` is not a readable directory.
    public static func scan(root: String) throws -> RepoTree {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDir), isDir.boolValue else {
            throw PlanError.notADirectory(root)
        }
        var files: [String] = []
        var kustomizations: Set<String> = []
        var charts: Set<String> = []
        // readdir's entry types tell files from directories without a stat per entry (Foundation's enumerator
        // stats every one). Symbolic links to files count as files; links to directories are not entered.
        var pending = [""]
        while let dir = pending.popLast() {
            guard let handle = opendir(dir.isEmpty ? root : root + "/" + dir) else { continue }
            defer { closedir(handle) }
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                if name.hasPrefix(".") || name == "node_modules" { continue }
                let path = dir.isEmpty ? name : dir + "/" + name
                var type = Int32(entry.pointee.d_type)
                if type == Int32(DT_UNKNOWN) || type == Int32(DT_LNK) {
                    var info = stat()
                    let absolute = root + "/" + path
                    guard (type == Int32(DT_LNK) ? stat(absolute, &info) : lstat(absolute, &info)) == 0 else { continue }
                    let isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
                    type = isDirectory ? (entry.pointee.d_type == DT_LNK ? Int32(DT_LNK) : Int32(DT_DIR)) : Int32(DT_REG)
                }
                if type == Int32(DT_DIR) {
                    pending.append(path)
                    continue
                }
                guard type == Int32(DT_REG) else { continue }
                switch name {
                case "kustomization.yaml", "kustomization.yml", "Kustomization":
                    kustomizations.insert(dir)
                case "Chart.yaml":
                    charts.insert(dir)
                default:
                    break
                }
                if isManifestFileName(name) { files.append(path) }
            }
        }
        files.sort()
        return RepoTree(root: root, files: files, kustomizationDirs: kustomizations, chartDirs: charts)
    }

    public static func isManifestFileName(_ name: String) -> Bool {
        name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name.hasSuffix(".json")
    }

    public static func lastComponent(_ path: String) -> String {
        if let slash = path.lastIndex(of: "/") { return String(path[path.index(after: slash)...]) }
        return path
    }

    /// The directory part of a relative path, "" for files at the root.
    public static func directory(of path: String) -> String {
        if let slash = path.lastIndex(of: "/") { return String(path[..<slash]) }
        return ""
    }

    /// The chart directory that contains `path`, if any (the nearest one).
    public func chartDir(containing path: String) -> String? {
        var dir = RepoTree.directory(of: path)
        while true {
            if chartDirs.contains(dir) { return dir }
            if dir.isEmpty { return nil }
            dir = RepoTree.directory(of: dir)
        }
    }

    /// The kustomization directory that contains `path` (nearest), if any.
    public func kustomizationDir(containing path: String) -> String? {
        var dir = RepoTree.directory(of: path)
        while true {
            if kustomizationDirs.contains(dir) { return dir }
            if dir.isEmpty { return nil }
            dir = RepoTree.directory(of: dir)
        }
    }

    public func absolute(_ relative: String) -> String {
        relative.isEmpty ? root : (root.hasSuffix("/") ? root + relative : root + "/" + relative)
    }
}
