/// A fast, streaming JSON writer for large plans (the JSON of a 100,000-document repository is over 100 MB).
/// Bytes go into a fixed buffer of `chunkSize` bytes that is handed to `sink` whenever it fills up and once more
/// by `finish()`, so memory stays bounded whatever the size of the document. ASCII strings without characters to
/// escape are copied as they are.
struct JSONEmitter: ~Copyable {
    typealias Sink = (UnsafeRawBufferPointer) -> Void

    private let buffer: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private var count = 0
    private let sink: Sink
    /// The last byte emitted (0 before any), so that `finish()` knows whether a newline ends the document.
    private var last: UInt8 = 0
    private var indent = 0
    private var needsComma: [Bool] = []
    let pretty: Bool

    /// The smallest buffer: room for the longest piece written in one go (an integer or an escape sequence).
    private static let minimumChunk = 64

    init(pretty: Bool, chunkSize: Int = 1 << 20, sink: @escaping Sink) {
        self.pretty = pretty
        self.capacity = max(chunkSize, JSONEmitter.minimumChunk)
        self.buffer = .allocate(capacity: capacity)
        self.sink = sink
        needsComma.reserveCapacity(16)
    }

    /// An emitter for a run of elements of an array nested `depth` levels deep (an array that is a member of the
    /// document's top-level object is at depth 2), after `afterItems` earlier elements were written elsewhere: for
    /// rendering parts of one document apart and splicing them in order.
    init(pretty: Bool, chunkSize: Int = 1 << 20, insideArrayAtDepth depth: Int, afterItems: Bool, sink: @escaping Sink) {
        self.init(pretty: pretty, chunkSize: chunkSize, sink: sink)
        indent = depth
        needsComma = Array(repeating: true, count: max(0, depth - 1)) + [afterItems]
    }

    deinit { buffer.deallocate() }

    /// Hands every byte so far to the sink, without ending the document (a run rendered apart).
    mutating func flushRun() { flush() }

    /// Writes a run of elements of the current array rendered apart (see `init(insideArrayAtDepth:)`).
    mutating func splice(_ run: UnsafeRawBufferPointer) {
        guard let base = run.baseAddress, run.count > 0 else { return }
        bytes(base.assumingMemoryBound(to: UInt8.self), run.count)
        if !needsComma.isEmpty { needsComma[needsComma.count - 1] = true }
    }

    /// Ends the document with a newline and hands every remaining byte to the sink.
    mutating func finish() {
        if last != 0x0A { byte(0x0A) }
        flush()
    }

    // MARK: Buffer

    private mutating func flush() {
        guard count > 0 else { return }
        sink(UnsafeRawBufferPointer(start: buffer, count: count))
        count = 0
    }

    /// Makes room for `n` contiguous bytes (`n <= capacity`).
    @inline(__always)
    private mutating func reserve(_ n: Int) {
        if capacity - count < n { flush() }
    }

    @inline(__always)
    private mutating func byte(_ b: UInt8) {
        if count == capacity { flush() }
        buffer[count] = b
        count += 1
        last = b
    }

    @inline(__always)
    private mutating func bytes(_ a: UInt8, _ b: UInt8) {
        reserve(2)
        buffer[count] = a
        buffer[count + 1] = b
        count += 2
        last = b
    }

    private mutating func bytes(_ p: UnsafePointer<UInt8>, _ n: Int) {
        guard n > 0 else { return }
        if n <= capacity - count {
            (buffer + count).update(from: p, count: n)
            count += n
        } else if n <= capacity {
            flush()
            buffer.update(from: p, count: n)
            count = n
        } else {
            flush()
            sink(UnsafeRawBufferPointer(start: p, count: n))
        }
        last = p[n - 1]
    }

    private mutating func bytes(_ s: StaticString) {
        bytes(s.utf8Start, s.utf8CodeUnitCount)
    }

    // MARK: Structure

    private mutating func newline() {
        guard pretty else { return }
        let n = indent * 2 + 1
        if n <= capacity {
            reserve(n)
            buffer[count] = 0x0A
            (buffer + count + 1).update(repeating: 0x20, count: n - 1)
            count += n
            last = n == 1 ? 0x0A : 0x20
        } else {
            byte(0x0A)
            for _ in 1..<n { byte(0x20) }
        }
    }

    /// Before a value inside an array, or before a key inside an object.
    @inline(__always)
    private mutating func separator() {
        guard !needsComma.isEmpty else { return }
        let i = needsComma.count - 1
        if needsComma[i] { byte(UInt8(ascii: ",")) } else { needsComma[i] = true }
        newline()
    }

    mutating func beginObject() { open(UInt8(ascii: "{")) }
    mutating func endObject() { close(UInt8(ascii: "}")) }
    mutating func beginArray() { open(UInt8(ascii: "[")) }
    mutating func endArray() { close(UInt8(ascii: "]")) }

    private mutating func open(_ b: UInt8) {
        byte(b)
        indent += 1
        needsComma.append(false)
    }

    private mutating func close(_ b: UInt8) {
        let hadItems = needsComma.removeLast()
        indent -= 1
        if hadItems { newline() }
        byte(b)
    }

    /// An array element or top-level value follows.
    mutating func element() { separator() }

    /// A key: a literal of plain ASCII (letters and digits), written without escaping.
    mutating func key(_ k: StaticString) {
        separator()
        byte(UInt8(ascii: "\""))
        bytes(k)
        bytes(pretty ? "\": " : "\":")
    }

    // MARK: Values

    mutating func string(_ s: String) { quote(s) }
    mutating func string(_ s: String?) { if let s { quote(s) } else { null() } }
    mutating func bool(_ b: Bool) { bytes(b ? "true" : "false") }
    mutating func null() { bytes("null") }

    /// Decimal digits written straight into the buffer.
    mutating func int(_ i: Int) {
        reserve(20)
        var m = i.magnitude
        var digits = 1
        var t = m
        while t >= 10 { t /= 10; digits += 1 }
        var p = buffer + count
        if i < 0 { p.pointee = UInt8(ascii: "-"); p += 1 }
        var q = p + digits
        repeat {
            q -= 1
            q.pointee = 0x30 &+ UInt8(truncatingIfNeeded: m % 10)
            m /= 10
        } while m > 0
        count = p + digits - buffer
        last = (p + digits - 1).pointee
    }

    mutating func field(_ k: StaticString, _ s: String) { key(k); quote(s) }
    mutating func field(_ k: StaticString, _ s: String?) { key(k); string(s) }
    mutating func field(_ k: StaticString, _ i: Int) { key(k); int(i) }
    mutating func field(_ k: StaticString, _ b: Bool) { key(k); bool(b) }

    /// A JSON string: `"` and `\` are escaped, as are control characters (`\n`, `\r`, `\t`, else `\u00XX`);
    /// everything else, including non-ASCII UTF-8 and DEL, is copied as it is, in runs.
    mutating func quote(_ s: String) {
        byte(UInt8(ascii: "\""))
        // Native strings are contiguous UTF-8: read them in place, without the copy `withUTF8` may make.
        if s.utf8.withContiguousStorageIfAvailable({ escape($0) }) == nil {
            var s = s
            s.withUTF8 { escape($0) }
        }
        byte(UInt8(ascii: "\""))
    }

    private mutating func escape(_ buf: UnsafeBufferPointer<UInt8>) {
        guard let base = buf.baseAddress else { return }
        let n = buf.count
        var start = 0
        var i = 0
        while i < n {
            let c = base[i]
            guard c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") else { i += 1; continue }
            bytes(base + start, i - start)
            switch c {
            case UInt8(ascii: "\""): bytes(0x5C, 0x22)
            case UInt8(ascii: "\\"): bytes(0x5C, 0x5C)
            case 0x0A: bytes(0x5C, UInt8(ascii: "n"))
            case 0x0D: bytes(0x5C, UInt8(ascii: "r"))
            case 0x09: bytes(0x5C, UInt8(ascii: "t"))
            default:
                let hex: StaticString = "0123456789abcdef"
                let h = hex.utf8Start
                reserve(6)
                let p = buffer + count
                p[0] = 0x5C; p[1] = UInt8(ascii: "u"); p[2] = 0x30; p[3] = 0x30
                p[4] = h[Int(c >> 4)]; p[5] = h[Int(c & 0xF)]
                count += 6
                last = p[5]
            }
            i += 1
            start = i
        }
        bytes(base + start, n - start)
    }
}

extension JSONEmitter {
    /// An emitter whose sink appends to an array (small documents, tests).
    static func collecting(pretty: Bool, chunkSize: Int = 1 << 16,
                           _ body: (inout JSONEmitter) -> Void) -> [UInt8] {
        final class Box { var bytes: [UInt8] = [] }
        let box = Box()
        var j = JSONEmitter(pretty: pretty, chunkSize: chunkSize) { box.bytes.append(contentsOf: $0) }
        body(&j)
        j.finish()
        return box.bytes
    }
}
