import Foundation
import SyncGateCore
import SyncGateKube

/// An in-memory `RolloutCluster` with the API's semantics the engine relies on: resourceVersions, 404/409 as
/// `KubeError`s, guarded updates, RFC 7386 merge patches. For pure tests and the offline demo world.
/// `faults` can inject API errors; `client(killAfter:)` gives a view that dies after N writes (a killed run).
public final class MemoryCluster: RolloutCluster, @unchecked Sendable {
    private let lock = NSLock()
    /// groupResource -> "namespace|name" -> object (indexed by kind: the simulations scan one kind at a time).
    private var objects: [String: [String: Value]] = [:]
    private var version = 1
    /// Called before every request with (verb, resource, namespace, name); throw to inject a fault.
    public var faults: (@Sendable (String, KubeResource, String?, String) throws -> Void)?
    /// Every write, in order: "verb resource ns/name".
    public private(set) var writes: [String] = []

    public init() {}

    static func key(_ r: KubeResource, _ ns: String?, _ name: String) -> String {
        "\(r.namespaced ? (ns ?? "") : "")|\(name)"
    }

    private func check(_ verb: String, _ r: KubeResource, _ ns: String?, _ name: String) throws {
        try faults?(verb, r, ns, name)
    }

    private func status(_ code: Int, _ reason: String, _ message: String, _ verb: String, _ r: KubeResource) -> KubeStatus {
        KubeStatus(code: code, reason: reason, message: message, verb: verb, path: r.groupResource)
    }

    public func get(_ resource: KubeResource, namespace: String?, name: String) async throws -> Value? {
        try check("get", resource, namespace, name)
        return lock.withLock { objects[resource.groupResource]?[Self.key(resource, namespace, name)] }
    }

    public func list(_ resource: KubeResource, namespace: String?, labelSelector: String?) async throws -> [Value] {
        try check("list", resource, namespace, "")
        let items = all(resource, namespace: namespace)
        guard let labelSelector, !labelSelector.isEmpty else { return items }
        let wanted = labelSelector.split(separator: ",").map { $0.split(separator: "=", maxSplits: 1).map(String.init) }
        return items.filter { item in
            wanted.allSatisfy { pair in
                let v = item[path: "metadata", "labels", pair[0]]?.scalarText
                return pair.count == 2 ? v == pair[1] : v != nil
            }
        }
    }

    public func create(_ resource: KubeResource, namespace: String?, _ object: Value) async throws -> Value {
        let name = object[path: "metadata", "name"]?.scalarText ?? ""
        let ns = resource.namespaced ? (namespace ?? object[path: "metadata", "namespace"]?.scalarText) : nil
        try check("create", resource, ns, name)
        return try lock.withLock {
            let k = Self.key(resource, ns, name)
            if objects[resource.groupResource]?[k] != nil { throw KubeError.alreadyExists(status(409, "AlreadyExists", "\(resource.plural) \"\(name)\" already exists", "create", resource)) }
            if let ns, resource.groupResource != "namespaces", strictNamespaces, objects[KubeResource.namespaces.groupResource]?[Self.key(.namespaces, nil, ns)] == nil {
                throw KubeError.notFound(status(404, "NotFound", "namespaces \"\(ns)\" not found", "create", resource))
            }
            let stored = stamp(object, ns: ns, generation: 1)
            objects[resource.groupResource, default: [:]][k] = stored
            writes.append("create \(resource.groupResource) \(ns ?? "")/\(name)")
            return stored
        }
    }

    /// When true, creating in a namespace that does not exist fails with 404 (as the API does).
    public var strictNamespaces = false

    public func update(_ resource: KubeResource, namespace: String?, _ object: Value) async throws -> Value {
        let name = object[path: "metadata", "name"]?.scalarText ?? ""
        let ns = resource.namespaced ? (namespace ?? object[path: "metadata", "namespace"]?.scalarText) : nil
        try check("update", resource, ns, name)
        return try lock.withLock {
            let k = Self.key(resource, ns, name)
            guard let current = objects[resource.groupResource]?[k] else { throw KubeError.notFound(status(404, "NotFound", "\(name) not found", "update", resource)) }
            let rv = object[path: "metadata", "resourceVersion"]?.scalarText
            if rv != current[path: "metadata", "resourceVersion"]?.scalarText {
                throw KubeError.conflict(status(409, "Conflict", "the object has been modified; please apply your changes to the latest version and try again", "update", resource))
            }
            let stored = stamp(object, ns: ns, generation: (current[path: "metadata", "generation"]?.int ?? 1) + 1)
            objects[resource.groupResource, default: [:]][k] = stored
            writes.append("update \(resource.groupResource) \(ns ?? "")/\(name)")
            return stored
        }
    }

    public func mergePatch(_ resource: KubeResource, namespace: String?, name: String, _ patch: Value) async throws -> Value {
        try check("patch", resource, namespace, name)
        return try lock.withLock {
            let k = Self.key(resource, namespace, name)
            guard let current = objects[resource.groupResource]?[k] else { throw KubeError.notFound(status(404, "NotFound", "\(name) not found", "patch", resource)) }
            let merged = MergePatch.apply(patch, to: current)
            let stored = stamp(merged, ns: resource.namespaced ? namespace : nil, generation: (current[path: "metadata", "generation"]?.int ?? 1) + 1)
            objects[resource.groupResource, default: [:]][k] = stored
            writes.append("patch \(resource.groupResource) \(namespace ?? "")/\(name)")
            return stored
        }
    }

    public func delete(_ resource: KubeResource, namespace: String?, name: String) async throws {
        try check("delete", resource, namespace, name)
        try lock.withLock {
            let k = Self.key(resource, namespace, name)
            guard objects[resource.groupResource]?.removeValue(forKey: k) != nil else { throw KubeError.notFound(status(404, "NotFound", "\(name) not found", "delete", resource)) }
            writes.append("delete \(resource.groupResource) \(namespace ?? "")/\(name)")
        }
    }

    /// Writes an object directly (a controller's status write, a test fixture): no checks, no faults.
    @discardableResult
    public func put(_ resource: KubeResource, _ object: Value) -> Value {
        lock.withLock {
            let name = object[path: "metadata", "name"]?.scalarText ?? ""
            let ns = resource.namespaced ? object[path: "metadata", "namespace"]?.scalarText : nil
            let k = Self.key(resource, ns, name)
            let stored = stamp(object, ns: ns, generation: objects[resource.groupResource]?[k]?[path: "metadata", "generation"]?.int ?? 1)
            objects[resource.groupResource, default: [:]][k] = stored
            return stored
        }
    }

    public func remove(_ resource: KubeResource, namespace: String?, name: String) {
        _ = lock.withLock { objects[resource.groupResource]?.removeValue(forKey: Self.key(resource, namespace, name)) }
    }

    public func peek(_ resource: KubeResource, namespace: String?, name: String) -> Value? {
        lock.withLock { objects[resource.groupResource]?[Self.key(resource, namespace, name)] }
    }

    public func all(_ resource: KubeResource, namespace: String? = nil) -> [Value] {
        let prefix = namespace.map { "\($0)|" }
        return lock.withLock {
            let kind = objects[resource.groupResource] ?? [:]
            return kind.filter { prefix == nil || $0.key.hasPrefix(prefix!) }.sorted { $0.key < $1.key }.map(\.value)
        }
    }

    private func stamp(_ object: Value, ns: String?, generation: Int) -> Value {
        version += 1
        var o = object.object ?? Object()
        var meta = o["metadata"]?.object ?? Object()
        if let ns { meta["namespace"] = .string(ns) }
        meta["resourceVersion"] = .string(String(version))
        meta["generation"] = .int(generation)
        if meta["uid"] == nil { meta["uid"] = .string("uid-\(version)") }
        o["metadata"] = .object(meta)
        return .object(o)
    }

    /// A view of this cluster whose writes stop working after `writes` mutating calls: every later call fails
    /// like a process that was killed (nothing more reaches the API, no cleanup).
    public func client(killAfter writes: Int) -> RolloutCluster { DyingClient(base: self, budget: writes) }
}

/// `MemoryCluster.client(killAfter:)`.
final class DyingClient: RolloutCluster, @unchecked Sendable {
    let base: MemoryCluster
    private let lock = NSLock()
    private var budget: Int
    init(base: MemoryCluster, budget: Int) {
        self.base = base
        self.budget = budget
    }
    private func alive(write: Bool) throws {
        try lock.withLock {
            if budget <= 0 { throw CancellationError() }
            if write { budget -= 1 }
        }
    }
    func get(_ r: KubeResource, namespace: String?, name: String) async throws -> Value? { try alive(write: false); return try await base.get(r, namespace: namespace, name: name) }
    func list(_ r: KubeResource, namespace: String?, labelSelector: String?) async throws -> [Value] { try alive(write: false); return try await base.list(r, namespace: namespace, labelSelector: labelSelector) }
    func create(_ r: KubeResource, namespace: String?, _ o: Value) async throws -> Value { try alive(write: true); return try await base.create(r, namespace: namespace, o) }
    func update(_ r: KubeResource, namespace: String?, _ o: Value) async throws -> Value { try alive(write: true); return try await base.update(r, namespace: namespace, o) }
    func mergePatch(_ r: KubeResource, namespace: String?, name: String, _ p: Value) async throws -> Value { try alive(write: true); return try await base.mergePatch(r, namespace: namespace, name: name, p) }
    func delete(_ r: KubeResource, namespace: String?, name: String) async throws { try alive(write: true); try await base.delete(r, namespace: namespace, name: name) }
}

/// RFC 7386 JSON merge patch over `Value`.
public enum MergePatch {
    public static func apply(_ patch: Value, to target: Value) -> Value {
        guard let p = patch.object else { return patch }
        var out = target.object ?? Object()
        for (k, v) in p.pairs {
            if v.isNull { out[k] = nil } else { out[k] = apply(v, to: out[k] ?? .null) }
        }
        return .object(out)
    }
}

extension NSLock {
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}
