import Foundation
import SyncGateCore

/// Small in-place editing helpers for `Value` trees (objects as JSON).
extension Value {
    /// Sets (or removes, with nil) the value at a path of object keys, creating intermediate objects.
    public mutating func set(_ path: [String], _ newValue: Value?) {
        guard let first = path.first else {
            if let newValue { self = newValue }
            return
        }
        var object = self.object ?? Object()
        if path.count == 1 {
            object[first] = newValue
        } else {
            var child = object[first] ?? Value(.object(Object()))
            if child.object == nil { child = Value(.object(Object())) }
            child.set(Array(path.dropFirst()), newValue)
            object[first] = child
        }
        self = Value(.object(object))
    }

    public mutating func set(_ keys: String..., to newValue: Value?) { set(keys, newValue) }

    /// The value at a path, or nil.
    public func at(_ path: [String]) -> Value? {
        var current: Value? = self
        for k in path { current = current?[k] }
        return current
    }

    public var metadataName: String { self[path: "metadata", "name"]?.string ?? "" }
    public var metadataNamespace: String { self[path: "metadata", "namespace"]?.string ?? "" }
    public var labels: [String: String] {
        var out: [String: String] = [:]
        for (k, v) in self[path: "metadata", "labels"]?.object?.pairs ?? Object().pairs { out[k] = v.scalarText ?? "" }
        return out
    }
    public var annotations: [String: String] {
        var out: [String: String] = [:]
        for (k, v) in self[path: "metadata", "annotations"]?.object?.pairs ?? Object().pairs { out[k] = v.scalarText ?? "" }
        return out
    }

    /// Builds a Value from Foundation-style literals quickly: strings, ints, bools, arrays, dictionaries as ordered pairs.
    public static func obj(_ pairs: [(String, Value)]) -> Value {
        var o = Object()
        for (k, v) in pairs { o[k] = v }
        return Value(.object(o))
    }

    public static func strings(_ a: [String]) -> Value { .array(a.map { .string($0) }) }

    /// Parses JSON (or YAML) text into a Value.
    public static func parse(_ bytes: [UInt8]) throws -> Value {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }) { return .null }
        return try YAMLDecoder.decodeOne(bytes)
    }
    public static func parse(_ text: String) throws -> Value { try parse(Array(text.utf8)) }

    public var json: String { JSONWriter.string(self) }
}

/// A lock-protected box for state shared between threads.
public final class Locked<State>: @unchecked Sendable {
    private let lock = NSLock()
    private var state: State
    public init(_ state: State) { self.state = state }
    public func withLock<R>(_ body: (inout State) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&state)
    }
    public var value: State { withLock { $0 } }
}

/// RFC 3339 timestamps as Kubernetes writes them (seconds precision, UTC).
public enum KubeTime {
    public static func format(_ date: Date) -> String {
        let t = Int(date.timeIntervalSince1970.rounded(.down))
        var tmv = tm()
        var tt = time_t(t)
        gmtime_r(&tt, &tmv)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(tmv.tm_year) + 1900, Int(tmv.tm_mon) + 1,
                      Int(tmv.tm_mday), Int(tmv.tm_hour), Int(tmv.tm_min), Int(tmv.tm_sec))
    }

    public static func parse(_ s: String) -> Date? {
        // 2026-03-22T18:00:00Z (optionally with fractional seconds)
        let parts = s.utf8.map { $0 }
        guard parts.count >= 20 else { return nil }
        func num(_ a: Int, _ b: Int) -> Int? { Int(String(decoding: parts[a..<b], as: UTF8.self)) }
        guard let y = num(0, 4), let mo = num(5, 7), let d = num(8, 10), let h = num(11, 13), let mi = num(14, 16),
              let se = num(17, 19) else { return nil }
        var tmv = tm()
        tmv.tm_year = Int32(y - 1900); tmv.tm_mon = Int32(mo - 1); tmv.tm_mday = Int32(d)
        tmv.tm_hour = Int32(h); tmv.tm_min = Int32(mi); tmv.tm_sec = Int32(se)
        let t = timegm(&tmv)
        return Date(timeIntervalSince1970: TimeInterval(t))
    }

    /// Go-style durations: "2160h0m0s", "1h30m", "90s", "720h".
    public static func parseDuration(_ s: String) -> TimeInterval? {
        var total: Double = 0
        var number = ""
        var unit = ""
        var sawAny = false
        func flush() -> Bool {
            guard let n = Double(number) else { return number.isEmpty && unit.isEmpty }
            switch unit {
            case "h": total += n * 3600
            case "m": total += n * 60
            case "s", "": total += n
            case "ms": total += n / 1000
            default: return false
            }
            sawAny = true
            number = ""; unit = ""
            return true
        }
        for c in s {
            if c.isNumber || c == "." {
                if !unit.isEmpty { guard flush() else { return nil } }
                number.append(c)
            } else {
                unit.append(c)
            }
        }
        guard flush(), sawAny else { return nil }
        return total
    }

    /// Kubernetes' "age" column: 5s, 3m, 2h, 4d.
    public static func age(from: Date, now: Date) -> String {
        let s = max(0, Int(now.timeIntervalSince(from)))
        if s < 120 { return "\(s)s" }
        if s < 600 { return "\(s / 60)m\(s % 60 == 0 ? "" : "\(s % 60)s")" }
        if s < 3 * 3600 { return "\(s / 60)m" }
        if s < 8 * 3600 { let h = s / 3600, m = (s % 3600) / 60; return m == 0 ? "\(h)h" : "\(h)h\(m)m" }
        if s < 48 * 3600 { return "\(s / 3600)h" }
        return "\(s / 86400)d"
    }
}
