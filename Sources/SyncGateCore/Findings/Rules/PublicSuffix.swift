/// The registered domain of a hostname (public suffix plus one label), with a small built-in list of the
/// multi-label public suffixes that matter most; single-label TLDs otherwise.
public enum PublicSuffix {
    static let multiLabel: Set<String> = [
        "co.uk", "org.uk", "ac.uk", "gov.uk", "ltd.uk", "plc.uk", "me.uk", "net.uk", "sch.uk", "nhs.uk",
        "com.au", "net.au", "org.au", "edu.au", "gov.au", "id.au", "asn.au",
        "co.nz", "org.nz", "net.nz", "govt.nz", "ac.nz",
        "co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp",
        "com.br", "net.br", "org.br", "gov.br",
        "com.cn", "net.cn", "org.cn", "gov.cn",
        "co.in", "net.in", "org.in", "gen.in", "firm.in",
        "co.za", "org.za", "web.za",
        "com.mx", "org.mx", "gob.mx",
        "com.tr", "org.tr", "gov.tr",
        "co.kr", "or.kr", "com.sg", "org.sg", "com.hk", "org.hk", "com.tw", "org.tw",
        "co.il", "org.il", "com.ar", "com.co", "com.pe", "com.ph", "com.my", "co.id", "or.id", "co.th", "in.th",
        "com.ua", "com.pl", "com.es", "com.pt", "co.at", "or.at", "com.ng", "co.ke", "com.eg", "com.sa", "com.vn",
        "github.io", "gitlab.io", "herokuapp.com", "azurewebsites.net", "cloudfront.net", "appspot.com",
        "pages.dev", "workers.dev", "netlify.app", "vercel.app", "fly.dev", "onrender.com",
    ]

    /// `pay.acme.example.co.uk` -> `example.co.uk`; `*.a.example.com` -> `example.com`.
    public static func registeredDomain(_ host: String) -> String {
        var h = HostMatch.lowercased(host)
        if h.hasPrefix("*.") { h.removeFirst(2) }
        while h.hasSuffix(".") { h.removeLast() }
        // The last two (or three) labels, found from the end; names with empty labels take the long way.
        let dot = UInt8(ascii: ".")
        if !h.hasPrefix("."), !h.contains("..") {
            guard let last = h.utf8.lastIndex(of: dot), let second = h.utf8[..<last].lastIndex(of: dot) else { return h }
            let lastTwo = String(h[h.index(after: second)...])
            guard multiLabel.contains(lastTwo) else { return lastTwo }
            guard let third = h.utf8[..<second].lastIndex(of: dot) else { return h }
            return String(h[h.index(after: third)...])
        }
        let labels = h.split(separator: ".").map(String.init)
        guard labels.count > 2 else { return h }
        let lastTwo = labels.suffix(2).joined(separator: ".")
        if multiLabel.contains(lastTwo) { return labels.suffix(3).joined(separator: ".") }
        return lastTwo
    }
}
