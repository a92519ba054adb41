import Foundation
import SyncGateCore

/// Argo CD's application controller, small: reads the manifests under `spec.source.path` in the configured
/// repo directory (plain YAML, or `kubectl kustomize` where a kustomization.yaml is), compares them with the
/// store (Synced/OutOfSync, health), auto-syncs when `spec.syncPolicy.automated` is present and `enabled` is
/// not false, executes an `operation.sync` once (optionally only some `resources`), records
/// `status.operationState` and clears `operation`. Deleting an Application with the resources finalizer
/// deletes what it deployed.
final class ArgoCDController: Controller, @unchecked Sendable {
    let kind = ControllerKind.argoCD
    let ctx: ControllerContext
    private struct Rendered { var fingerprint: String; var manifests: [Value]; var error: String? }
    private let cache = Locked<[String: Rendered]>([:])
    /// Per Application: the resourceVersion last seen and when the repo was last read.
    private let seen = Locked<[String: (spec: String, polled: Date)]>([:])

    static let apps = ResourceKey(group: ControllerContext.argoGroup, plural: "applications")
    static let finalizer = "resources-finalizer.argocd.argoproj.io"
    static let trackingAnnotation = "argocd.argoproj.io/tracking-id"

    init(_ ctx: ControllerContext) { self.ctx = ctx }

    func reconcile(now: Date) -> Date? {
        var wake: Date? = nil
        let poll = ctx.options.argoCD.repoPollSeconds
        for app in ctx.store.list(Self.apps) {
            if app[path: "metadata", "deletionTimestamp"] != nil { finalize(app); continue }
            let key = "\(app.metadataNamespace)/\(app.metadataName)"
            let spec = (app["spec"] ?? .null).json
            let memo = seen.value[key]
            // Read the repo again when the poll is due or the Application's spec changed; compare every pass.
            let reread = memo == nil || memo!.spec != spec || now >= memo!.polled.addingTimeInterval(poll)
            let polled = reread ? now : memo!.polled
            seen.withLock { $0[key] = (spec, polled) }
            reconcile(app, now: now, forceRead: reread)
            let next = polled.addingTimeInterval(poll)
            wake = wake.map { min($0, next) } ?? next
        }
        return wake
    }

    // MARK: repo

    private func render(_ app: Value, forceRead: Bool) -> (revision: String, manifests: [Value], error: String?) {
        let source = app[path: "spec", "source"] ?? app[path: "spec", "sources"]?[0] ?? .obj([])
        guard let repo = ctx.options.argoCD.repoDirectory else {
            return ("", [], "KubeSim has no repo directory configured (KubeSimOptions.argoCD.repoDirectory / kubesim serve --repo)")
        }
        let path = source["path"]?.string ?? "."
        let dir = URL(fileURLWithPath: repo).appendingPathComponent(path).standardizedFileURL.path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            return ("", [], "Failed to load target state: app path does not exist: \(path) (in \(repo))")
        }
        if !forceRead, let cached = cache.value[dir] {
            return (Self.revision(cached.fingerprint), cached.manifests, cached.error)
        }
        let recurse = source[path: "directory", "recurse"]?.bool ?? false
        let files = Self.files(in: dir, recurse: recurse)
        var fingerprint = ""
        for f in files {
            let attrs = try? FileManager.default.attributesOfItem(atPath: f)
            let size = (attrs?[.size] as? NSNumber)?.intValue ?? 0
            let mtime = (attrs?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            fingerprint += "\(f):\(size):\(mtime);"
        }
        if let cached = cache.value[dir], cached.fingerprint == fingerprint {
            return (Self.revision(fingerprint), cached.manifests, cached.error)
        }
        var manifests: [Value] = []
        var error: String? = nil
        let kustomization = ["kustomization.yaml", "kustomization.yml", "Kustomization"].map { dir + "/" + $0 }.first { FileManager.default.fileExists(atPath: $0) }
        if kustomization != nil && ctx.options.argoCD.kustomize {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: ctx.options.argoCD.kubectlPath)
            p.arguments = ["kustomize", dir]
            let out = Pipe(), err = Pipe()
            p.standardOutput = out; p.standardError = err
            do {
                try p.run()
                let data = out.fileHandleForReading.readDataToEndOfFile()
                let errData = err.fileHandleForReading.readDataToEndOfFile()
                p.waitUntilExit()
                if p.terminationStatus == 0 {
                    manifests = try YAMLDecoder.decodeAll(Array(data), file: dir).documents.map(\.root).filter { !$0.isNull }
                } else {
                    error = "kustomize build \(path) failed: \(String(decoding: errData, as: UTF8.self))"
                }
            } catch {
                manifests = []
            }
        } else {
            for f in files where !f.hasSuffix("kustomization.yaml") {
                do {
                    let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: f)))
                    for doc in try YAMLDecoder.decodeAll(bytes, file: f).documents where doc.root.object != nil {
                        if doc.root["kind"]?.string == "List" { manifests += doc.root["items"]?.elements ?? [] } else { manifests.append(doc.root) }
                    }
                } catch {
                    manifests = []
                    // keep going; the error names the file
                    cache.withLock { $0[dir] = nil }
                    return (Self.revision(fingerprint), [], "Failed to load target state: \(error)")
                }
            }
        }
        cache.withLock { $0[dir] = Rendered(fingerprint: fingerprint, manifests: manifests, error: error) }
        return (Self.revision(fingerprint), manifests, error)
    }

    static func files(in dir: String, recurse: Bool) -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        guard let entries = try? fm.contentsOfDirectory(atPath: dir) else { return [] }
        for e in entries.sorted() where !e.hasPrefix(".") {
            let full = dir + "/" + e
            var isDir: ObjCBool = false
            fm.fileExists(atPath: full, isDirectory: &isDir)
            if isDir.boolValue {
                if recurse { out += files(in: full, recurse: true) }
            } else if e.hasSuffix(".yaml") || e.hasSuffix(".yml") || e.hasSuffix(".json") {
                out.append(full)
            }
        }
        return out
    }

    static func revision(_ fingerprint: String) -> String {
        (0..<5).map { String(format: "%08x", CertManager.fnv32("\($0)" + fingerprint)) }.joined()
    }

    // MARK: compare and sync

    struct Desired { var type: ResourceType?; var object: Value; var namespace: String; var group: String; var version: String; var kind: String; var name: String }

    private func desired(_ app: Value, _ manifests: [Value]) -> [Desired] {
        let destNS = app[path: "spec", "destination", "namespace"]?.string ?? ""
        return manifests.map { m in
            let (g, v) = ResourceCatalog.split(m["apiVersion"]?.string ?? "")
            let kind = m["kind"]?.string ?? ""
            let type = ctx.store.catalog.type(apiVersion: m["apiVersion"]?.string ?? "", kind: kind)
            var ns = m.metadataNamespace
            if type?.namespaced ?? true { if ns.isEmpty { ns = destNS.isEmpty ? "default" : destNS } } else { ns = "" }
            return Desired(type: type, object: m, namespace: ns, group: g, version: v, kind: kind, name: m.metadataName)
        }
    }

    static func isSubset(_ want: Value, _ have: Value?, top: Bool = true) -> Bool {
        guard let have else { return false }
        switch want.content {
        case .object(let o):
            guard let h = have.object else { return false }
            for (k, v) in o.pairs {
                // Status is the cluster's; apiVersion may name another served version of the same group.
                if top && (k == "status" || k == "apiVersion") { continue }
                if top && k == "metadata" {
                    for field in ["labels", "annotations"] {
                        for (lk, lv) in v[field]?.object?.pairs ?? Object().pairs where lk != "kubectl.kubernetes.io/last-applied-configuration" {
                            if have[path: "metadata", field, lk]?.scalarText != lv.scalarText { return false }
                        }
                    }
                    continue
                }
                if !isSubset(v, h[k], top: false) { return false }
            }
            return true
        case .array(let a):
            guard let h = have.array, h.count == a.count else { return false }
            for (x, y) in zip(a, h) where !isSubset(x, y, top: false) { return false }
            return true
        case .null:
            return have.isNull
        default:
            return want.scalarText == have.scalarText
        }
    }

    private func health(_ d: Desired, live: Value?) -> String {
        guard let live else { return "Missing" }
        switch d.kind {
        case "Certificate":
            let conds = live[path: "status", "conditions"]?.elements
            if Conditions.status(conds, "Ready") == "True" { return "Healthy" }
            if Conditions.status(conds, "Issuing") == "True" { return "Progressing" }
            return conds == nil ? "Progressing" : "Degraded"
        case "Application":
            return live[path: "status", "health", "status"]?.string ?? "Unknown"
        case "Deployment", "StatefulSet", "DaemonSet":
            guard let status = live["status"] else { return "Progressing" }
            let want = live[path: "spec", "replicas"]?.int ?? 1
            return (status["availableReplicas"]?.int ?? 0) >= want ? "Healthy" : "Progressing"
        default:
            return "Healthy"
        }
    }

    static let healthRank = ["Healthy": 0, "Suspended": 1, "Progressing": 2, "Missing": 3, "Degraded": 4, "Unknown": 5]

    private func reconcile(_ app: Value, now: Date, forceRead: Bool) {
        let store = ctx.store
        let (revision, manifests, error) = render(app, forceRead: forceRead)
        let appName = app.metadataName
        var status = app["status"] ?? .obj([])
        let source = app[path: "spec", "source"] ?? app[path: "spec", "sources"]?[0] ?? .obj([])
        if let error {
            status.set(["conditions"], .array([.obj([("type", .string("ComparisonError")), ("message", .string(error)),
                                                     ("lastTransitionTime", .string(KubeTime.format(now)))])]))
            status.set(["sync", "status"], .string("Unknown"))
            status.set(["health", "status"], .string("Unknown"))
            let final = status
            store.mutate(Self.apps, namespace: app.metadataNamespace, name: appName) { v in v.set(["status"], final) }
            return
        }
        status.set(["conditions"], nil)
        var items = desired(app, manifests)
        var operationState: Value? = nil
        var clearOperation = false

        // An explicit operation runs once.
        if let op = app[path: "operation", "sync"] {
            let filter = op["resources"]?.elements ?? []
            let selected = filter.isEmpty ? items : items.filter { d in
                filter.contains { ($0["kind"]?.string ?? "") == d.kind && ($0["name"]?.string ?? "") == d.name
                    && ($0["group"]?.string ?? "") == d.group && ($0["namespace"]?.string.map { $0 == d.namespace } ?? true) }
            }
            let prune = op["prune"]?.bool ?? false
            operationState = sync(app, selected, all: items, prune: prune && filter.isEmpty, revision: revision, source: source, now: now,
                                  operation: app["operation"] ?? .obj([]))
            clearOperation = true
        } else {
            let automated = app[path: "spec", "syncPolicy", "automated"]
            let enabled = automated != nil && !(automated!.isNull) && automated?["enabled"]?.bool != false
            if enabled {
                let outOfSync = items.contains { d in
                    guard let t = d.type else { return true }
                    return !Self.isSubset(d.object, store.get(t.key, namespace: d.namespace, name: d.name))
                }
                let last = status["operationState"]
                let lastRevision = last?[path: "syncResult", "revision"]?.string
                let lastSource = last?[path: "syncResult", "source"]
                let sameTarget = lastRevision == revision && lastSource == source
                let selfHeal = automated?["selfHeal"]?.bool ?? false
                let failedBefore = last?["phase"]?.string == "Failed" && sameTarget
                if outOfSync && !failedBefore && (!sameTarget || selfHeal) {
                    let op = Value.obj([("sync", .obj([("revision", .string(revision)), ("prune", .bool(automated?["prune"]?.bool ?? false))])),
                                        ("initiatedBy", .obj([("automated", .bool(true))])), ("retry", .obj([]))])
                    operationState = sync(app, items, all: items, prune: automated?["prune"]?.bool ?? false, revision: revision, source: source, now: now, operation: op)
                }
            }
        }
        if let operationState {
            status.set(["operationState"], operationState)
            if operationState["phase"]?.string == "Succeeded" {
                var history = status["history"]?.elements ?? []
                history.append(.obj([("revision", .string(revision)), ("deployedAt", .string(KubeTime.format(now))), ("id", .int(history.count)),
                                     ("source", source), ("deployStartedAt", .string(KubeTime.format(now))),
                                     ("initiatedBy", operationState[path: "operation", "initiatedBy"] ?? .obj([]))]))
                status.set(["history"], .array(Array(history.suffix(10))))
            }
            items = desired(app, manifests)
        }

        // Compare: sync and health.
        var resources: [Value] = []
        var allSynced = true
        var worst = "Healthy"
        for d in items {
            let live = d.type.flatMap { store.get($0.key, namespace: d.namespace, name: d.name) }
            let synced = d.type != nil && Self.isSubset(d.object, live)
            if !synced { allSynced = false }
            let h = health(d, live: live)
            if (Self.healthRank[h] ?? 5) > (Self.healthRank[worst] ?? 0) { worst = h }
            var r: [(String, Value)] = [("group", .string(d.group)), ("version", .string(d.version)), ("kind", .string(d.kind))]
            if !d.namespace.isEmpty { r.append(("namespace", .string(d.namespace))) }
            r += [("name", .string(d.name)), ("status", .string(synced ? "Synced" : "OutOfSync")), ("health", .obj([("status", .string(h))]))]
            resources.append(.obj(r))
        }
        status.set(["resources"], .array(resources))
        status.set(["sync"], .obj([("status", .string(allSynced ? "Synced" : "OutOfSync")),
                                   ("comparedTo", .obj([("source", source), ("destination", app[path: "spec", "destination"] ?? .obj([]))])),
                                   ("revision", .string(revision))]))
        status.set(["health", "status"], .string(worst))
        status.set(["sourceType"], .string("Directory"))
        status.set(["summary"], .obj([]))
        status.set(["controllerNamespace"], .string("argocd"))
        var previous = app["status"] ?? .obj([])
        previous.set(["reconciledAt"], nil)
        status.set(["reconciledAt"], nil)
        if previous == status && !clearOperation { return }
        status.set(["reconciledAt"], .string(KubeTime.format(now)))
        let final = status
        store.mutate(Self.apps, namespace: app.metadataNamespace, name: appName) { v in
            v.set(["status"], final)
            if clearOperation { v.set(["operation"], nil) }
        }
    }

    private func sync(_ app: Value, _ selected: [Desired], all: [Desired], prune: Bool, revision: String, source: Value, now: Date, operation: Value) -> Value {
        let store = ctx.store
        let appName = app.metadataName
        var results: [Value] = []
        var failed: String? = nil
        // CreateNamespace=true
        let options = app[path: "spec", "syncPolicy", "syncOptions"]?.elements.compactMap(\.string) ?? []
        if options.contains("CreateNamespace=true"), let ns = app[path: "spec", "destination", "namespace"]?.string, !ns.isEmpty,
           store.get(ResourceKey(group: "", plural: "namespaces"), name: ns) == nil {
            _ = try? store.create(.obj([("apiVersion", .string("v1")), ("kind", .string("Namespace")), ("metadata", .obj([("name", .string(ns))]))]))
        }
        // Waves, then kinds in Argo CD's order (namespaces and config first).
        let ordered = selected.enumerated().sorted { a, b in
            let wa = Int(a.element.object.annotations["argocd.argoproj.io/sync-wave"] ?? "0") ?? 0
            let wb = Int(b.element.object.annotations["argocd.argoproj.io/sync-wave"] ?? "0") ?? 0
            if wa != wb { return wa < wb }
            let ka = Self.kindOrder(a.element.kind), kb = Self.kindOrder(b.element.kind)
            if ka != kb { return ka < kb }
            return a.offset < b.offset
        }.map(\.element)
        for d in ordered {
            if d.object.annotations["argocd.argoproj.io/hook"] != nil { continue }
            var r: [(String, Value)] = [("group", .string(d.group)), ("version", .string(d.version)), ("kind", .string(d.kind))]
            if !d.namespace.isEmpty { r.append(("namespace", .string(d.namespace))) }
            r.append(("name", .string(d.name)))
            guard let type = d.type else {
                r += [("status", .string("SyncFailed")), ("message", .string("the server could not find the requested resource (\(d.kind) \(d.group)/\(d.version))")), ("syncPhase", .string("Sync"))]
                results.append(.obj(r))
                failed = failed ?? "one or more objects failed to apply, reason: the server could not find the requested resource"
                continue
            }
            var obj = d.object
            if type.namespaced { obj.set(["metadata", "namespace"], .string(d.namespace)) }
            obj.set(["metadata", "annotations", Self.trackingAnnotation], .string("\(appName):\(d.group)/\(d.kind):\(d.namespace)/\(d.name)"))
            let existed = store.get(type.key, namespace: d.namespace, name: d.name) != nil
            do {
                if type.namespaced && store.get(ResourceKey(group: "", plural: "namespaces"), name: d.namespace) == nil && store.options.requireNamespaces {
                    throw APIError(code: 404, reason: "NotFound", message: "namespaces \"\(d.namespace)\" not found")
                }
                try store.apply(obj)
                r += [("status", .string("Synced")), ("message", .string("\(type.plural).\(d.group.isEmpty ? "" : d.group)/\(d.name) \(existed ? "configured" : "created")")),
                      ("hookPhase", .string("Running")), ("syncPhase", .string("Sync"))]
            } catch {
                r += [("status", .string("SyncFailed")), ("message", .string("\(error)")), ("syncPhase", .string("Sync"))]
                failed = failed ?? "one or more objects failed to apply, reason: \(error)"
            }
            results.append(.obj(r))
        }
        if prune {
            let wanted = Set(all.map { "\($0.group)/\($0.kind):\($0.namespace)/\($0.name)" })
            for t in store.catalog.types {
                for live in store.list(t.key) {
                    guard let tracking = live.annotations[Self.trackingAnnotation], tracking.hasPrefix(appName + ":") else { continue }
                    let id = String(tracking.dropFirst(appName.count + 1))
                    if wanted.contains(id) { continue }
                    _ = try? store.delete(t, namespace: live.metadataNamespace, name: live.metadataName)
                    results.append(.obj([("group", .string(t.group)), ("version", .string(t.storageVersion)), ("kind", .string(t.kind)),
                                         ("namespace", .string(live.metadataNamespace)), ("name", .string(live.metadataName)),
                                         ("status", .string("Pruned")), ("message", .string("pruned")), ("syncPhase", .string("Sync"))]))
                }
            }
        }
        return .obj([
            ("operation", operation),
            ("phase", .string(failed == nil ? "Succeeded" : "Failed")),
            ("message", .string(failed ?? "successfully synced (all tasks run)")),
            ("startedAt", .string(KubeTime.format(now))), ("finishedAt", .string(KubeTime.format(now))),
            ("syncResult", .obj([("resources", .array(results)), ("revision", .string(revision)), ("source", source)])),
        ])
    }

    static func kindOrder(_ kind: String) -> Int {
        let order = ["Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy", "PodDisruptionBudget", "ServiceAccount",
                     "Secret", "SecretList", "ConfigMap", "StorageClass", "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition",
                     "ClusterRole", "ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding",
                     "RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
                     "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService"]
        return order.firstIndex(of: kind) ?? order.count
    }

    private func finalize(_ app: Value) {
        let finalizers = app[path: "metadata", "finalizers"]?.elements.compactMap(\.string) ?? []
        guard finalizers.contains(Self.finalizer) else { return }
        let appName = app.metadataName
        for t in ctx.store.catalog.types {
            for live in ctx.store.list(t.key) where live.annotations[Self.trackingAnnotation]?.hasPrefix(appName + ":") == true {
                _ = try? ctx.store.delete(t, namespace: live.metadataNamespace, name: live.metadataName)
            }
        }
        ctx.store.mutate(Self.apps, namespace: app.metadataNamespace, name: appName) { v in
            v.set(["metadata", "finalizers"], .strings(finalizers.filter { $0 != Self.finalizer }))
        }
    }
}
