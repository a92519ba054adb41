/// A fast JSON writer into bytes, for large plans (the JSON of a 100,000-document repository is tens of MB).
/// ASCII strings without characters to escape are copied as they are.
struct JSONEmitter {
    private(set) var bytes: [UInt8] = []
    private var indent = 0
    private var needsComma: [Bool] = []
    let pretty: Bool

    init(pretty: Bool, capacity: Int = 1 << 16) {
        self.pretty = pretty
        bytes.reserveCapacity(capacity)
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    /// The bytes, ending with a newline.
    consuming func finish() -> [UInt8] {
        if bytes.last != 0x0A { bytes.append(0x0A) }
        return bytes
    }

    private mutating func newline() {
        guard pretty else { return }
        bytes.append(0x0A)
        bytes.append(contentsOf: repeatElement(0x20, count: indent * 2))
    }

    /// Before a value inside an array, or before a key inside an object.
    private mutating func separator() {
        guard !needsComma.isEmpty else { return }
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
        newline()
    }

    mutating func beginObject() { open(UInt8(ascii: "{")) }
    mutating func endObject() { close(UInt8(ascii: "}")) }
    mutating func beginArray() { open(UInt8(ascii: "[")) }
    mutating func endArray() { close(UInt8(ascii: "]")) }

    private mutating func open(_ b: UInt8) {
        bytes.append(b)
        indent += 1
        needsComma.append(false)
    }

    private mutating func close(_ b: UInt8) {
        let hadItems = needsComma.removeLast()
        indent -= 1
        if hadItems { newline() }
        bytes.append(b)
    }

    /// An array element or top-level value follows.
    mutating func element() { separator() }

    mutating func key(_ k: String) {
        separator()
        quote(k)
        bytes.append(UInt8(ascii: ":"))
        if pretty { bytes.append(0x20) }
    }

    mutating func string(_ s: String) { quote(s) }
    mutating func string(_ s: String?) { if let s { quote(s) } else { null() } }
    mutating func int(_ i: Int) { bytes.append(contentsOf: String(i).utf8) }
    mutating func bool(_ b: Bool) { bytes.append(contentsOf: (b ? "true" : "false").utf8) }
    mutating func null() { bytes.append(contentsOf: "null".utf8) }

    mutating func field(_ k: String, _ s: String) { key(k); string(s) }
    mutating func field(_ k: String, _ s: String?) { key(k); string(s) }
    mutating func field(_ k: String, _ i: Int) { key(k); int(i) }
    mutating func field(_ k: String, _ b: Bool) { key(k); bool(b) }

    mutating func quote(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { buf in
            var start = 0
            for i in 0..<buf.count {
                let c = buf[i]
                guard c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") else { continue }
                if i > start { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<i])) }
                switch c {
                case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 0xF)]])
                }
                start = i + 1
            }
            if start < buf.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<buf.count])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
