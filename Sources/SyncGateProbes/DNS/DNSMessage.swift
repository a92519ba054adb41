import CResolv
import SyncGateX509

/// Building a query and decoding a reply. Decoding goes through libresolv's `ns_initparse`/`ns_parserr`/
/// `ns_name_uncompress`.
enum DNSMessage {
    static func query(id: UInt16, name: String, type: DNSRecordType) -> [UInt8]? {
        var bytes: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xff), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
        let trimmed = name.hasSuffix(".") ? String(name.dropLast()) : name
        for label in trimmed.split(separator: ".", omittingEmptySubsequences: false) {
            let utf8 = Array(label.utf8)
            guard !utf8.isEmpty, utf8.count < 64 else { return nil }
            bytes.append(UInt8(utf8.count))
            bytes += utf8
        }
        bytes.append(0)
        bytes += [UInt8(type.rawValue >> 8), UInt8(type.rawValue & 0xff), 0, 1]
        return bytes.count <= 512 ? bytes : nil
    }

    struct Decoded {
        var id: UInt16
        var rcode: Int
        var truncated: Bool
        var records: [DNSRecordData]
    }

    static func decode(_ reply: [UInt8]) -> Decoded? {
        guard reply.count >= 12 else { return nil }
        let id = UInt16(reply[0]) << 8 | UInt16(reply[1])
        let truncated = reply[2] & 0x02 != 0
        let rcode = Int(reply[3] & 0x0f)
        return reply.withUnsafeBufferPointer { buffer -> Decoded? in
            var message = ns_msg()
            guard let base = buffer.baseAddress, ns_initparse(base, Int32(buffer.count), &message) == 0 else { return nil }
            let answerCount = Int(message._counts.1)
            var records: [DNSRecordData] = []
            for index in 0..<answerCount {
                var rr = ns_rr()
                guard ns_parserr(&message, ns_s_an, Int32(index), &rr) == 0 else { break }
                let owner = withUnsafeBytes(of: rr.name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                let rdata = rr.rdata.map { Array(UnsafeBufferPointer(start: $0, count: Int(rr.rdlength))) } ?? []
                let value: DNSRecordData.Value
                switch rr.type {
                case 1 where rdata.count == 4:
                    value = .a(IPAddressText.format(rdata) ?? "")
                case 28 where rdata.count == 16:
                    value = .aaaa(IPAddressText.format(rdata) ?? "")
                case 5:
                    var target = [CChar](repeating: 0, count: 1025)
                    let ok = ns_name_uncompress(base, base + buffer.count, rr.rdata, &target, target.count)
                    value = ok < 0 ? .other(type: 5) : .cname(normalise(target.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }))
                case 16:
                    value = .txt(txtText(rdata))
                case 257 where rdata.count >= 2:
                    let tagLength = Int(rdata[1])
                    guard rdata.count >= 2 + tagLength else { value = .other(type: 257); break }
                    value = .caa(flags: rdata[0],
                                 tag: String(decoding: rdata[2..<(2 + tagLength)], as: UTF8.self).lowercased(),
                                 value: String(decoding: rdata[(2 + tagLength)...], as: UTF8.self))
                default:
                    value = .other(type: rr.type)
                }
                records.append(DNSRecordData(name: normalise(owner), ttl: rr.ttl, value: value))
            }
            return Decoded(id: id, rcode: rcode, truncated: truncated, records: records)
        }
    }

    /// TXT rdata is one or more <length><bytes> strings; they are concatenated (RFC 7208 §3.3 style).
    private static func txtText(_ rdata: [UInt8]) -> String {
        var out: [UInt8] = []
        var index = 0
        while index < rdata.count {
            let length = Int(rdata[index])
            let end = min(rdata.count, index + 1 + length)
            out += rdata[(index + 1)..<end]
            index = end
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func normalise(_ name: String) -> String {
        var lowered = name.lowercased()
        if lowered.hasSuffix(".") { lowered.removeLast() }
        return lowered
    }
}
