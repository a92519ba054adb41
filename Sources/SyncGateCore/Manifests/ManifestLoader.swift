import Foundation

/// Reads files into `Manifest`s with the streaming decoder. Never throws for a bad file: everything that cannot
/// be read as a Kubernetes object becomes a finding with its file and line, and the rest goes on.
public struct ManifestLoader: Sendable {
    /// Keep whole objects only for the kinds SyncGate reasons about; others keep apiVersion, kind and metadata
    /// (enough for ownership and waves) so memory stays small on big repositories.
    public var slimIrrelevantKinds: Bool

    public init(slimIrrelevantKinds: Bool = true) {
        self.slimIrrelevantKinds = slimIrrelevantKinds
    }

    /// Reads and decodes one file. `relative` is the path reported in findings.
    public func loadFile(absolute: String, relative: String) -> LoadOutput {
        let name = RepoTree.lastComponent(relative)
        if ManifestLoader.isValuesFileName(name) {
            return LoadOutput(findings: [Finding(RuleCatalog.notAnObject,
                message: "\(relative) looks like a Helm values file; it is read only when a chart is rendered",
                object: relative, location: SourceLocation(file: relative, line: 1))])
        }
        guard let data = FileManager.default.contents(atPath: absolute) else {
            return LoadOutput(findings: [Finding(RuleCatalog.unreadable, message: "cannot read \(relative)",
                object: relative, location: SourceLocation(file: relative, line: 0))])
        }
        return data.withUnsafeBytes { raw in decode(raw, file: relative) }
    }

    /// Decodes a buffer holding one or more YAML documents (or one JSON document).
    public func decode(_ bytes: UnsafeRawBufferPointer, file: String, application: String? = nil,
                       defaultNamespace: String? = nil) -> LoadOutput {
        var out = LoadOutput()
        let templated = ManifestLoader.containsTemplateMarker(bytes)
        var diagnostics: [YAMLDiagnostic] = []
        var skippedNoKind: [Int32] = []
        var skippedTemplates: [Int32] = []
        var sawSOPS = false
        do {
            try YAMLDecoder.decode(bytes, file: file, diagnostics: &diagnostics) { doc in
                let root = doc.root
                if root.isNull { return }
                let line = root.line > 0 ? root.line : doc.line
                guard let object = root.object else {
                    skippedNoKind.append(line)
                    return
                }
                if object["sops"]?.object != nil { sawSOPS = true }
                guard let kind = object["kind"]?.string, !kind.isEmpty else {
                    skippedNoKind.append(line)
                    return
                }
                if templated && kind != "ApplicationSet" && ManifestLoader.containsTemplate(root) {
                    skippedTemplates.append(line)
                    return
                }
                let location = SourceLocation(file: file, line: Int(line))
                if kind == "List" || (kind.hasSuffix("List") && object["items"]?.array != nil) {
                    for item in root["items"]?.elements ?? [] where item["kind"]?.string != nil {
                        let itemLocation = SourceLocation(file: file, line: Int(item.line > 0 ? item.line : line))
                        out.manifests.append(Manifest(value: slim(item), location: itemLocation,
                                                      application: application, defaultNamespace: defaultNamespace))
                    }
                    return
                }
                out.manifests.append(Manifest(value: slim(root), location: location, application: application,
                                              defaultNamespace: defaultNamespace))
            }
        } catch let error as YAMLSyntaxError {
            if templated {
                out.findings.append(Finding(RuleCatalog.templateSkipped,
                    message: "\(file) contains template expressions ({{ }}) and is not valid YAML as written (\(error.problem) at line \(error.line)); skipped",
                    object: file, location: SourceLocation(file: file, line: Int(error.line), column: Int(error.column))))
            } else {
                out.findings.append(Finding(RuleCatalog.parseError,
                    message: "\(file):\(error.line):\(error.column): \(error.problem)\(error.context.map { " (\($0))" } ?? "")",
                    object: file, location: SourceLocation(file: file, line: Int(error.line), column: Int(error.column)),
                    remedy: "Fix the YAML at line \(error.line), column \(error.column); Argo CD cannot apply this file either. Documents before the error were planned."))
            }
        } catch {
            out.findings.append(Finding(RuleCatalog.parseError, message: "\(file): \(error)", object: file,
                                        location: SourceLocation(file: file, line: 0)))
        }
        for d in diagnostics {
            let severity: Severity = d.severity == .info ? .info : .warning
            out.findings.append(Finding(RuleCatalog.yamlDiagnostic, message: d.message, object: file,
                location: SourceLocation(file: file, line: Int(d.line), column: Int(d.column)), severity: severity))
        }
        if sawSOPS {
            out.findings.append(Finding(RuleCatalog.sopsFile,
                message: "\(file) is SOPS-encrypted; only its kind and metadata are read", object: file,
                location: SourceLocation(file: file, line: 1)))
        }
        if let first = skippedTemplates.first {
            out.findings.append(Finding(RuleCatalog.templateSkipped,
                message: "\(skippedTemplates.count) document(s) in \(file) contain template expressions ({{ }}); not planned unless rendered",
                object: file, location: SourceLocation(file: file, line: Int(first))))
        }
        if let first = skippedNoKind.first {
            let name = RepoTree.lastComponent(file)
            if !ManifestLoader.isKustomizationFileName(name) {
                out.findings.append(Finding(RuleCatalog.notAnObject,
                    message: "\(skippedNoKind.count) document(s) in \(file) have no kind (values, patches or lists); skipped",
                    object: file, location: SourceLocation(file: file, line: Int(first))))
            }
        }
        return out
    }

    /// Keeps the parts SyncGate reads. Secrets never keep their data.
    func slim(_ root: Value) -> Value {
        guard slimIrrelevantKinds, let object = root.object, let kind = object["kind"]?.string else { return root }
        if ResourceKinds.isRelevant(kind) {
            if Workload.isWorkloadKind(kind) { return ManifestLoader.slimWorkload(root, object) }
            if kind == "Secret" {
                var o = Object()
                for key in ["apiVersion", "kind", "metadata", "type"] { if let v = object[key] { o[key] = v } }
                return Value(.object(o), line: root.line, column: root.column)
            }
            return root
        }
        if kind == "ConfigMap" {
            let data = object["data"]
            if data?["proxy-buffer-size"] != nil || data?["proxy-busy-buffers-size"] != nil || data?["proxy-buffers-number"] != nil {
                return root
            }
        }
        var o = Object()
        for key in ["apiVersion", "kind", "metadata"] { if let v = object[key] { o[key] = v } }
        return Value(.object(o), line: root.line, column: root.column)
    }

    /// A workload keeps metadata, selector, pod labels and container names and images.
    static func slimWorkload(_ root: Value, _ object: Object) -> Value {
        var o = Object()
        for key in ["apiVersion", "kind", "metadata"] { if let v = object[key] { o[key] = v } }
        guard let spec = object["spec"] else { return Value(.object(o), line: root.line, column: root.column) }
        var s = Object()
        if let sel = spec["selector"] { s["selector"] = sel }
        if let tpl = spec["template"] {
            var t = Object()
            if let md = tpl["metadata"] { t["metadata"] = md }
            if let podSpec = tpl["spec"] {
                var p = Object()
                for key in ["initContainers", "containers"] {
                    guard let list = podSpec[key] else { continue }
                    let slim = list.elements.map { c -> Value in
                        var co = Object()
                        if let n = c["name"] { co["name"] = n }
                        if let i = c["image"] { co["image"] = i }
                        return Value(.object(co), line: c.line, column: c.column)
                    }
                    p[key] = Value(.array(slim), line: list.line, column: list.column)
                }
                t["spec"] = Value(.object(p), line: podSpec.line, column: podSpec.column)
            }
            s["template"] = Value(.object(t), line: tpl.line, column: tpl.column)
        }
        o["spec"] = Value(.object(s), line: spec.line, column: spec.column)
        return Value(.object(o), line: root.line, column: root.column)
    }

    static func isValuesFileName(_ name: String) -> Bool {
        (name.hasPrefix("values") && (name.hasSuffix(".yaml") || name.hasSuffix(".yml"))) || name == "Chart.yaml"
            || name == "Chart.lock" || name == "values.schema.json"
    }

    static func isKustomizationFileName(_ name: String) -> Bool {
        name == "kustomization.yaml" || name == "kustomization.yml" || name == "Kustomization"
    }

    static func containsTemplateMarker(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let brace = UInt8(ascii: "{")
        guard bytes.count > 1 else { return false }
        var previous: UInt8 = 0
        for b in bytes {
            if b == brace && previous == brace { return true }
            previous = b
        }
        return false
    }

    static func containsTemplate(_ value: Value) -> Bool {
        var stack = [value]
        while let v = stack.popLast() {
            switch v.content {
            case .string(let s): if s.contains("{{") { return true }
            case .array(let a): stack.append(contentsOf: a)
            case .object(let o):
                for (k, child) in o.pairs {
                    if k.contains("{{") { return true }
                    stack.append(child)
                }
            default: break
            }
        }
        return false
    }
}
