import SyncGateX509

/// The validity period of a certificate (parsed with SyncGateX509), and its DER to compare a served leaf with a
/// Secret's.
public struct CertificateValidity: Sendable, Equatable {
    /// Unix timestamps (seconds).
    public var notBefore: Double
    public var notAfter: Double
    public var der: [UInt8]

    public init(notBefore: Double, notAfter: Double, der: [UInt8]) {
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.der = der
    }

    public init(_ certificate: Certificate) {
        self.init(notBefore: Double(certificate.notBefore), notAfter: Double(certificate.notAfter), der: certificate.der)
    }

    /// The first certificate of a PEM bundle (tls.crt holds the leaf first, then the chain).
    public static func leaf(pem: String) throws -> CertificateValidity {
        CertificateValidity(try Certificate(pem: pem))
    }

    public static func parse(der: [UInt8]) throws -> CertificateValidity {
        CertificateValidity(try Certificate(der: der))
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
enum CivilDate {
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
