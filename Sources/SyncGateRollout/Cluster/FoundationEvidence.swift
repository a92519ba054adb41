import Foundation

/// Stand-in `LiveEvidence` for the command line until SyncGateProbes is wired in: DNS through the system
/// resolver (Foundation `Host`), images not checked (reported as unknown, never as proof), and no TLS handshake
/// (the verify gate then waits and fails closed with exit 3 rather than passing unverified).
public struct FoundationEvidence: LiveEvidence {
    public init() {}
    public func resolve(host: String) async -> DNSAnswer {
        let addresses = Host(name: host).addresses
        return addresses.isEmpty ? DNSAnswer(error: "no address (system resolver)") : DNSAnswer(addresses: addresses)
    }
    public func imageExists(_ reference: String) async -> ImageAnswer {
        .unknown("registry check needs SyncGateProbes' registry probe")
    }
    public func servedChain(host: String, address: String, port: Int) async -> ServedChain {
        ServedChain(error: "no TLS probe in this build (SyncGateProbes' served-TLS inspection is needed to verify \(host) at \(address):\(port))")
    }
}
