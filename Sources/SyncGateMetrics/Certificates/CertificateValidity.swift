import Foundation

/// The validity period of an X.509 certificate, read straight from its DER (tbsCertificate.validity).
public struct CertificateValidity: Sendable, Equatable {
    /// Unix timestamps (seconds).
    public var notBefore: Double
    public var notAfter: Double
    /// The whole certificate, DER (to compare a served leaf with a Secret's).
    public var der: [UInt8]

    public init(notBefore: Double, notAfter: Double, der: [UInt8]) {
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.der = der
    }

    public enum ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        case noPEMCertificate
        case badBase64
        case malformedDER(String)

        public var description: String {
            switch self {
            case .noPEMCertificate: "no '-----BEGIN CERTIFICATE-----' block"
            case .badBase64: "the PEM body is not valid base64"
            case .malformedDER(let what): "malformed certificate DER: \(what)"
            }
        }
    }

    /// The first certificate of a PEM bundle (tls.crt holds the leaf first, then the chain).
    public static func leaf(pem: String) throws -> CertificateValidity {
        guard let begin = pem.range(of: "-----BEGIN CERTIFICATE-----"),
              let end = pem.range(of: "-----END CERTIFICATE-----", range: begin.upperBound..<pem.endIndex)
        else { throw ParseError.noPEMCertificate }
        let body = pem[begin.upperBound..<end.lowerBound].filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: String(body)) else { throw ParseError.badBase64 }
        return try parse(der: [UInt8](data))
    }

    public static func parse(der: [UInt8]) throws -> CertificateValidity {
        var reader = DERReader(der)
        let certificate = try reader.read(tag: 0x30, "Certificate")
        var inCertificate = DERReader(der, certificate.content)
        let tbs = try inCertificate.read(tag: 0x30, "tbsCertificate")
        var inTBS = DERReader(der, tbs.content)
        if inTBS.peekTag == 0xA0 { _ = try inTBS.read(tag: 0xA0, "version") }
        _ = try inTBS.read(tag: 0x02, "serialNumber")
        _ = try inTBS.read(tag: 0x30, "signature")
        _ = try inTBS.read(tag: 0x30, "issuer")
        let validity = try inTBS.read(tag: 0x30, "validity")
        var inValidity = DERReader(der, validity.content)
        let notBefore = try inValidity.readTime("notBefore")
        let notAfter = try inValidity.readTime("notAfter")
        return CertificateValidity(notBefore: notBefore, notAfter: notAfter, der: Array(der[certificate.whole]))
    }
}

/// Just enough DER to walk to the validity of a certificate.
struct DERReader {
    struct Element {
        var tag: UInt8
        var content: Range<Int>
        var whole: Range<Int>
    }

    let bytes: [UInt8]
    var position: Int
    let end: Int

    init(_ bytes: [UInt8], _ range: Range<Int>? = nil) {
        self.bytes = bytes
        self.position = range?.lowerBound ?? 0
        self.end = range?.upperBound ?? bytes.count
    }

    var peekTag: UInt8? { position < end ? bytes[position] : nil }

    mutating func read(tag: UInt8, _ what: String) throws -> Element {
        let start = position
        guard position < end else { throw CertificateValidity.ParseError.malformedDER("\(what) missing") }
        let actual = bytes[position]
        guard actual == tag else {
            throw CertificateValidity.ParseError.malformedDER("\(what): expected tag 0x\(String(tag, radix: 16)), found 0x\(String(actual, radix: 16))")
        }
        position += 1
        guard position < end else { throw CertificateValidity.ParseError.malformedDER("\(what) has no length") }
        var length = Int(bytes[position])
        position += 1
        if length & 0x80 != 0 {
            let count = length & 0x7F
            guard count >= 1, count <= 4, position + count <= end else {
                throw CertificateValidity.ParseError.malformedDER("\(what) has a bad length")
            }
            length = 0
            for _ in 0..<count { length = length << 8 | Int(bytes[position]); position += 1 }
        }
        guard position + length <= end else { throw CertificateValidity.ParseError.malformedDER("\(what) runs past its container") }
        let content = position..<(position + length)
        position += length
        return Element(tag: actual, content: content, whole: start..<position)
    }

    /// UTCTime (YYMMDDHHMMSSZ, 1950-2049) or GeneralizedTime (YYYYMMDDHHMMSSZ), as a Unix timestamp.
    mutating func readTime(_ what: String) throws -> Double {
        let tag = peekTag
        guard tag == 0x17 || tag == 0x18 else { throw CertificateValidity.ParseError.malformedDER("\(what) is not a time") }
        let element = try read(tag: tag!, what)
        let text = String(decoding: bytes[element.content], as: UTF8.self)
        let digits = Array(text.utf8)
        func number(_ from: Int, _ count: Int) throws -> Int {
            guard from + count <= digits.count else { throw CertificateValidity.ParseError.malformedDER("\(what) '\(text)' is too short") }
            var n = 0
            for d in digits[from..<(from + count)] {
                guard d >= 48, d <= 57 else { throw CertificateValidity.ParseError.malformedDER("\(what) '\(text)' is not a time") }
                n = n * 10 + Int(d - 48)
            }
            return n
        }
        var year: Int
        var i: Int
        if tag == 0x17 {
            year = try number(0, 2)
            year += year >= 50 ? 1900 : 2000
            i = 2
        } else {
            year = try number(0, 4)
            i = 4
        }
        let month = try number(i, 2), day = try number(i + 2, 2)
        let hour = try number(i + 4, 2), minute = try number(i + 6, 2), second = try number(i + 8, 2)
        guard digits.last == UInt8(ascii: "Z") else { throw CertificateValidity.ParseError.malformedDER("\(what) '\(text)' is not UTC") }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        return Double(days * 86_400 + hour * 3_600 + minute * 60 + second)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
