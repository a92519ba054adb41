import Foundation
import SyncGateCore
import SyncGateKube

/// One `coordination.k8s.io/v1` Lease per Application (`syncgate-NAME` next to the Application), so two runs
/// never act on the same one. A Lease whose holder stopped renewing is taken over after its duration.
public actor LeaseKeeper {
    public struct Held: Sendable, Equatable {
        public var application: ApplicationIdentity
        public var name: String
        public var resourceVersion: String?
        public var renewedAt: Date
    }

    public enum Outcome: Sendable, Equatable {
        case acquired
        case alreadyHeld
        case tookOver(previousHolder: String)
        case heldByOther(holder: String, until: Date)
    }

    public let cluster: any RolloutCluster
    public let holder: String
    public let durationSeconds: Int
    public private(set) var held: [String: Held] = [:]

    public init(cluster: any RolloutCluster, holder: String, durationSeconds: Int) {
        self.cluster = cluster
        self.holder = holder
        self.durationSeconds = max(1, durationSeconds)
    }

    public static func leaseName(_ app: ApplicationIdentity) -> String {
        let n = "syncgate-\(app.name)"
        return n.count <= 253 ? n : String(n.prefix(253))
    }

    public func acquire(_ app: ApplicationIdentity, now: Date) async throws -> Outcome {
        if held[app.id] != nil { return .alreadyHeld }
        let name = Self.leaseName(app)
        for _ in 1...3 {
            if let live = try await cluster.get(.leases, namespace: app.namespace, name: name) {
                let current = live[path: "spec", "holderIdentity"]?.scalarText ?? ""
                let renew = (live[path: "spec", "renewTime"]?.scalarText).flatMap(RFC3339.parse)
                    ?? (live[path: "spec", "acquireTime"]?.scalarText).flatMap(RFC3339.parse) ?? .distantPast
                let duration = Double(live[path: "spec", "leaseDurationSeconds"]?.int ?? durationSeconds)
                let expires = renew.addingTimeInterval(duration)
                if !current.isEmpty && current != holder && expires > now {
                    return .heldByOther(holder: current, until: expires)
                }
                var o = live.object ?? Object()
                o["spec"] = spec(now: now, acquire: current != holder)
                do {
                    let updated = try await cluster.update(.leases, namespace: app.namespace, .object(o))
                    held[app.id] = Held(application: app, name: name, resourceVersion: updated[path: "metadata", "resourceVersion"]?.scalarText, renewedAt: now)
                    return current.isEmpty || current == holder ? .acquired : .tookOver(previousHolder: current)
                } catch let e as KubeError where e.isPreconditionFailure {
                    continue  // someone else moved first: look again
                }
            } else {
                var meta = Object()
                meta["name"] = .string(name)
                meta["namespace"] = .string(app.namespace)
                meta["labels"] = .object(["app.kubernetes.io/managed-by": .string("syncgate")])
                var o = Object()
                o["apiVersion"] = .string("coordination.k8s.io/v1")
                o["kind"] = .string("Lease")
                o["metadata"] = .object(meta)
                o["spec"] = spec(now: now, acquire: true)
                do {
                    let created = try await cluster.create(.leases, namespace: app.namespace, .object(o))
                    held[app.id] = Held(application: app, name: name, resourceVersion: created[path: "metadata", "resourceVersion"]?.scalarText, renewedAt: now)
                    return .acquired
                } catch let e as KubeError where e.isAlreadyExists {
                    continue
                }
            }
        }
        let live = try await cluster.get(.leases, namespace: app.namespace, name: name)
        return .heldByOther(holder: live?[path: "spec", "holderIdentity"]?.scalarText ?? "?", until: now.addingTimeInterval(Double(durationSeconds)))
    }

    /// Renews the leases older than a third of their duration. Throws when one was taken over (this run must stop).
    public func renew(now: Date) async throws {
        for (id, h) in held where now.timeIntervalSince(h.renewedAt) >= Double(durationSeconds) / 3 {
            guard let live = try await cluster.get(.leases, namespace: h.application.namespace, name: h.name),
                  live[path: "spec", "holderIdentity"]?.scalarText == holder else {
                held[id] = nil
                throw RolloutError.internalError("the Lease \(h.application.namespace)/\(h.name) was taken over by another run; this run stops acting on \(id)")
            }
            var o = live.object ?? Object()
            var spec = live["spec"]?.object ?? Object()
            spec["renewTime"] = .string(Self.microTime(now))
            o["spec"] = .object(spec)
            let updated = try await cluster.update(.leases, namespace: h.application.namespace, .object(o))
            held[id]?.renewedAt = now
            held[id]?.resourceVersion = updated[path: "metadata", "resourceVersion"]?.scalarText
        }
    }

    /// Releases every held lease (deletes it when still ours). Errors are swallowed: an unreleased Lease expires.
    public func releaseAll() async -> [ApplicationIdentity] {
        var released: [ApplicationIdentity] = []
        for (_, h) in held.sorted(by: { $0.key < $1.key }) {
            if let live = try? await cluster.get(.leases, namespace: h.application.namespace, name: h.name),
               live[path: "spec", "holderIdentity"]?.scalarText == holder {
                try? await cluster.delete(.leases, namespace: h.application.namespace, name: h.name)
                released.append(h.application)
            }
        }
        held = [:]
        return released
    }

    private func spec(now: Date, acquire: Bool) -> Value {
        var s = Object()
        s["holderIdentity"] = .string(holder)
        s["leaseDurationSeconds"] = .int(durationSeconds)
        s["acquireTime"] = .string(Self.microTime(now))
        s["renewTime"] = .string(Self.microTime(now))
        return .object(s)
    }

    /// `MicroTime` as the API writes it: `2026-03-22T15:00:00.000000Z`.
    static func microTime(_ d: Date) -> String {
        let base = RFC3339.format(d)
        guard base.hasSuffix("Z") else { return base }
        let micros = Int((d.timeIntervalSince1970 - d.timeIntervalSince1970.rounded(.down)) * 1_000_000)
        return String(base.dropLast()) + "." + String(format: "%06d", micros) + "Z"
    }
}
