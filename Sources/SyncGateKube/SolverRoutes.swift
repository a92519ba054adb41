import Foundation
import SyncGateCore

/// A `cm-acme-http-solver-*` HTTPRoute or Ingress that cert-manager made for an HTTP-01 challenge.
public struct SolverRoute: Sendable, Hashable {
    public var resource: KubeResource
    public var namespace: String
    public var name: String
    public var uid: String?
    public var resourceVersion: String?
    /// The controlling Challenge (owner reference), when present.
    public var challengeName: String?
    public var challengeUID: String?
    /// Labels cert-manager sets: adler32 of the challenge token and of the domain, and the solver marker.
    public var tokenHash: String?
    public var domainHash: String?
    public var hasSolverLabel: Bool

    public var id: String { "\(resource.kind) \(namespace)/\(name)" }
}

/// Whether a solver route may go.
public enum SolverVerdict: Sendable, Equatable {
    /// Its Challenge still exists and is not finished: never deleted.
    case active(challenge: String)
    case stale(reason: String)
    /// Not provably cert-manager's (no owner reference, no solver label): counted, never deleted.
    case unknown(reason: String)
}

/// Pure rules about solver routes, after cert-manager's own labels (`pkg/apis/acme/v1`:
/// `acme.cert-manager.io/http01-solver: "true"`, `acme.cert-manager.io/http-token` = adler32 of the token,
/// `acme.cert-manager.io/http-domain` = adler32 of the DNS name) and its controller owner reference to the Challenge.
public enum SolverRules {
    public static let namePrefix = "cm-acme-http-solver-"
    public static let solverLabel = "acme.cert-manager.io/http01-solver"
    public static let tokenLabel = "acme.cert-manager.io/http-token"
    public static let domainLabel = "acme.cert-manager.io/http-domain"
    /// cert-manager's final Challenge states (`acme.IsFinalState`).
    public static let finalStates: Set<String> = ["valid", "invalid", "expired", "errored"]

    public static func isSolverRoute(_ object: Value) -> Bool {
        (object[path: "metadata", "name"]?.string ?? "").hasPrefix(namePrefix)
            || object[path: "metadata", "labels", solverLabel]?.scalarText == "true"
    }

    public static func route(_ object: Value, resource: KubeResource) -> SolverRoute {
        let meta = object["metadata"] ?? .null
        let owner = meta["ownerReferences"]?.elements.first { $0["kind"]?.string == "Challenge" }
        return SolverRoute(resource: resource, namespace: meta["namespace"]?.string ?? "", name: meta["name"]?.string ?? "",
                           uid: meta["uid"]?.string, resourceVersion: meta["resourceVersion"]?.scalarText,
                           challengeName: owner?["name"]?.string, challengeUID: owner?["uid"]?.string,
                           tokenHash: meta[path: "labels", tokenLabel]?.scalarText,
                           domainHash: meta[path: "labels", domainLabel]?.scalarText,
                           hasSolverLabel: meta[path: "labels", solverLabel]?.scalarText == "true")
    }

    /// A Challenge is active until it reaches a final state.
    public static func isActive(_ challenge: Value) -> Bool {
        let state = (challenge[path: "status", "state"]?.string ?? "").lowercased()
        return !finalStates.contains(state)
    }

    /// Decides one route against the Challenges of its namespace.
    public static func classify(_ route: SolverRoute, challenges: [Value]) -> SolverVerdict {
        func label(_ c: Value) -> String { "Challenge \(route.namespace)/\(c[path: "metadata", "name"]?.string ?? "?")" }
        if let owner = route.challengeName {
            guard let ch = challenges.first(where: { $0[path: "metadata", "name"]?.string == owner }) else {
                return .stale(reason: "its Challenge \(route.namespace)/\(owner) no longer exists")
            }
            if let uid = route.challengeUID, let cu = ch[path: "metadata", "uid"]?.string, uid != cu {
                return .stale(reason: "its Challenge \(route.namespace)/\(owner) was deleted (a new one with the same name exists)")
            }
            if isActive(ch) { return .active(challenge: label(ch)) }
            return .stale(reason: "its Challenge \(route.namespace)/\(owner) is \(ch[path: "status", "state"]?.string ?? "finished")")
        }
        guard route.hasSolverLabel, let token = route.tokenHash else {
            return .unknown(reason: "no Challenge owner reference and no cert-manager solver labels")
        }
        let matching = challenges.filter { c in
            guard let t = c[path: "spec", "token"]?.string else { return false }
            if String(adler32(t)) != token { return false }
            if let d = route.domainHash, let dns = c[path: "spec", "dnsName"]?.string { return String(adler32(dns)) == d }
            return true
        }
        if let active = matching.first(where: isActive) { return .active(challenge: label(active)) }
        if let done = matching.first {
            return .stale(reason: "its \(label(done)) is \(done[path: "status", "state"]?.string ?? "finished")")
        }
        return .stale(reason: "no Challenge in \(route.namespace) has its token any more")
    }

    /// Adler-32 (RFC 1950), as cert-manager labels solver objects.
    public static func adler32(_ s: String) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in s.utf8 {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return (b << 16) | a
    }
}

/// Solver route counts of one namespace.
public struct SolverNamespaceCount: Sendable, Equatable {
    public var namespace: String
    public var httpRoutes: Int
    public var ingresses: Int
    public var total: Int { httpRoutes + ingresses }
}

/// What `solvers` found and did.
public struct SolverReport: Sendable {
    public var threshold: Int
    public var counts: [SolverNamespaceCount]
    public var verdicts: [(route: SolverRoute, verdict: SolverVerdict)]
    public var deleted: [SolverRoute] = []
    /// Gone before we got to them (404), or changed since read (409: left for the next run).
    public var skipped: [(route: SolverRoute, reason: String)] = []
    public var failed: [(route: SolverRoute, error: String)] = []

    public var overThreshold: [SolverNamespaceCount] { counts.filter { $0.total > threshold } }
    public var total: Int { counts.reduce(0) { $0 + $1.total } }
    public var stale: [SolverRoute] { verdicts.compactMap { if case .stale = $0.verdict { $0.route } else { nil } } }
    public var active: [SolverRoute] { verdicts.compactMap { if case .active = $0.verdict { $0.route } else { nil } } }
}

/// Counts cert-manager's HTTP-01 solver routes and prunes the stale ones (seed 000: 22,514 leaked HTTPRoutes
/// took Traefik down). Never deletes a route whose Challenge is still active; deletes in bounded batches, each
/// with a uid + resourceVersion precondition, re-reading the Challenges before every batch.
public struct SolverRouteJanitor: Sendable {
    public let client: KubeClient
    public var httpRouteResource: KubeResource?
    public var ingressResource: KubeResource?
    /// Concurrent deletes within a batch.
    public var concurrency: Int

    public init(client: KubeClient, httpRouteResource: KubeResource? = .httpRoutes,
                ingressResource: KubeResource? = .ingresses, concurrency: Int = 8) {
        self.client = client
        self.httpRouteResource = httpRouteResource
        self.ingressResource = ingressResource
        self.concurrency = max(1, concurrency)
    }

    /// Lists solver routes (all namespaces, or one) and classifies each.
    public func census(namespace: String? = nil, threshold: Int = 200) async throws -> SolverReport {
        var routes: [SolverRoute] = []
        for resource in [httpRouteResource, ingressResource].compactMap({ $0 }) {
            let items: [Value]
            do { items = try await client.list(resource, namespace: namespace).items } catch KubeError.notFound {
                continue  // the kind is not installed (no Gateway API, say)
            }
            routes += items.filter(SolverRules.isSolverRoute).map { SolverRules.route($0, resource: resource) }
        }
        var counts: [String: SolverNamespaceCount] = [:]
        for r in routes {
            var c = counts[r.namespace] ?? SolverNamespaceCount(namespace: r.namespace, httpRoutes: 0, ingresses: 0)
            if r.resource.kind == "Ingress" { c.ingresses += 1 } else { c.httpRoutes += 1 }
            counts[r.namespace] = c
        }
        let challenges = try await challengesByNamespace(Set(routes.map(\.namespace)))
        let verdicts = routes.map { ($0, SolverRules.classify($0, challenges: challenges[$0.namespace] ?? [])) }
        return SolverReport(threshold: threshold, counts: counts.values.sorted { $0.namespace < $1.namespace }, verdicts: verdicts)
    }

    /// Deletes stale routes in batches of `batchSize`; before each batch the Challenges are read again and each
    /// route is classified again, so a Challenge that appeared meanwhile protects its routes.
    public func prune(_ report: SolverReport, batchSize: Int = 50) async throws -> SolverReport {
        var report = report
        var pending = report.stale
        let size = max(1, batchSize)
        while !pending.isEmpty {
            let batch = Array(pending.prefix(size))
            pending.removeFirst(batch.count)
            let challenges = try await challengesByNamespace(Set(batch.map(\.namespace)))
            var toDelete: [SolverRoute] = []
            for r in batch {
                if case .stale = SolverRules.classify(r, challenges: challenges[r.namespace] ?? []) {
                    toDelete.append(r)
                } else {
                    report.skipped.append((r, "its Challenge became active again; kept"))
                }
            }
            let results = try await deleteAll(toDelete)
            for (r, outcome) in results {
                switch outcome {
                case .deleted: report.deleted.append(r)
                case .skipped(let why): report.skipped.append((r, why))
                case .failed(let e): report.failed.append((r, e))
                }
            }
        }
        return report
    }

    enum DeleteOutcome: Sendable { case deleted, skipped(String), failed(String) }

    private func deleteAll(_ routes: [SolverRoute]) async throws -> [(SolverRoute, DeleteOutcome)] {
        try await withThrowingTaskGroup(of: (SolverRoute, DeleteOutcome).self) { group in
            var out: [(SolverRoute, DeleteOutcome)] = []
            var iterator = routes.makeIterator()
            func add(_ r: SolverRoute) {
                group.addTask {
                    do {
                        try await client.delete(r.resource, namespace: r.namespace, name: r.name,
                                                preconditions: DeletePreconditions(uid: r.uid, resourceVersion: r.resourceVersion))
                        return (r, .deleted)
                    } catch KubeError.notFound {
                        return (r, .skipped("already gone"))
                    } catch let e as KubeError where e.isPreconditionFailure {
                        return (r, .skipped("changed since it was read; left for the next run"))
                    } catch let e as KubeError {
                        if case .forbidden = e { throw e }
                        return (r, .failed("\(e)"))
                    }
                }
            }
            for _ in 0..<concurrency { if let r = iterator.next() { add(r) } }
            while let result = try await group.next() {
                out.append(result)
                if let r = iterator.next() { add(r) }
            }
            return out
        }
    }

    private func challengesByNamespace(_ namespaces: Set<String>) async throws -> [String: [Value]] {
        var out: [String: [Value]] = [:]
        for ns in namespaces.sorted() {
            do {
                out[ns] = try await client.list(.challenges, namespace: ns).items
            } catch KubeError.notFound {
                out[ns] = []  // no cert-manager ACME CRDs: no Challenge can be active
            }
        }
        return out
    }
}
