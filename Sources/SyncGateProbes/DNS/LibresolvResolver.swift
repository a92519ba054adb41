/// The real `DNSResolving`: asks the given resolvers in order (the next one on timeout, refusal of the
/// connection, SERVFAIL or a socket error), each with `timeoutMilliseconds`, retrying transient outcomes per
/// `retry`. Queries and replies use libresolv's message parser; sockets are SyncGate's own so that timeouts are
/// in milliseconds and "port closed" is told apart from "no answer".
public struct LibresolvResolver: DNSResolving {
    public let servers: [ResolverAddress]
    public let timeoutMilliseconds: Int
    public let retry: RetryPolicy

    /// `servers` empty = the system's resolvers (/etc/resolv.conf).
    public init(servers: [ResolverAddress] = [], timeoutMilliseconds: Int = 2_000, retry: RetryPolicy = RetryPolicy(maxAttempts: 2)) {
        self.servers = servers.isEmpty ? ResolverAddress.system() : servers
        self.timeoutMilliseconds = timeoutMilliseconds
        self.retry = retry
    }

    public func query(_ name: String, type: DNSRecordType) async -> DNSResponse {
        let question = DNSMessage.normalise(name)
        let servers = self.servers
        let timeout = timeoutMilliseconds
        return await retry.run(isTransient: { $0.outcome.isTransient }) {
            await Blocking.run { LibresolvResolver.ask(question, type: type, servers: servers, timeoutMilliseconds: timeout) }
        }.value
    }

    static func ask(_ question: String, type: DNSRecordType, servers: [ResolverAddress], timeoutMilliseconds: Int) -> DNSResponse {
        guard !servers.isEmpty else {
            return DNSResponse(question: question, type: type, outcome: .error("no resolver configured"), records: [], resolver: "-")
        }
        let id = UInt16.random(in: 0...UInt16.max)
        guard let query = DNSMessage.query(id: id, name: question, type: type) else {
            return DNSResponse(question: question, type: type, outcome: .error("\(question) is not a valid DNS name"), records: [], resolver: "-")
        }
        var last = DNSResponse(question: question, type: type, outcome: .timeout, records: [], resolver: servers[0].description)
        for server in servers {
            let response: DNSResponse
            switch DNSTransport.exchange(query, id: id, with: server, timeoutMilliseconds: timeoutMilliseconds) {
            case .success(let reply):
                response = DNSResponse(question: question, type: type, outcome: outcome(of: reply, question: question, type: type),
                                       records: reply.records, resolver: server.description)
            case .failure(.timeout):
                response = DNSResponse(question: question, type: type, outcome: .timeout, records: [], resolver: server.description)
            case .failure(.connectionRefused):
                response = DNSResponse(question: question, type: type, outcome: .connectionRefused, records: [], resolver: server.description)
            case .failure(.other(let text)):
                response = DNSResponse(question: question, type: type, outcome: .error(text), records: [], resolver: server.description)
            }
            switch response.outcome {
            case .timeout, .connectionRefused, .servfail, .error: last = response
            default: return response
            }
        }
        return last
    }

    static func outcome(of reply: DNSMessage.Decoded, question: String, type: DNSRecordType) -> DNSOutcome {
        switch reply.rcode {
        case 0:
            let wanted = reply.records.contains { record in
                switch (record.value, type) {
                case (.a, .a), (.aaaa, .aaaa), (.txt, .txt), (.caa, .caa), (.cname, .cname): return true
                default: return false
                }
            }
            return wanted ? .answer : .nodata
        case 2: return .servfail
        case 3: return .nxdomain
        case 5: return .refused
        case let code: return .error("RCODE \(code)")
        }
    }
}
