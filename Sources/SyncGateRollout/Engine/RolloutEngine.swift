import Foundation
import SyncGateCore
import SyncGateKube
import SyncGateX509

/// The imperative shell: walks the sorted steps of a plan, gathers evidence for each gate, asks the pure gate
/// functions, journals progress, and fails closed (pause auto-sync, exit 2/3/4 with a report).
public actor RolloutEngine {
    public let policy: RolloutPolicy
    public let plan: RolloutPlan
    public let env: RolloutEnvironment
    public let options: RolloutOptions
    let journal: ClusterJournal
    let leases: LeaseKeeper

    private var failures: [RolloutFailure] = []
    private var paused: [(application: String, outcome: String)] = []
    private var placeholders: [String] = []
    private var notes: [String] = []
    private var ingressCache: [String]?
    private var imageCache: [String: ImageAnswer] = [:]
    /// The CA rate-limit budget of each stage, gathered once per stage.
    private var rateLimitInputs: [String: RateLimitGate.Input] = [:]
    private var syncTriggeredAt: [String: Date] = [:]
    private var resumed: String?
    private var noTrustNoted = Set<String>()
    private var systemTrust: String??

    private func systemTrustPEM() -> String? {
        if let systemTrust { return systemTrust }
        let pem = (try? TrustStore.system())?.roots.map(\.pem).joined(separator: "\n")
        systemTrust = .some(pem)
        return pem
    }

    public init(policy: RolloutPolicy, plan: RolloutPlan, environment: RolloutEnvironment, options: RolloutOptions = RolloutOptions()) {
        self.policy = policy
        self.plan = plan
        self.env = environment
        self.options = options
        self.journal = ClusterJournal(cluster: environment.cluster, namespace: options.journalNamespace, rollout: options.rolloutName)
        self.leases = LeaseKeeper(cluster: environment.cluster, holder: environment.runID, durationSeconds: Int(policy.timeouts.lease))
    }

    /// The steps this run executes, in order (hook mode keeps the gates before the sync).
    public nonisolated var steps: [Step] {
        switch options.mode {
        case .rollout: return plan.steps
        case .hook: return plan.steps.filter { [.lease, .prerequisites, .secret, .listener].contains($0.gate) }
        case .verify: return plan.steps.filter { [.lease, .verify].contains($0.gate) }
        }
    }

    // MARK: - Run

    public func run() async -> RolloutReport {
        let started = env.clock.now
        emit(.runStarted, message: "\(options.mode.rawValue) \(options.rolloutName): \(plan.applications.count) Applications in \(plan.stages.filter { !$0.applications.isEmpty }.count) stages, \(steps.count) steps")
        for n in plan.notes { note(n) }
        var exit = RolloutExitCode.success
        var headline = "every gate passed"
        do {
            (exit, headline) = try await loop()
        } catch {
            exit = .internalError
            headline = "internal error: \(error)"
            emit(.failed, message: headline)
        }
        // Fail closed: pause what failed, with the reason.
        await pauseAffected()
        let status: JournalState.Status
        switch exit {
        case .success: status = headline.hasPrefix("waiting") ? .waitingForPromotion : .succeeded
        case .blocked: status = .blocked
        case .timedOut: status = .timedOut
        default: status = .failed
        }
        try? await journal.finish(status, failure: failures.first?.failure.description ?? (exit == .success ? nil : headline), now: env.clock.now)
        for app in await leases.releaseAll() {
            emit(.leaseReleased, application: app.id, message: "released")
        }
        let verified = await journal.state?.verified ?? []
        let report = RolloutReport(rollout: options.rolloutName, runID: env.runID, exitCode: exit, headline: headline, failures: failures,
                                   paused: paused, verifiedStages: verified, placeholders: placeholders, notes: notes,
                                   resumedFrom: resumed, startedAt: started, finishedAt: env.clock.now)
        emit(.runFinished, message: "exit \(exit.rawValue): \(headline)", elapsed: env.clock.now.timeIntervalSince(started))
        return report
    }

    /// Opens the journal once every Lease is held (a run that cannot get its Leases never writes it).
    private func beginJournal() async throws {
        let previous = try await journal.begin(runID: env.runID, now: env.clock.now, fresh: options.fresh)
        if let previous, previous.status != .succeeded, !options.fresh {
            resumed = "previous run \(previous.runID) ended \(previous.status.rawValue) after \(previous.lastStep ?? "no step")\(previous.failure.map { " (\($0))" } ?? ""); \(previous.done.count) steps already done"
            emit(.resumed, message: resumed!)
        }
    }

    private func loop() async throws -> (RolloutExitCode, String) {
        var preflightFailed = false
        var journalOpen = false
        for step in steps {
            try Task.checkCancellation()
            if step.phase >= 2 && preflightFailed { break }
            if step.gate != .lease && !journalOpen {
                try await beginJournal()
                journalOpen = true
            }
            if step.gate != .lease, await journal.isDone(step), !step.gate.isCheck {
                emit(.skipped, step, message: "done by an earlier run")
                continue
            }
            try await leases.renew(now: env.clock.now)
            let began = env.clock.now
            emit(.stepStarted, step, message: describe(step))
            let outcome = try await execute(step)
            let elapsed = env.clock.now.timeIntervalSince(began)
            switch outcome {
            case .passed(let message):
                emit(.passed, step, message: message, elapsed: elapsed)
                if step.gate != .lease { try await journal.markDone(step, now: env.clock.now) }
            case .failed(let list):
                for f in list {
                    failures.append(RolloutFailure(stage: step.stage, application: f.application ?? step.application, failure: f.failure))
                    emit(.failed, step, object: f.failure.object, message: "\(f.failure.evidence). \(f.failure.remedy)", elapsed: elapsed)
                }
                if step.gate == .lease {
                    return (.timedOut, "another run holds \(step.application?.id ?? "an Application"); nothing was changed")
                }
                if step.phase == 1 {
                    preflightFailed = true  // keep checking the rest, so every blocked Application pauses now
                    continue
                }
                let worst = list.map(\.failure.failure.exitCode).max() ?? .internalError
                return (worst, "stopped at \(step.gate) gate of \(step.application?.id ?? "stage \(step.stage)")")
            case .stop(let message):
                emit(.note, step, message: message)
                return (.success, message)
            }
        }
        if !journalOpen { try await beginJournal() }
        if preflightFailed {
            let apps = Set(failures.compactMap { $0.application?.id }).sorted()
            return (failures.map(\.failure.failure.exitCode).max() ?? .blocked,
                    "blocked by prerequisites of \(apps.joined(separator: ", ")); nothing was synced")
        }
        switch options.mode {
        case .hook: return (.success, "prerequisites met: the sync may proceed")
        case .verify: return (.success, "every host of the stage serves its verified certificate")
        case .rollout: return (.success, "every stage verified")
        }
    }

    enum Outcome {
        case passed(String)
        case failed([(application: ApplicationIdentity?, failure: GateFailure)])
        /// Stop here without failure (waiting for a manual promotion).
        case stop(String)
    }

    private func execute(_ step: Step) async throws -> Outcome {
        switch step.gate {
        case .lease: return try await leaseGate(step)
        case .prerequisites: return try await prerequisiteGate(step)
        case .promotion: return try await promotionGate(step)
        case .hold: return try await holdGate(step)
        case .release: return try await releaseGate(step)
        case .secret: return try await secretGate(step)
        case .listener: return try await listenerGate(step)
        case .sync: return try await syncGate(step)
        case .certificate: return try await certificateGate(step)
        case .verify: return try await verifyGate(step)
        case .soak: return try await soakGate(step)
        case .stageVerified:
            try await journal.markVerified(stage: step.stage, now: env.clock.now)
            return .passed("stage \(step.stage) verified")
        }
    }

    // MARK: - Gates

    private func leaseGate(_ step: Step) async throws -> Outcome {
        guard let app = step.application else { return .passed("no Application") }
        switch try await leases.acquire(app, now: env.clock.now) {
        case .acquired, .alreadyHeld:
            emit(.leaseAcquired, step, message: "Lease \(app.namespace)/\(LeaseKeeper.leaseName(app)) held by \(env.runID)")
            return .passed("lease held")
        case .tookOver(let previous):
            note("took over the expired Lease of \(app.id) from \(previous) (a run that stopped without releasing it)")
            return .passed("lease taken over from \(previous)")
        case .heldByOther(let holder, let until):
            return .failed([(app, GateFailure(gate: .lease, failure: .timedOut, object: step.object,
                evidence: "\(app.id) is being rolled out by \(holder) (Lease valid until \(RFC3339.format(until)))",
                remedy: "Wait for that run to finish, or for its Lease to expire if it was killed; then run again."))])
        }
    }

    private func prerequisiteGate(_ step: Step) async throws -> Outcome {
        guard let app = step.application, let chain = chain(step), let stage = policy.stage(named: step.stage) else {
            return .passed("nothing to check")
        }
        let dns = await env.live.resolve(host: chain.host)
        var services: [ObjectName: Value?] = [:]
        for s in chain.services { services[s] = try await env.cluster.get(.services, namespace: s.namespace, name: s.name) }
        var images: [String: ImageAnswer] = [:]
        for image in chain.images {
            if let cached = imageCache[image] { images[image] = cached; continue }
            let answer = await env.live.imageExists(image)
            imageCache[image] = answer
            images[image] = answer
            if case .unknown(let why) = answer { note("image \(image) could not be checked: \(why)") }
        }
        var issuer: Value?
        if let ref = chain.issuer, !chain.issuerInApplication {
            issuer = ref.kind == "ClusterIssuer"
                ? try await env.cluster.get(.clusterIssuers, namespace: nil, name: ref.name)
                : try await env.cluster.get(.issuers, namespace: ref.namespace, name: ref.name)
        }
        let input = PrerequisiteInput(application: app, chain: chain, stage: stage, dns: dns, ingressAddresses: await ingressAddresses(),
                                      services: services, images: images, issuer: issuer)
        var found = PrerequisiteGate.evaluate(input)
        if let over = RateLimitGate.evaluate(try await rateLimitInput(stage: stage), host: chain.host, certificate: chain.certificate) {
            found.append(over)
        }
        if found.isEmpty {
            return .passed("\(chain.host) resolves to \(dns.addresses.joined(separator: ", ")); backend, images and issuer present")
        }
        return .failed(found.map { (app, $0) })
    }

    /// The stage's new ACME orders (its Certificates that are not Ready) against a production CA, and what the
    /// cluster issued in the last seven days. Issuers that are not ACME, or whose directory is a staging one, have
    /// no weekly limit to protect and are left out.
    private func rateLimitInput(stage: Stage) async throws -> RateLimitGate.Input {
        if let cached = rateLimitInputs[stage.name] { return cached }
        var namesByCertificate: [ObjectName: Set<String>] = [:]
        for app in plan.stages.first(where: { $0.stage.name == stage.name })?.applications ?? [] {
            for host in app.hosts {
                guard let certificate = host.certificate, let issuer = host.issuer,
                      try await issuerHasWeeklyLimit(issuer) else { continue }
                namesByCertificate[certificate, default: []].insert(host.host)
            }
        }
        var orders: [RateLimitGate.Order] = []
        for (certificate, names) in namesByCertificate.sorted(by: { $0.key < $1.key }) {
            let live = try await env.cluster.get(.certificates, namespace: certificate.namespace, name: certificate.name)
            if Condition.find("Ready", in: live?["status"])?.isTrue == true { continue }  // already issued: syncing it orders nothing new
            orders.append(RateLimitGate.Order(certificate: certificate, dnsNames: names.sorted()))
        }
        let issued = orders.isEmpty ? [:] : RateLimitGate.issuedWithin(
            try await env.cluster.list(.certificates, namespace: nil, labelSelector: nil), now: env.clock.now)
        let input = RateLimitGate.Input(newOrders: orders, issuedThisWeek: issued, weeklyLimit: policy.guards.weeklyCertificateLimit,
                                        budget: policy.guards.rateLimitBudget, stage: stage.name)
        rateLimitInputs[stage.name] = input
        return input
    }

    private func issuerHasWeeklyLimit(_ issuer: IssuerTarget) async throws -> Bool {
        let live = issuer.kind == "ClusterIssuer"
            ? try await env.cluster.get(.clusterIssuers, namespace: nil, name: issuer.name)
            : try await env.cluster.get(.issuers, namespace: issuer.namespace, name: issuer.name)
        guard let server = live?[path: "spec", "acme", "server"]?.string else { return false }
        return !server.lowercased().contains("staging")
    }

    static let holdPrefix = "held by syncgate rollout"

    private func holdGate(_ step: Step) async throws -> Outcome {
        guard let app = step.application else { return .passed("no Application") }
        if failures.contains(where: { $0.application == app }) {
            return .passed("not held: it is paused with its failure reasons instead")
        }
        guard let index = policy.stageIndex(named: step.stage), index > 0 else { return .passed("first stage") }
        let previous = policy.stages[index - 1].name
        let reason = "\(Self.holdPrefix) \(options.rolloutName) until stage \(previous) is verified (\(env.runID)); `syncgate rollout` releases it"
        let outcome = try await env.autoSync.pause(app, reason: reason)
        emit(.paused, step, message: "\(outcome): \(reason)")
        return .passed("auto-sync held (\(outcome))")
    }

    private func releaseGate(_ step: Step) async throws -> Outcome {
        guard let app = step.application else { return .passed("no Application") }
        let live = try await env.cluster.get(.applications, namespace: app.namespace, name: app.name)
        let reason = live?[path: "metadata", "annotations", AutoSyncAnnotation.reason]?.scalarText ?? ""
        guard reason.hasPrefix(Self.holdPrefix) else {
            return .passed(reason.isEmpty ? "not held" : "paused for another reason, left paused: \(reason)")
        }
        let outcome = try await env.autoSync.resume(app)
        return .passed("hold released: \(outcome)")
    }

    private func promotionGate(_ step: Step) async throws -> Outcome {
        if await journal.isPromoted(step.stage) { return .passed("promoted to \(step.stage)") }
        let previous = policy.stageIndex(named: step.stage).map { policy.stages[max(0, $0 - 1)].name } ?? "?"
        return .stop("waiting for promotion: stage \(previous) is verified; run `syncgate promote --to \(step.stage)` to release \(step.stage)")
    }

    private func secretGate(_ step: Step) async throws -> Outcome {
        guard let chain = chain(step), let secret = chain.secret else { return .passed("no Secret") }
        let live = try await env.cluster.get(.secrets, namespace: secret.namespace, name: secret.name)
        let radius = chain.listeners.first.map { policy.blastRadius(gateway: $0.gateway.description) } ?? .gateway
        switch SecretGate.decide(secret: secret, live: live, chain: chain, blastRadius: radius, injectPlaceholders: policy.onFailure.injectPlaceholders) {
        case .present(let why): return .passed(why)
        case .temporaryByCertManager: return .passed("cert-manager's issue-temporary-certificate fills \(secret) when the Certificate is applied")
        case .fail(let f): return .failed([(step.application, f)])
        case .createPlaceholder:
            try await createPlaceholder(secret, chain: chain, step: step)
            return .passed("placeholder Secret \(secret) created so \(radius == .gateway ? "Gateway \(chain.listeners[0].gateway)" : "listener \(chain.listeners[0])") keeps serving")
        }
    }

    private func listenerGate(_ step: Step) async throws -> Outcome {
        guard let chain = chain(step), let listener = chain.listeners.first(where: { $0.nodeID == step.object }) else { return .passed("no listener") }
        let radius = policy.blastRadius(gateway: listener.gateway.description)
        return try await poll(step, timeout: policy.timeouts.listener) {
            var gw = try await self.env.cluster.get(.gateways, namespace: listener.gateway.namespace, name: listener.gateway.name)
            if let g = gw, radius == .gateway, self.policy.onFailure.injectPlaceholders,
               Condition.find("Programmed", in: g["status"])?.isFalse == true,
               try await self.repairGateway(g, listener.gateway, step: step) {
                gw = try await self.env.cluster.get(.gateways, namespace: listener.gateway.namespace, name: listener.gateway.name)
            }
            let secretReady: Bool
            if let s = chain.secret { secretReady = try await self.env.cluster.get(.secrets, namespace: s.namespace, name: s.name) != nil } else { secretReady = true }
            return ListenerGate.evaluate(listener: listener, gateway: gw, blastRadius: radius, secretReady: secretReady)
        }
    }

    /// A Gateway whose every listener is down because some listener (maybe of an Application outside this run)
    /// references a Secret that does not exist: create placeholders for exactly those Secrets (seed 000's fix).
    /// Returns whether any was created.
    private func repairGateway(_ gateway: Value, _ name: ObjectName, step: Step) async throws -> Bool {
        var created = false
        for l in gateway[path: "spec", "listeners"]?.elements ?? [] {
            let host = l["hostname"]?.scalarText ?? "placeholder.invalid"
            for ref in l[path: "tls", "certificateRefs"]?.elements ?? [] where (ref["kind"]?.scalarText ?? "Secret") == "Secret" {
                let secret = ObjectName(ref["namespace"]?.scalarText ?? name.namespace, ref["name"]?.scalarText ?? "")
                guard !secret.name.isEmpty, try await env.cluster.get(.secrets, namespace: secret.namespace, name: secret.name) == nil else { continue }
                let lref = ListenerRef(gateway: name, name: l["name"]?.scalarText ?? "")
                try await createPlaceholder(secret, chain: HostTarget(host: host, secret: secret, listeners: [lref]), step: step)
                created = true
            }
        }
        if created { note("Gateway \(name) was not Programmed because of listeners with missing Secrets: placeholders created for them") }
        return created
    }

    private func syncGate(_ step: Step) async throws -> Outcome {
        guard let app = step.application else { return .passed("no Application") }
        // An operation already running (auto-sync or a person): let it finish first.
        // The marker names this rollout (its journal's start), so a resumed run recognises its own request and a
        // later rollout of a new commit does not mistake an old sync for its own.
        let started = await journal.state?.startedAt ?? env.runID
        let marker = "syncgate rollout \(options.rolloutName) stage \(step.stage) started \(started)"
        var current = try await env.cluster.get(.applications, namespace: app.namespace, name: app.name)
        guard current != nil else {
            return .failed([(app, GateFailure(gate: .sync, failure: .blocked, object: step.object,
                evidence: "Application \(app.id) does not exist in the cluster",
                remedy: "Apply the Application (its parent app-of-apps must sync first)."))])
        }
        if Self.operationMarker(current) == marker {
            return .passed("sync already requested by an earlier run")
        }
        let waitStart = env.clock.now
        while current?["operation"] != nil && !(current?["operation"]?.isNull ?? true) {
            if env.clock.now.timeIntervalSince(waitStart) > policy.timeouts.certificate {
                return .failed([(app, GateFailure(gate: .sync, failure: .timedOut, object: step.object,
                    evidence: "an Argo CD operation on \(app.id) did not finish in \(RolloutEvent.duration(policy.timeouts.certificate))",
                    remedy: "Look at the running sync (`argocd app get \(app.name)`); terminate it if stuck, then run again."))])
            }
            emit(.waiting, step, message: "another sync operation is running")
            try await env.clock.sleep(seconds: policy.verification.checkIntervalSeconds)
            current = try await env.cluster.get(.applications, namespace: app.namespace, name: app.name)
        }
        let revision = current?[path: "spec", "source", "targetRevision"]?.scalarText ?? current?[path: "status", "sync", "revision"]?.scalarText ?? "HEAD"
        let patch: Value = .object([
            "operation": .object([
                "initiatedBy": .object(["username": .string("syncgate")]),
                "info": .array([.object(["name": .string("reason"), "value": .string(marker)]),
                                .object(["name": .string("run"), "value": .string(env.runID)])]),
                "sync": .object(["revision": .string(revision), "syncStrategy": .object(["hook": .object([:])])]),
            ]),
        ])
        _ = try await env.cluster.mergePatch(.applications, namespace: app.namespace, name: app.name, patch)
        syncTriggeredAt[app.id] = env.clock.now
        emit(.syncTriggered, step, message: "Argo CD sync of \(app.id) at \(revision) requested through .operation")
        return .passed("sync requested")
    }

    static func operationMarker(_ app: Value?) -> String? {
        for source in [app?["operation"], app?[path: "status", "operationState", "operation"]] {
            if let info = source?["info"]?.elements.first(where: { $0["name"]?.scalarText == "reason" })?["value"]?.scalarText { return info }
        }
        return nil
    }

    private func certificateGate(_ step: Step) async throws -> Outcome {
        guard let chain = chain(step), let cert = chain.certificate else { return .passed("no Certificate") }
        let ns = cert.namespace
        let routesAtStart = try await solverRoutes(ns)
        let requestsAtStart = Set(try await requests(of: cert).compactMap { $0[path: "metadata", "name"]?.scalarText })
        return try await poll(step, timeout: policy.timeouts.certificate) {
            let live = try await self.env.cluster.get(.certificates, namespace: ns, name: cert.name)
            let reqs = try await self.requests(of: cert)
            let reqNames = Set(reqs.compactMap { $0[path: "metadata", "name"]?.scalarText })
            let orders = try await self.env.cluster.list(.orders, namespace: ns, labelSelector: nil).filter { o in
                let owners = (o[path: "metadata", "ownerReferences"]?.elements ?? []).compactMap { $0["name"]?.scalarText }
                return owners.contains { reqNames.contains($0) } || (o[path: "metadata", "name"]?.scalarText ?? "").hasPrefix(cert.name + "-")
            }
            let names = Set((live?[path: "spec", "dnsNames"]?.elements ?? []).compactMap(\.scalarText)).union([chain.host])
            let challenges = try await self.env.cluster.list(.challenges, namespace: ns, labelSelector: nil).filter {
                names.contains($0[path: "spec", "dnsName"]?.scalarText ?? "")
            }
            var gateways: [(ObjectName, Value?)] = []
            for gw in Set(chain.listeners.map(\.gateway)).sorted() {
                gateways.append((gw, try await self.env.cluster.get(.gateways, namespace: gw.namespace, name: gw.name)))
            }
            if let app = step.application, let failed = try await self.syncFailure(app) {
                return .fail(GateFailure(gate: .sync, failure: .verificationFailed, object: "application:\(app.id)",
                    evidence: failed, remedy: "See the sync result (`argocd app get \(app.name)`); fix and commit, then run again."))
            }
            let input = CertificateInput(certificate: cert, live: live, requests: reqs, orders: orders, challenges: challenges,
                                         solverRoutes: try await self.solverRoutes(ns), solverRoutesAtStart: routesAtStart,
                                         gateways: gateways, requestsAtStart: requestsAtStart)
            return CertificateGate.evaluate(input, guards: self.policy.guards)
        }
    }

    private func verifyGate(_ step: Step) async throws -> Outcome {
        guard let chain = chain(step), let stage = policy.stage(named: step.stage) else { return .passed("nothing to verify") }
        let outcome = try await poll(step, timeout: policy.timeouts.verification) {
            try await self.verifyOnce(chain, stage: stage)
        }
        if case .failed(let list) = outcome, let first = list.first, first.failure.failure == .timedOut {
            // Still not serving the right certificate after the timeout: that is a verification failure after a change.
            return .failed([(step.application, GateFailure(gate: .verify, failure: .verificationFailed, object: "tls:\(chain.host)",
                evidence: first.failure.evidence,
                remedy: "The ingress does not serve the issued certificate: check that the listener references the Certificate's Secret and that the controller reloaded it. Production was not started."))])
        }
        return outcome
    }

    private func soakGate(_ step: Step) async throws -> Outcome {
        guard let stage = policy.stage(named: step.stage), let entry = plan.stages.first(where: { $0.stage.name == step.stage }) else {
            return .passed("nothing to soak")
        }
        let verification = policy.verification(for: stage)
        let hosts = entry.applications.flatMap { app in app.hosts.filter { $0.secret != nil }.map { (app.identity, $0) } }
        if hosts.isEmpty || verification.soakSeconds <= 0 { return .passed("no soak") }
        let start = env.clock.now
        var rounds = 0
        while true {
            rounds += 1
            for (app, chain) in hosts {
                let v = try await verifyOnce(chain, stage: stage)
                let why: String
                switch v {
                case .pass: continue
                case .wait(let w): why = w
                case .fail(let f): why = f.evidence
                }
                return .failed([(app, GateFailure(gate: .soak, failure: .verificationFailed, object: "tls:\(chain.host)",
                    evidence: "during the soak of stage \(stage.name) (\(RolloutEvent.duration(env.clock.now.timeIntervalSince(start))) in): \(why)",
                    remedy: "Something replaced the served certificate after verification; find what changed the Secret or the listener before promoting."))])
            }
            let elapsed = env.clock.now.timeIntervalSince(start)
            if elapsed >= verification.soakSeconds { break }
            emit(.waiting, step, message: "soaking: \(hosts.count) hosts verified \(rounds)×, \(RolloutEvent.duration(verification.soakSeconds - elapsed)) left",
                 elapsed: elapsed)
            try await env.clock.sleep(seconds: min(verification.checkIntervalSeconds, verification.soakSeconds - elapsed))
        }
        return .passed("\(hosts.count) hosts kept serving verified certificates for \(RolloutEvent.duration(verification.soakSeconds))")
    }

    // MARK: - Evidence helpers

    private func verifyOnce(_ chain: HostTarget, stage: Stage) async throws -> GateVerdict {
        guard let secret = chain.secret else { return .pass("no Secret") }
        let verification = policy.verification(for: stage)
        let live = try await env.cluster.get(.secrets, namespace: secret.namespace, name: secret.name)
        if Placeholder.isPlaceholder(live) {
            return .wait("Secret \(secret) still holds SyncGate's placeholder")
        }
        let secretPEM = (live?[path: "data", "tls.crt"]?.scalarText).flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }
        var trust: String?
        var origin = "the stage's trust"
        if let bundle = verification.trustBundle {
            trust = bundle == "system" ? systemTrustPEM() : env.trustBundle(bundle)
            origin = bundle == "system" ? "the system trust store" : bundle
            if trust == nil {
                return .fail(GateFailure(gate: .verify, failure: .verificationFailed, object: "trust:\(bundle)",
                    evidence: "trust bundle \(bundle) of stage \(stage.name) cannot be read",
                    remedy: "Fix `verification.trustBundle` in \(policy.source): a PEM file relative to it."))
            }
        } else if let ca = (live?[path: "data", "ca.crt"]?.scalarText).flatMap({ Data(base64Encoded: $0) }), !ca.isEmpty {
            trust = String(decoding: ca, as: UTF8.self)
            origin = "ca.crt of Secret \(secret)"
        } else if noTrustNoted.insert(stage.name).inserted {
            note("stage \(stage.name) has no verification.trustBundle and \(secret) has no ca.crt: served chains are compared with the Secret but not verified against a CA (set `trustBundle: system` or a PEM file)")
        }
        let addresses = await ingressAddresses()
        var address = addresses.first
        if address == nil { address = await env.live.resolve(host: chain.host).addresses.first }
        guard let address else { return .wait("\(chain.host) has no address to connect to") }
        let served = await env.live.servedChain(host: chain.host, address: address, port: policy.ingress.httpsPort)
        return ServedCertificateGate.evaluate(ServedInput(host: chain.host, address: address, port: policy.ingress.httpsPort, served: served,
                                                          secretPEM: secretPEM, trustPEM: trust, trustOrigin: origin,
                                                          minDaysValid: verification.minDaysValid, now: env.clock.now))
    }

    private func syncFailure(_ app: ApplicationIdentity) async throws -> String? {
        guard let live = try await env.cluster.get(.applications, namespace: app.namespace, name: app.name),
              let op = live[path: "status", "operationState"] else { return nil }
        let phase = op["phase"]?.scalarText ?? ""
        guard phase == "Failed" || phase == "Error" else { return nil }
        guard let requested = syncTriggeredAt[app.id] else { return nil }
        if let started = (op["startedAt"]?.scalarText).flatMap(RFC3339.parse), started < requested.addingTimeInterval(-1) { return nil }
        return "Argo CD sync of \(app.id) \(phase): \(op["message"]?.scalarText ?? "")"
    }

    private func requests(of cert: ObjectName) async throws -> [Value] {
        try await env.cluster.list(.certificateRequests, namespace: cert.namespace, labelSelector: nil).filter {
            $0[path: "metadata", "annotations", "cert-manager.io/certificate-name"]?.scalarText == cert.name
        }
    }

    private func solverRoutes(_ namespace: String) async throws -> Int {
        try await env.cluster.list(.httpRoutes, namespace: namespace, labelSelector: nil).filter {
            ($0[path: "metadata", "name"]?.scalarText ?? "").hasPrefix("cm-acme-http-solver")
                || $0[path: "metadata", "labels", "acme.cert-manager.io/http01-solver"]?.scalarText == "true"
        }.count
    }

    private func ingressAddresses() async -> [String] {
        if let ingressCache { return ingressCache }
        var out = policy.ingress.addresses
        for h in policy.ingress.hostnames { out += await env.live.resolve(host: h).addresses }
        ingressCache = out
        return out
    }

    private func createPlaceholder(_ secret: ObjectName, chain: HostTarget, step: Step) async throws {
        let pem = try SelfSigned.placeholder(host: chain.host, validity: 30 * 86_400, now: Int64(env.clock.now.timeIntervalSince1970))
        var meta = Object()
        meta["name"] = .string(secret.name)
        meta["namespace"] = .string(secret.namespace)
        meta["labels"] = .object(["syncgate.dev/placeholder": .string("true"), "app.kubernetes.io/managed-by": .string("syncgate")])
        let fingerprint = (try? SyncGateX509.Certificate(pem: pem.certificatePEM))?.sha256Fingerprint ?? ""
        meta["annotations"] = .object([
            Placeholder.fingerprintAnnotation: .string(fingerprint),
            "syncgate.dev/placeholder-for": .string(chain.listeners.map(\.description).joined(separator: ",")),
            "syncgate.dev/placeholder-reason": .string("a listener references this Secret before its Certificate is issued; cert-manager overwrites it on issuance"),
        ])
        var o = Object()
        o["apiVersion"] = .string("v1")
        o["kind"] = .string("Secret")
        o["type"] = .string("kubernetes.io/tls")
        o["metadata"] = .object(meta)
        o["data"] = .object([
            "tls.crt": .string(Data(pem.certificatePEM.utf8).base64EncodedString()),
            "tls.key": .string(Data(pem.keyPEM.utf8).base64EncodedString()),
        ])
        do {
            _ = try await env.cluster.create(.secrets, namespace: secret.namespace, .object(o))
        } catch let e as KubeError where e.isAlreadyExists {
            return  // someone (cert-manager) created it meanwhile: never overwrite
        } catch let e as KubeError where e.isNotFound {
            // The namespace does not exist yet (Argo CD's CreateNamespace would make it at sync): make it now.
            var nsMeta = Object()
            nsMeta["name"] = .string(secret.namespace)
            nsMeta["labels"] = .object(["app.kubernetes.io/managed-by": .string("syncgate")])
            do { _ = try await env.cluster.create(.namespaces, namespace: nil, .object(["apiVersion": .string("v1"), "kind": .string("Namespace"), "metadata": .object(nsMeta)])) }
            catch let e2 as KubeError where e2.isAlreadyExists {}
            do { _ = try await env.cluster.create(.secrets, namespace: secret.namespace, .object(o)) }
            catch let e3 as KubeError where e3.isAlreadyExists { return }
            _ = e
        }
        placeholders.append(secret.description)
        emit(.placeholderCreated, step, message: "placeholder Secret \(secret) (self-signed for \(chain.host), labelled syncgate.dev/placeholder)")
    }

    /// Re-evaluates `check` every check interval until it passes, fails, or the timeout passes (then `.timedOut`).
    private func poll(_ step: Step, timeout: Double, _ check: @Sendable () async throws -> GateVerdict) async throws -> Outcome {
        let start = env.clock.now
        let interval = policy.stage(named: step.stage).map { policy.verification(for: $0).checkIntervalSeconds } ?? policy.verification.checkIntervalSeconds
        var lastWait = ""
        while true {
            try Task.checkCancellation()
            switch try await check() {
            case .pass(let m): return .passed(m)
            case .fail(let f): return .failed([(step.application, f)])
            case .wait(let why):
                let elapsed = env.clock.now.timeIntervalSince(start)
                if elapsed >= timeout {
                    return .failed([(step.application, GateFailure(gate: step.gate, failure: .timedOut, object: step.object,
                        evidence: "still waiting after \(RolloutEvent.duration(elapsed)): \(why)",
                        remedy: "Raise `timeouts.\(timeoutName(step.gate))` in syncgate.yaml if this is only slow, or look at the object."))])
                }
                if why != lastWait { emit(.waiting, step, message: why, elapsed: elapsed) }
                lastWait = why
                try await env.clock.sleep(seconds: interval)
                try await leases.renew(now: env.clock.now)
            }
        }
    }

    private func timeoutName(_ gate: GateKind) -> String {
        switch gate {
        case .listener: return "listener"
        case .certificate, .sync: return "certificate"
        case .verify, .soak: return "verification"
        case .secret: return "secret"
        default: return "prerequisites"
        }
    }

    // MARK: - Failing closed

    private func pauseAffected() async {
        guard policy.onFailure.pauseAutoSync else {
            if !failures.isEmpty { note("onFailure.pauseAutoSync is false: auto-sync left as it was") }
            return
        }
        var done = Set<String>()
        for f in failures {
            guard let app = f.application, f.failure.gate != .lease, !done.contains(app.id) else { continue }
            done.insert(app.id)
            let reasons = failures.filter { $0.application == app }.map(\.failure.pauseReason)
            let reason = reasons.joined(separator: "; ") + " (syncgate \(options.mode.rawValue) \(options.rolloutName), \(env.runID))"
            do {
                let outcome = try await env.autoSync.pause(app, reason: reason)
                paused.append((app.id, outcome))
                emit(.paused, application: app.id, message: "\(outcome): \(reason)")
            } catch {
                paused.append((app.id, "NOT paused: \(error)"))
                emit(.failed, application: app.id, message: "could not pause auto-sync: \(error)")
            }
        }
    }

    // MARK: - Small helpers

    private func chain(_ step: Step) -> HostTarget? {
        guard let app = step.application, let host = step.host else { return nil }
        return plan.applications.first { $0.identity == app }?.hosts.first { $0.host == host }
    }

    private func describe(_ step: Step) -> String {
        switch step.gate {
        case .lease: return "taking the Lease"
        case .prerequisites: return "checking DNS, backend, images and issuer for \(step.host ?? "")"
        case .promotion: return "checking that \(step.stage) was promoted"
        case .hold: return "holding auto-sync until the earlier stage is verified"
        case .release: return "releasing the hold on auto-sync"
        case .secret: return "checking the TLS Secret"
        case .listener: return "waiting for the listener and its Gateway to be Programmed"
        case .sync: return "requesting the Argo CD sync"
        case .certificate: return "waiting for the Certificate to be Ready (watching Orders, Challenges, solver routes)"
        case .verify: return "verifying the served certificate of \(step.host ?? "")"
        case .soak: return "soaking stage \(step.stage)"
        case .stageVerified: return "recording stage \(step.stage) as verified"
        }
    }

    private func note(_ message: String) {
        notes.append(message)
        emit(.note, message: message)
    }

    private func emit(_ kind: RolloutEvent.Kind, _ step: Step? = nil, application: String? = nil, object: String? = nil,
                      message: String, elapsed: Double? = nil) {
        env.events.emit(RolloutEvent(time: env.clock.now, kind: kind, stage: step?.stage, application: application ?? step?.application?.id,
                                     gate: step.map { $0.gate.description }, object: object ?? step?.object, message: message, elapsed: elapsed))
    }
}
