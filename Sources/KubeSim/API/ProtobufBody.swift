import Foundation
import SyncGateCore

/// Decodes the Kubernetes protobuf request bodies kubectl's typed generators send (`kubectl create namespace`,
/// `create secret generic|tls`, `create configmap`) into JSON-shaped Values. Only these kinds and the
/// ObjectMeta fields a create needs are known; anything else is 415 and should be sent as JSON.
enum ProtobufBody {
    struct Unsupported: Error { var what: String }

    private struct Reader {
        let bytes: [UInt8]
        var pos = 0
        var atEnd: Bool { pos >= bytes.count }

        mutating func varint() throws -> UInt64 {
            var result: UInt64 = 0, shift: UInt64 = 0
            while true {
                guard pos < bytes.count, shift < 64 else { throw Unsupported(what: "truncated varint") }
                let b = bytes[pos]; pos += 1
                result |= UInt64(b & 0x7f) << shift
                if b & 0x80 == 0 { return result }
                shift += 7
            }
        }

        /// (field number, wire type, payload for length-delimited, value for varints)
        mutating func field() throws -> (Int, Int, [UInt8], UInt64) {
            let key = try varint()
            let number = Int(key >> 3), wire = Int(key & 7)
            switch wire {
            case 0: return (number, wire, [], try varint())
            case 2:
                let n = Int(try varint())
                guard pos + n <= bytes.count else { throw Unsupported(what: "truncated field") }
                defer { pos += n }
                return (number, wire, Array(bytes[pos..<(pos + n)]), 0)
            case 1: pos += 8; return (number, wire, [], 0)
            case 5: pos += 4; return (number, wire, [], 0)
            default: throw Unsupported(what: "wire type \(wire)")
            }
        }
    }

    private static func text(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }

    private static func mapEntry(_ b: [UInt8]) throws -> (String, [UInt8]) {
        var r = Reader(bytes: b)
        var k = "", v: [UInt8] = []
        while !r.atEnd {
            let (n, _, payload, _) = try r.field()
            if n == 1 { k = text(payload) } else if n == 2 { v = payload }
        }
        return (k, v)
    }

    private static func objectMeta(_ b: [UInt8]) throws -> Value {
        var r = Reader(bytes: b)
        var meta = Value.obj([])
        while !r.atEnd {
            let (n, _, p, _) = try r.field()
            switch n {
            case 1: meta.set(["name"], .string(text(p)))
            case 2: meta.set(["generateName"], .string(text(p)))
            case 3: meta.set(["namespace"], .string(text(p)))
            case 11: let (k, v) = try mapEntry(p); meta.set(["labels", k], .string(text(v)))
            case 12: let (k, v) = try mapEntry(p); meta.set(["annotations", k], .string(text(v)))
            default: break
            }
        }
        return meta
    }

    static func isProtobuf(_ body: [UInt8]) -> Bool { body.starts(with: [0x6b, 0x38, 0x73, 0x00]) }

    static func decode(_ body: [UInt8]) throws -> Value {
        guard isProtobuf(body) else { throw Unsupported(what: "missing the k8s protobuf magic") }
        var envelope = Reader(bytes: Array(body.dropFirst(4)))
        var apiVersion = "", kind = "", raw: [UInt8] = []
        while !envelope.atEnd {
            let (n, _, p, _) = try envelope.field()
            if n == 1 {
                var tm = Reader(bytes: p)
                while !tm.atEnd {
                    let (m, _, q, _) = try tm.field()
                    if m == 1 { apiVersion = text(q) } else if m == 2 { kind = text(q) }
                }
            } else if n == 2 { raw = p }
        }
        var obj = Value.obj([("apiVersion", .string(apiVersion)), ("kind", .string(kind))])
        var r = Reader(bytes: raw)
        switch (apiVersion, kind) {
        case ("v1", "Namespace"):
            while !r.atEnd { let (n, _, p, _) = try r.field(); if n == 1 { obj.set(["metadata"], try objectMeta(p)) } }
        case ("v1", "Secret"):
            while !r.atEnd {
                let (n, _, p, v) = try r.field()
                switch n {
                case 1: obj.set(["metadata"], try objectMeta(p))
                case 2: let (k, b) = try mapEntry(p); obj.set(["data", k], .string(Data(b).base64EncodedString()))
                case 3: obj.set(["type"], .string(text(p)))
                case 4: let (k, b) = try mapEntry(p); obj.set(["stringData", k], .string(text(b)))
                case 5: obj.set(["immutable"], .bool(v != 0))
                default: break
                }
            }
        case ("v1", "ConfigMap"):
            while !r.atEnd {
                let (n, _, p, v) = try r.field()
                switch n {
                case 1: obj.set(["metadata"], try objectMeta(p))
                case 2: let (k, b) = try mapEntry(p); obj.set(["data", k], .string(text(b)))
                case 3: let (k, b) = try mapEntry(p); obj.set(["binaryData", k], .string(Data(b).base64EncodedString()))
                case 4: obj.set(["immutable"], .bool(v != 0))
                default: break
                }
            }
        default:
            throw Unsupported(what: "\(apiVersion) \(kind)")
        }
        return obj
    }
}
