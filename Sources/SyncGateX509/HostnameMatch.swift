/// Hostname-versus-SAN matching per RFC 6125 §6.4, as browsers implement it.
public enum HostnameMatch {
    /// Whether `host` is covered by one of the DNS names (wildcards in the left-most label only, one label
    /// deep) or, for an IP literal, by one of the IP addresses.
    public static func covers(host: String, dnsNames: [String], ipAddresses: [String]) -> Bool {
        if let ip = IPAddressText.canonical(host) {
            return ipAddresses.contains { IPAddressText.canonical($0) == ip }
        }
        let target = normalise(host)
        guard !target.isEmpty else { return false }
        return dnsNames.contains { matches(pattern: $0, host: target) }
    }

    /// Whether one SAN DNS name (possibly `*.zone`) matches an already-normalised host.
    public static func matches(pattern rawPattern: String, host rawHost: String) -> Bool {
        let pattern = normalise(rawPattern)
        let host = normalise(rawHost)
        guard !pattern.isEmpty, !host.isEmpty else { return false }
        if !pattern.contains("*") { return pattern == host }
        let patternLabels = pattern.split(separator: ".", omittingEmptySubsequences: false)
        let hostLabels = host.split(separator: ".", omittingEmptySubsequences: false)
        // Only a whole left-most `*`, and at least two labels after it (no `*.com`).
        guard patternLabels.first == "*", patternLabels.dropFirst().allSatisfy({ !$0.contains("*") && !$0.isEmpty }),
              patternLabels.count >= 3, hostLabels.count == patternLabels.count,
              let firstHostLabel = hostLabels.first, !firstHostLabel.isEmpty
        else { return false }
        return Array(patternLabels.dropFirst()) == Array(hostLabels.dropFirst())
    }

    /// Lower case, without one trailing dot.
    public static func normalise(_ name: String) -> String {
        var lowered = name.lowercased()
        if lowered.hasSuffix(".") { lowered.removeLast() }
        return lowered
    }
}
