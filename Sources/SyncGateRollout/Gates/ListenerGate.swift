import SyncGateCore

/// Listener `Programmed` and `ResolvedRefs`, and the Gateway as a whole still `Programmed`.
public enum ListenerGate {
    public static func evaluate(listener: ListenerRef, gateway: Value?, blastRadius: BlastRadius, secretReady: Bool) -> GateVerdict {
        guard let gateway else { return .pass("Gateway \(listener.gateway) not applied yet") }
        let gwProgrammed = Condition.find("Programmed", in: gateway["status"])
        let status = gateway[path: "status", "listeners"]?.elements.first { $0["name"]?.scalarText == listener.name }
        let declared = gateway[path: "spec", "listeners"]?.elements.contains { $0["name"]?.scalarText == listener.name } ?? false
        if let gw = gwProgrammed, gw.isFalse {
            // Which listener breaks it? Seed 000: one missing Secret stops all of them.
            let bad = (gateway[path: "status", "listeners"]?.elements ?? []).compactMap { l -> String? in
                let c = Condition.find("ResolvedRefs", in: l) ?? Condition.find("Programmed", in: l)
                guard let c, c.isFalse else { return nil }
                return "\(l["name"]?.scalarText ?? "?"): \(c.summary)"
            }
            if secretReady && gw.reason.contains("Certificate") {
                return .wait("Gateway \(listener.gateway) not Programmed yet (\(gw.reason)); waiting for it to pick up the Secret")
            }
            return .fail(GateFailure(gate: .listener, failure: .blocked, object: "gateway:\(listener.gateway)",
                evidence: "Gateway \(listener.gateway) is \(gw.summary)" + (bad.isEmpty ? "" : "; failing listeners: " + bad.joined(separator: "; ")),
                remedy: blastRadius == .gateway
                    ? "Every listener on this Gateway is down: create the missing Secrets (placeholders) of the failing listeners, then re-run."
                    : "Fix the failing listeners' references before adding more."))
        }
        guard declared || status != nil else { return .pass("listener \(listener.name) not applied yet; its Secret is ready") }
        guard let status else { return .wait("listener \(listener.name) has no status yet") }
        let programmed = Condition.find("Programmed", in: status)
        let resolved = Condition.find("ResolvedRefs", in: status)
        if let resolved, resolved.isFalse {
            if secretReady { return .wait("listener \(listener.name) \(resolved.summary); waiting for the controller to see the Secret") }
            return .fail(GateFailure(gate: .listener, failure: .blocked, object: listener.nodeID,
                evidence: "listener \(listener) \(resolved.summary)", remedy: "Create the referenced Secret (or a placeholder) first."))
        }
        if let programmed, programmed.isFalse { return .wait("listener \(listener.name) \(programmed.summary)") }
        if programmed?.isTrue == true && (resolved?.isTrue ?? true) { return .pass("listener Programmed, refs resolved, Gateway Programmed") }
        return .wait("listener \(listener.name) conditions not reported yet")
    }
}
