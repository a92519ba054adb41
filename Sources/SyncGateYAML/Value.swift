/// SyncGate's compact value for YAML and JSON documents.
///
/// Every node keeps the line and column where it started (1-based; 0 means "made in code"), so that any
/// finding can point at the file and line a user wrote. Objects keep their key order.
/// Equality compares content only, never positions.
public struct Value: Sendable {
    public enum Content: Sendable, Equatable {
        case null
        case bool(Bool)
        case int(Int)
        case double(Double)
        case string(String)
        case array([Value])
        case object(Object)
    }

    public var content: Content
    public var line: Int32
    public var column: Int32

    public init(_ content: Content, line: Int32 = 0, column: Int32 = 0) {
        self.content = content
        self.line = line
        self.column = column
    }

    public static let null = Value(.null)
    public static func string(_ s: String) -> Value { Value(.string(s)) }
    public static func int(_ i: Int) -> Value { Value(.int(i)) }
    public static func bool(_ b: Bool) -> Value { Value(.bool(b)) }
    public static func double(_ d: Double) -> Value { Value(.double(d)) }
    public static func array(_ a: [Value]) -> Value { Value(.array(a)) }
    public static func object(_ o: Object) -> Value { Value(.object(o)) }
    public static func object(_ pairs: KeyValuePairs<String, Value>) -> Value {
        var o = Object()
        for (k, v) in pairs { o[k] = v }
        return Value(.object(o))
    }
}

extension Value: Equatable {
    public static func == (a: Value, b: Value) -> Bool { a.content == b.content }
}

// MARK: - Reading

extension Value {
    public var isNull: Bool { if case .null = content { return true } else { return false } }

    /// The string of a string scalar. Numbers and booleans are not strings here: use `scalarText`.
    public var string: String? { if case .string(let s) = content { return s } else { return nil } }
    public var bool: Bool? { if case .bool(let b) = content { return b } else { return nil } }
    public var int: Int? {
        switch content {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) < 9.0e18: return Int(d)
        default: return nil
        }
    }
    public var double: Double? {
        switch content {
        case .double(let d): return d
        case .int(let i): return Double(i)
        default: return nil
        }
    }
    public var array: [Value]? { if case .array(let a) = content { return a } else { return nil } }
    public var object: Object? { if case .object(let o) = content { return o } else { return nil } }

    /// Any scalar as text, the way a user wrote it in a manifest (`8080`, `true`, `pay`); nil for null and collections.
    public var scalarText: String? {
        switch content {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return d.rounded() == d && abs(d) < 1e15 ? String(Int(d)) : String(d)
        case .bool(let b): return b ? "true" : "false"
        case .null, .array, .object: return nil
        }
    }

    /// The member of an object, or nil (also when this is not an object).
    public subscript(key: String) -> Value? {
        if case .object(let o) = content { return o[key] }
        return nil
    }

    /// The element of an array, or nil when out of range or not an array.
    public subscript(index: Int) -> Value? {
        if case .array(let a) = content, a.indices.contains(index) { return a[index] }
        return nil
    }

    /// Follows a path of object keys: `value[path: "spec", "tls", "secretName"]`.
    public subscript(path keys: String...) -> Value? {
        var current: Value? = self
        for k in keys { current = current?[k] }
        return current
    }

    /// Elements of an array, or an empty array for anything else (missing lists are common in manifests).
    public var elements: [Value] { array ?? [] }
}

// MARK: - Object

/// An ordered map from string keys to values. Kubernetes objects are small; lookups scan below a threshold
/// and use a hash index above it.
public struct Object: Sendable, Equatable {
    public private(set) var keys: [String] = []
    public private(set) var values: [Value] = []
    private var index: [String: Int]? = nil
    private static let indexThreshold = 12

    public init() {}

    /// An object of distinct keys, in order (the decoder has checked them).
    init(keys: [String], values: [Value]) {
        self.keys = keys
        self.values = values
        if keys.count > Self.indexThreshold {
            var built: [String: Int] = [:]
            built.reserveCapacity(keys.count * 2)
            for (i, k) in keys.enumerated() { built[k] = i }
            index = built
        }
    }

    public init(minimumCapacity: Int) {
        keys.reserveCapacity(minimumCapacity)
        values.reserveCapacity(minimumCapacity)
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    public func position(of key: String) -> Int? {
        if let index { return index[key] }
        return keys.firstIndex(of: key)
    }

    public subscript(key: String) -> Value? {
        get { position(of: key).map { values[$0] } }
        set {
            if let i = position(of: key) {
                if let newValue { values[i] = newValue } else { remove(at: i) }
            } else if let newValue {
                append(key, newValue)
            }
        }
    }

    /// Appends without checking for an existing key; the decoder checks duplicates itself.
    mutating func append(_ key: String, _ value: Value) {
        keys.append(key)
        values.append(value)
        if index != nil {
            index![key] = keys.count - 1
        } else if keys.count > Self.indexThreshold {
            var built: [String: Int] = [:]
            built.reserveCapacity(keys.count * 2)
            for (i, k) in keys.enumerated() { built[k] = i }
            index = built
        }
    }

    private mutating func remove(at i: Int) {
        keys.remove(at: i)
        values.remove(at: i)
        if index != nil {
            var built: [String: Int] = [:]
            for (j, k) in keys.enumerated() { built[k] = j }
            index = built
        }
    }

    /// Key-value pairs in document order.
    public var pairs: Zip2Sequence<[String], [Value]> { zip(keys, values) }

    public static func == (a: Object, b: Object) -> Bool {
        guard a.count == b.count else { return false }
        for (k, v) in a.pairs where b[k] != v { return false }
        return true
    }
}
