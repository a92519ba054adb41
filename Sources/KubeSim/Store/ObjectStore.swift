import Foundation
import SyncGateCore

/// The address of one stored object.
public struct ObjectRef: Sendable, Hashable, CustomStringConvertible {
    public var key: ResourceKey
    public var namespace: String
    public var name: String
    public init(_ key: ResourceKey, namespace: String, name: String) { self.key = key; self.namespace = namespace; self.name = name }
    public var description: String { namespace.isEmpty ? "\(key)/\(name)" : "\(key) \(namespace)/\(name)" }
}

/// KubeSim's etcd: every object as a `Value`, a global resourceVersion counter, a bounded history of
/// changes for watches, owner-reference garbage collection, finalizers, and structural-schema pruning
/// for custom resources. Thread-safe; every method takes one lock.
public final class ObjectStore: @unchecked Sendable {
    public struct Options: Sendable {
        /// Refuse to create namespaced objects in a namespace that does not exist (like a real API server).
        public var requireNamespaces: Bool = false
        /// Watch history kept for resuming from a resourceVersion; older ones get 410 Gone.
        public var historyLimit: Int = 200_000
        public init() {}
    }

    public let catalog: ResourceCatalog
    let clock: SimClock
    let options: Options
    private let lock = NSLock()
    private var rv = 0
    private var buckets: [ResourceKey: [String: Value]] = [:]
    private var lastChanges: [ResourceKey: Int] = [:]
    private var history: [WatchEvent] = []
    private var compactedThrough = 0
    private var watchers: [ObjectIdentifier: Watcher] = [:]
    private var dependents: [String: Set<ObjectRef>] = [:]
    private var schemaCache: [ResourceKey: (crdRV: String, schema: Value?)] = [:]
    private var random: SplitMix64

    init(catalog: ResourceCatalog, clock: SimClock, options: Options, seed: UInt64) {
        self.catalog = catalog
        self.clock = clock
        self.options = options
        self.random = SplitMix64(seed: seed)
    }

    // MARK: reading

    /// The current global resourceVersion.
    public var resourceVersion: Int { lock.lock(); defer { lock.unlock() }; return rv }

    /// The resourceVersion of the last change to any object of this resource.
    public func lastChange(_ key: ResourceKey) -> Int { lock.lock(); defer { lock.unlock() }; return lastChanges[key] ?? 0 }

    public func type(_ key: ResourceKey) -> ResourceType? { catalog[key] }

    public func get(_ key: ResourceKey, namespace: String = "", name: String) -> Value? {
        lock.lock(); defer { lock.unlock() }
        return buckets[key]?[Self.slot(namespace, name)]
    }

    public func get(_ ref: ObjectRef) -> Value? { get(ref.key, namespace: ref.namespace, name: ref.name) }

    /// Objects sorted by namespace and name (the order a real list returns).
    public func list(_ key: ResourceKey, namespace: String? = nil, labels: LabelSelector? = nil, fields: FieldSelector? = nil) -> [Value] {
        let snapshot: [String: Value]
        lock.lock(); snapshot = buckets[key] ?? [:]; lock.unlock()
        var out: [Value] = []
        out.reserveCapacity(snapshot.count)
        let prefix = namespace.map { $0 + "/" } ?? ""
        for slot in snapshot.keys.sorted() {
            if !prefix.isEmpty && prefix != "/" && !slot.hasPrefix(prefix) { continue }
            let v = snapshot[slot]!
            if let labels, !labels.matches(v.labels) { continue }
            if let fields, !fields.matches(v) { continue }
            out.append(v)
        }
        return out
    }

    /// Counts objects without copying them out.
    public func count(_ key: ResourceKey, namespace: String? = nil, where predicate: (Value) -> Bool = { _ in true }) -> Int {
        lock.lock(); let snapshot = buckets[key] ?? [:]; lock.unlock()
        var n = 0
        for v in snapshot.values where (namespace == nil || v.metadataNamespace == namespace) && predicate(v) { n += 1 }
        return n
    }

    static func slot(_ namespace: String, _ name: String) -> String { namespace.isEmpty ? name : "\(namespace)/\(name)" }

    // MARK: writing

    /// Creates an object. With `keepStatus` false (REST create on a kind with a status subresource) the status is dropped.
    @discardableResult
    public func create(_ type: ResourceType, namespace: String, _ object: Value, keepStatus: Bool = true, dryRun: Bool = false) throws(APIError) -> Value {
        lock.lock(); defer { lock.unlock() }
        return try createLocked(type, namespace: namespace, object, keepStatus: keepStatus, dryRun: dryRun)
    }

    /// Creates an object whose apiVersion and kind say what it is (namespace from metadata, default "default").
    @discardableResult
    public func create(_ object: Value) throws(APIError) -> Value {
        let type = try typeOf(object)
        return try create(type, namespace: type.namespaced ? (object.metadataNamespace.isEmpty ? "default" : object.metadataNamespace) : "", object)
    }

    /// Creates or replaces (keeping uid, creationTimestamp and — for kinds with a status subresource — status
    /// unless the object carries one). For test setup and the Argo CD controller.
    @discardableResult
    public func apply(_ object: Value) throws(APIError) -> Value {
        let type = try typeOf(object)
        let ns = type.namespaced ? (object.metadataNamespace.isEmpty ? "default" : object.metadataNamespace) : ""
        lock.lock(); defer { lock.unlock() }
        if let old = buckets[type.key]?[Self.slot(ns, object.metadataName)] {
            var new = object
            new.set(["metadata", "resourceVersion"], nil)
            if new["status"] == nil, let s = old["status"] { new.set(["status"], s) }
            return try updateLocked(type, namespace: ns, old: old, new, subresource: nil, ignoreStatusSubresource: true, dryRun: false)
        }
        return try createLocked(type, namespace: ns, object, keepStatus: true, dryRun: false)
    }

    /// Replaces an object (PUT). A non-empty metadata.resourceVersion must match (409 Conflict otherwise).
    /// `subresource: "status"` changes only the status; a main update keeps the status when the kind has the subresource.
    @discardableResult
    public func update(_ type: ResourceType, namespace: String, _ object: Value, subresource: String? = nil, dryRun: Bool = false) throws(APIError) -> Value {
        lock.lock(); defer { lock.unlock() }
        let name = object.metadataName
        guard let old = buckets[type.key]?[Self.slot(namespace, name)] else { throw .notFound(type, name) }
        return try updateLocked(type, namespace: namespace, old: old, object, subresource: subresource, ignoreStatusSubresource: false, dryRun: dryRun)
    }

    /// Read-modify-write under the store lock, with no resourceVersion check: for controllers.
    /// Returns the stored result, or nil when the object does not exist. No write when nothing changed.
    @discardableResult
    public func mutate(_ key: ResourceKey, namespace: String = "", name: String, status: Bool = false, _ body: (inout Value) -> Void) -> Value? {
        guard let type = catalog[key] else { return nil }
        lock.lock(); defer { lock.unlock() }
        guard let old = buckets[key]?[Self.slot(namespace, name)] else { return nil }
        var new = old
        body(&new)
        if new == old { return old }
        new.set(["metadata", "resourceVersion"], nil)
        return try? updateLocked(type, namespace: namespace, old: old, new, subresource: status ? "status" : nil,
                                 ignoreStatusSubresource: !status, dryRun: false)
    }

    /// Applies a patch to the current object under the lock (so concurrent patches never conflict, like the API server).
    @discardableResult
    public func patch(_ type: ResourceType, namespace: String, name: String, subresource: String? = nil, dryRun: Bool = false,
                      _ transform: (Value) throws(APIError) -> Value) throws(APIError) -> Value {
        lock.lock(); defer { lock.unlock() }
        guard let old = buckets[type.key]?[Self.slot(namespace, name)] else { throw .notFound(type, name) }
        var new = try transform(old)
        // A resourceVersion in the patch is a precondition; otherwise the patch applies to the latest.
        let wanted = new[path: "metadata", "resourceVersion"]?.scalarText ?? ""
        let current = old[path: "metadata", "resourceVersion"]?.scalarText ?? ""
        if wanted.isEmpty || wanted == current { new.set(["metadata", "resourceVersion"], .string(current)) }
        if new.metadataName != name { throw .badRequest("the name of the object (\(new.metadataName)) does not match the name on the URL (\(name))") }
        return try updateLocked(type, namespace: namespace, old: old, new, subresource: subresource, ignoreStatusSubresource: false, dryRun: dryRun)
    }

    /// Deletes an object: at once, or — when it has finalizers — by setting deletionTimestamp.
    /// Dependents (ownerReferences) and, for a Namespace, everything in it are deleted too.
    @discardableResult
    public func delete(_ type: ResourceType, namespace: String, name: String, preconditionUID: String? = nil,
                       preconditionRV: String? = nil, dryRun: Bool = false) throws(APIError) -> Value {
        lock.lock(); defer { lock.unlock() }
        guard let old = buckets[type.key]?[Self.slot(namespace, name)] else { throw .notFound(type, name) }
        if let preconditionUID, !preconditionUID.isEmpty, old[path: "metadata", "uid"]?.string != preconditionUID {
            throw .conflict(type, name, "Precondition failed: UID in precondition: \(preconditionUID), UID in object meta: \(old[path: "metadata", "uid"]?.string ?? "")")
        }
        if let preconditionRV, !preconditionRV.isEmpty, old[path: "metadata", "resourceVersion"]?.scalarText != preconditionRV {
            throw .conflict(type, name, "Precondition failed: ResourceVersion in precondition: \(preconditionRV), ResourceVersion in object meta: \(old[path: "metadata", "resourceVersion"]?.scalarText ?? "")")
        }
        if dryRun { return old }
        if !(old[path: "metadata", "finalizers"]?.elements.isEmpty ?? true) {
            if old[path: "metadata", "deletionTimestamp"] != nil { return old }
            var new = old
            new.set(["metadata", "deletionTimestamp"], .string(KubeTime.format(clock.now)))
            new.set(["metadata", "deletionGracePeriodSeconds"], .int(0))
            return storeLocked(type, namespace: namespace, old: old, new: new)
        }
        return removeLocked(type, namespace: namespace, old: old)
    }

    /// Convenience for tests and controllers: delete if present, ignoring errors.
    public func remove(_ key: ResourceKey, namespace: String = "", name: String) {
        guard let type = catalog[key] else { return }
        _ = try? delete(type, namespace: namespace, name: name)
    }

    // MARK: watching

    /// Registers a watch. `from` nil: events after now. `from` older than the retained history: 410 Gone.
    public func watch(_ filter: WatchFilter, from: Int?, sendInitial: Bool) throws(APIError) -> Watcher {
        lock.lock(); defer { lock.unlock() }
        let w = Watcher(filter: filter)
        if sendInitial {
            for (_, v) in (buckets[filter.key] ?? [:]).sorted(by: { $0.key < $1.key }) {
                w.push(WatchEvent(type: .added, key: filter.key, namespace: v.metadataNamespace, object: v,
                                  resourceVersion: Int(v[path: "metadata", "resourceVersion"]?.scalarText ?? "") ?? rv))
            }
        } else if let from, from < rv {
            if from < compactedThrough {
                throw .gone("too old resource version: \(from) (\(compactedThrough + 1))")
            }
            var lo = 0, hi = history.count
            while lo < hi { let mid = (lo + hi) / 2; if history[mid].resourceVersion <= from { lo = mid + 1 } else { hi = mid } }
            for e in history[lo...] { w.push(e) }
        }
        watchers[ObjectIdentifier(w)] = w
        return w
    }

    public func stopWatching(_ w: Watcher) {
        lock.lock(); watchers[ObjectIdentifier(w)] = nil; lock.unlock()
        w.close()
    }

    /// Changes to one resource after a resourceVersion, from the watch history; nil when that part of the
    /// history is gone (then read everything again). For controllers that keep incremental indexes.
    public func changes(_ key: ResourceKey, after from: Int) -> [WatchEvent]? {
        lock.lock(); defer { lock.unlock() }
        if from < compactedThrough { return nil }
        var lo = 0, hi = history.count
        while lo < hi { let mid = (lo + hi) / 2; if history[mid].resourceVersion <= from { lo = mid + 1 } else { hi = mid } }
        return history[lo...].filter { $0.key == key }
    }

    /// Forgets the watch history up to now (like etcd compaction): watches from older versions get 410.
    public func compactHistory() {
        lock.lock(); defer { lock.unlock() }
        history.removeAll()
        compactedThrough = rv
    }

    func closeAllWatchers() {
        lock.lock(); let all = Array(watchers.values); watchers.removeAll(); lock.unlock()
        for w in all { w.close() }
    }

    // MARK: internals (lock held)

    func typeOf(_ object: Value) throws(APIError) -> ResourceType {
        let apiVersion = object["apiVersion"]?.string ?? ""
        let kind = object["kind"]?.string ?? ""
        guard let t = catalog.type(apiVersion: apiVersion, kind: kind) else {
            throw .badRequest("no matches for kind \"\(kind)\" in version \"\(apiVersion)\" (KubeSim serves: \(catalog.types.map(\.kind).joined(separator: ", ")))")
        }
        return t
    }

    private func createLocked(_ type: ResourceType, namespace: String, _ object: Value, keepStatus: Bool, dryRun: Bool) throws(APIError) -> Value {
        var obj = object
        guard obj.object != nil else { throw .badRequest("the body of a create must be an object") }
        var name = obj.metadataName
        if name.isEmpty, let prefix = obj[path: "metadata", "generateName"]?.string, !prefix.isEmpty {
            repeat { name = prefix + randomSuffix() } while buckets[type.key]?[Self.slot(namespace, name)] != nil
            obj.set(["metadata", "name"], .string(name))
        }
        guard !name.isEmpty else { throw .invalid(type, "", "metadata.name: Required value: name or generateName is required", field: "metadata.name") }
        if type.namespaced {
            if let ns = obj[path: "metadata", "namespace"]?.string, !ns.isEmpty, ns != namespace {
                throw .badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
            if options.requireNamespaces, buckets[ResourceKey(group: "", plural: "namespaces")]?[namespace] == nil {
                throw APIError(code: 404, reason: "NotFound", message: "namespaces \"\(namespace)\" not found", name: namespace, group: "", kind: "namespaces")
            }
            if let nsObj = buckets[ResourceKey(group: "", plural: "namespaces")]?[namespace], nsObj[path: "metadata", "deletionTimestamp"] != nil {
                throw APIError(code: 403, reason: "Forbidden", message: "\(type.plural) \"\(name)\" is forbidden: unable to create new content in namespace \(namespace) because it is being terminated")
            }
        }
        if buckets[type.key]?[Self.slot(namespace, name)] != nil { throw .alreadyExists(type, name) }
        obj.set(["apiVersion"], .string(type.apiVersion))
        obj.set(["kind"], .string(type.kind))
        obj.set(["metadata", "namespace"], type.namespaced ? .string(namespace) : nil)
        obj.set(["metadata", "uid"], .string(newUID()))
        obj.set(["metadata", "creationTimestamp"], .string(KubeTime.format(clock.now)))
        obj.set(["metadata", "generation"], .int(1))
        obj.set(["metadata", "deletionTimestamp"], nil)
        if type.hasStatus && !keepStatus { obj.set(["status"], nil) }
        obj = try normalize(type, obj)
        if dryRun { return obj }
        return storeLocked(type, namespace: namespace, old: nil, new: obj)
    }

    private func updateLocked(_ type: ResourceType, namespace: String, old: Value, _ object: Value, subresource: String?,
                              ignoreStatusSubresource: Bool, dryRun: Bool) throws(APIError) -> Value {
        let name = old.metadataName
        guard object.object != nil else { throw .badRequest("the body of an update must be an object") }
        if !object.metadataName.isEmpty && object.metadataName != name {
            throw .badRequest("the name of the object (\(object.metadataName)) does not match the name on the URL (\(name))")
        }
        let wanted = object[path: "metadata", "resourceVersion"]?.scalarText ?? ""
        let current = old[path: "metadata", "resourceVersion"]?.scalarText ?? ""
        if !wanted.isEmpty && wanted != current { throw .conflict(type, name) }
        var new: Value
        if subresource == "status" {
            new = old
            new.set(["status"], object["status"])
        } else {
            new = object
            if type.hasStatus && !ignoreStatusSubresource { new.set(["status"], old["status"]) }
            // Immutable and server-owned metadata.
            for field in ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"] {
                new.set(["metadata", field], old[path: "metadata", field])
            }
            if old[path: "metadata", "deletionTimestamp"] == nil { new.set(["metadata", "deletionTimestamp"], nil) }
        }
        new.set(["apiVersion"], .string(type.apiVersion))
        new.set(["kind"], .string(type.kind))
        new.set(["metadata", "name"], .string(name))
        new.set(["metadata", "namespace"], type.namespaced ? .string(namespace) : nil)
        new.set(["metadata", "resourceVersion"], old[path: "metadata", "resourceVersion"])
        new = try normalize(type, new)
        // metadata.generation: bumps when anything but metadata (and status, with the subresource) changes.
        if Self.specPart(new, hasStatus: type.hasStatus) != Self.specPart(old, hasStatus: type.hasStatus) {
            new.set(["metadata", "generation"], .int((old[path: "metadata", "generation"]?.int ?? 1) + 1))
        }
        if new == old { return old }
        if dryRun { return new }
        if new[path: "metadata", "deletionTimestamp"] != nil && (new[path: "metadata", "finalizers"]?.elements.isEmpty ?? true) {
            return removeLocked(type, namespace: namespace, old: old)
        }
        return storeLocked(type, namespace: namespace, old: old, new: new)
    }

    private static func specPart(_ v: Value, hasStatus: Bool) -> Value {
        var o = v.object ?? Object()
        o["metadata"] = nil; o["apiVersion"] = nil; o["kind"] = nil
        if hasStatus { o["status"] = nil }
        return Value(.object(o))
    }

    /// Kind-specific defaulting and pruning on every write.
    private func normalize(_ type: ResourceType, _ object: Value) throws(APIError) -> Value {
        var obj = object
        if type.group.isEmpty && type.plural == "secrets" {
            if let stringData = obj["stringData"]?.object {
                for (k, v) in stringData.pairs {
                    obj.set(["data", k], .string(Data((v.scalarText ?? "").utf8).base64EncodedString()))
                }
                obj.set(["stringData"], nil)
            }
            if obj["type"] == nil { obj.set(["type"], .string("Opaque")) }
        }
        if type.group.isEmpty && type.plural == "namespaces" {
            if obj[path: "status", "phase"] == nil { obj.set(["status", "phase"], .string("Active")) }
            obj.set(["metadata", "labels", "kubernetes.io/metadata.name"], .string(obj.metadataName))
        }
        if type.isCustom, let schema = schemaLocked(type) {
            obj = SchemaPruner.prune(obj, schema: schema, root: true)
        }
        return obj
    }

    /// The openAPIV3Schema of a custom resource from its CRD in the store (cached per CRD resourceVersion).
    private func schemaLocked(_ type: ResourceType) -> Value? {
        let crd = buckets[ResourceKey(group: "apiextensions.k8s.io", plural: "customresourcedefinitions")]?["\(type.plural).\(type.group)"]
        let crdRV = crd?[path: "metadata", "resourceVersion"]?.scalarText ?? ""
        if let cached = schemaCache[type.key], cached.crdRV == crdRV { return cached.schema }
        var schema: Value? = nil
        for v in crd?[path: "spec", "versions"]?.elements ?? [] where v["name"]?.string == type.storageVersion {
            schema = v[path: "schema", "openAPIV3Schema"]
        }
        schemaCache[type.key] = (crdRV, schema)
        return schema
    }

    private func storeLocked(_ type: ResourceType, namespace: String, old: Value?, new: Value) -> Value {
        rv += 1
        var obj = new
        obj.set(["metadata", "resourceVersion"], .string(String(rv)))
        let slot = Self.slot(namespace, obj.metadataName)
        buckets[type.key, default: [:]][slot] = obj
        lastChanges[type.key] = rv
        let ref = ObjectRef(type.key, namespace: namespace, name: obj.metadataName)
        if let old { unindexOwners(old, ref) }
        indexOwners(obj, ref)
        record(WatchEvent(type: old == nil ? .added : .modified, key: type.key, namespace: namespace, object: obj, resourceVersion: rv))
        return obj
    }

    private func removeLocked(_ type: ResourceType, namespace: String, old: Value) -> Value {
        rv += 1
        var obj = old
        obj.set(["metadata", "resourceVersion"], .string(String(rv)))
        buckets[type.key]?[Self.slot(namespace, old.metadataName)] = nil
        lastChanges[type.key] = rv
        let ref = ObjectRef(type.key, namespace: namespace, name: old.metadataName)
        unindexOwners(old, ref)
        record(WatchEvent(type: .deleted, key: type.key, namespace: namespace, object: obj, resourceVersion: rv))
        // Garbage collection of dependents.
        if let uid = old[path: "metadata", "uid"]?.string, let deps = dependents.removeValue(forKey: uid) {
            for d in deps.sorted(by: { $0.description < $1.description }) {
                if let t = catalog[d.key], let child = buckets[d.key]?[Self.slot(d.namespace, d.name)] {
                    _ = removeLocked(t, namespace: d.namespace, old: child)
                }
            }
        }
        // A namespace takes its contents with it.
        if type.group.isEmpty && type.plural == "namespaces" {
            let ns = old.metadataName
            for t in catalog.types where t.namespaced {
                for (slot, child) in buckets[t.key] ?? [:] where slot.hasPrefix(ns + "/") {
                    if buckets[t.key]?[slot] != nil { _ = removeLocked(t, namespace: ns, old: child) }
                }
            }
        }
        return obj
    }

    private func indexOwners(_ v: Value, _ ref: ObjectRef) {
        for o in v[path: "metadata", "ownerReferences"]?.elements ?? [] {
            if let uid = o["uid"]?.string { dependents[uid, default: []].insert(ref) }
        }
    }

    private func unindexOwners(_ v: Value, _ ref: ObjectRef) {
        for o in v[path: "metadata", "ownerReferences"]?.elements ?? [] {
            if let uid = o["uid"]?.string { dependents[uid]?.remove(ref) }
        }
    }

    private func record(_ e: WatchEvent) {
        history.append(e)
        if history.count > options.historyLimit {
            let drop = max(1, options.historyLimit / 10)
            compactedThrough = history[drop - 1].resourceVersion
            history.removeFirst(drop)
        }
        for w in watchers.values { w.push(e) }
    }

    private func newUID() -> String {
        let a = random.next(), b = random.next()
        let hex = String(format: "%016llx%016llx", a, b)
        let c = Array(hex)
        return "\(String(c[0..<8]))-\(String(c[8..<12]))-4\(String(c[13..<16]))-a\(String(c[17..<20]))-\(String(c[20..<32]))"
    }

    func randomSuffix(_ n: Int = 5) -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        var s = ""
        for _ in 0..<n { s.append(alphabet[Int(random.next() % UInt64(alphabet.count))]) }
        return s
    }

    /// Random suffixes for names controllers generate (deterministic per seed).
    public func generateSuffix(_ n: Int = 5) -> String { lock.lock(); defer { lock.unlock() }; return randomSuffix(n) }
    public func randomNumber() -> UInt64 { lock.lock(); defer { lock.unlock() }; return random.next() }
}

/// A small deterministic random number generator.
struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
