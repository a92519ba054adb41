import Foundation
import SyncGateCore

/// One change in the store, as a watch sends it.
public struct WatchEvent: Sendable {
    public enum Kind: String, Sendable { case added = "ADDED", modified = "MODIFIED", deleted = "DELETED", error = "ERROR", bookmark = "BOOKMARK" }
    public var type: Kind
    public var key: ResourceKey
    public var namespace: String
    public var object: Value
    public var resourceVersion: Int
}

/// What a watcher wants to see.
public struct WatchFilter: Sendable {
    public var key: ResourceKey
    public var namespace: String?
    public var labels: LabelSelector?
    public var fields: FieldSelector?

    public init(key: ResourceKey, namespace: String? = nil, labels: LabelSelector? = nil, fields: FieldSelector? = nil) {
        self.key = key; self.namespace = namespace; self.labels = labels; self.fields = fields
    }

    func matches(_ e: WatchEvent) -> Bool {
        guard e.key == key else { return false }
        if let namespace, e.namespace != namespace { return false }
        if let labels, !labels.matches(e.object.labels) { return false }
        if let fields, !fields.matches(e.object) { return false }
        return true
    }
}

/// A queue of events for one watch stream. The store pushes; the connection thread pops with a timeout.
public final class Watcher: @unchecked Sendable {
    let filter: WatchFilter
    private let condition = NSCondition()
    private var queue: [WatchEvent] = []
    private var head = 0
    private var closed = false

    init(filter: WatchFilter) { self.filter = filter }

    func push(_ e: WatchEvent) {
        guard filter.matches(e) else { return }
        condition.lock()
        queue.append(e)
        condition.signal()
        condition.unlock()
    }

    public func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next event, or nil after `timeout` seconds or when closed.
    public func next(timeout: TimeInterval) -> WatchEvent? {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(timeout)
        while head >= queue.count && !closed {
            if !condition.wait(until: deadline) { break }
        }
        guard head < queue.count else { return nil }
        let e = queue[head]
        head += 1
        if head > 1024 && head * 2 > queue.count { queue.removeFirst(head); head = 0 }
        return e
    }

    public var isClosed: Bool { condition.lock(); defer { condition.unlock() }; return closed }
}
