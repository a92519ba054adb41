import Foundation
import SyncGateCore
import SyncGateKube
import SyncGateX509

/// Seed 000 (INC-2026-03-23) as a `SimWorld`: one shared Traefik Gateway with 20 healthy HTTPS listeners, and
/// four new Applications (pay and rbac, sandbox and production) whose DNS records and images do not exist yet.
public struct Seed000Scenario: Sendable {
    public let world: SimWorld
    public let inventory: RolloutInventory
    public let policy: RolloutPolicy
    public let newApplications: [ApplicationIdentity]
    public static let existingServices = ["accounts", "billing", "catalog", "checkout", "docs", "files", "grafana", "identity", "inventory",
                                          "ledger", "mail", "notify", "orders", "partners", "portal", "reports", "search", "status", "support", "wallet"]
    public static let gateway = ObjectName("traefik", "traefik-gateway")

    public init(world: SimWorld, inventory: RolloutInventory, policy: RolloutPolicy, newApplications: [ApplicationIdentity]) {
        self.world = world
        self.inventory = inventory
        self.policy = policy
        self.newApplications = newApplications
    }

    /// - Parameter services: how many new services (each with a sandbox and a production Application); seed 000 has 2.
    public static func make(services: [String] = ["pay", "rbac"], existing: Int = 20, start: Date = Date(timeIntervalSince1970: 1_774_191_600)) throws -> Seed000Scenario {
        let world = try SimWorld(start: start)
        let c = world.cluster
        let directories = ["letsencrypt-staging": "https://acme-staging-v02.api.letsencrypt.org/directory",
                           "letsencrypt-prod": "https://acme-v02.api.letsencrypt.org/directory"]
        for (name, server) in directories.sorted(by: { $0.key < $1.key }) {
            c.put(.clusterIssuers, .object(["apiVersion": .string("cert-manager.io/v1"), "kind": .string("ClusterIssuer"),
                                            "metadata": .object(["name": .string(name)]),
                                            "spec": .object(["acme": .object(["server": .string(server)])]),
                                            "status": .object(["conditions": .array([.object(["type": .string("Ready"), "status": .string("True"), "reason": .string("ACMEAccountRegistered")])])])]))
        }
        c.put(.namespaces, .object(["apiVersion": .string("v1"), "kind": .string("Namespace"), "metadata": .object(["name": .string("argocd")])]))
        var listeners: [Value] = [listener("web", host: nil, secret: nil)]
        // Existing services: DNS, images, Secrets in place.
        for svc in existingServices.prefix(existing) {
            let host = "\(svc).acme.example.com"
            let ns = "acme-\(svc)"
            world.setDNS(host, [world.ingressAddress])
            listeners.append(listener("websecure-\(svc)", host: host, secret: ObjectName(ns, "acme-\(svc)-tls")))
            let key = try PrivateKey.generateP256()
            let now = Int64(start.timeIntervalSince1970)
            let leaf = try world.ca.issue(dnsNames: [host], notBefore: now - 86_400, notAfter: now + 60 * 86_400, key: key)
            c.put(.namespaces, .object(["apiVersion": .string("v1"), "kind": .string("Namespace"), "metadata": .object(["name": .string(ns)])]))
            c.put(.secrets, tlsSecret(ObjectName(ns, "acme-\(svc)-tls"), cert: leaf.pem, key: key.pem, ca: world.ca.certificatePEM))
        }
        // New listeners for the new services (what the platform-gateway Application deployed on 2026-03-22).
        var apps: [RolloutApplication] = []
        var newApps: [ApplicationIdentity] = []
        for svc in services {
            for env in ["sandbox", "production"] {
                let host = env == "production" ? "\(svc).acme.example.com" : "\(svc).sandbox.acme.example.com"
                let ns = "acme-\(svc)-\(env)"
                let secret = ObjectName(ns, "acme-\(svc)-\(env == "production" ? "prod" : "sandbox")-tls-secret")
                let lname = "websecure-\(svc)-\(env)"
                listeners.append(listener(lname, host: host, secret: secret))
                let image = "registry.example.com/acme/\(svc)-web:1.0.0"
                let issuer = env == "production" ? "letsencrypt-prod" : "letsencrypt-staging"
                let id = ApplicationIdentity(namespace: "argocd", name: "acme-\(svc)-\(env)", labels: ["env": env])
                newApps.append(id)
                world.addApplication(SimWorld.App(identity: id, resources: [
                    (.certificates, .object(["apiVersion": .string("cert-manager.io/v1"), "kind": .string("Certificate"),
                        "metadata": .object(["name": .string("acme-\(svc)-web-cert"), "namespace": .string(ns)]),
                        "spec": .object(["secretName": .string(secret.name), "dnsNames": .array([.string(host)]),
                                         "issuerRef": .object(["name": .string(issuer), "kind": .string("ClusterIssuer")])])])),
                    (.services, .object(["apiVersion": .string("v1"), "kind": .string("Service"),
                        "metadata": .object(["name": .string("acme-\(svc)-web"), "namespace": .string(ns)])])),
                ]), autoSync: true)
                apps.append(RolloutApplication(identity: id, hosts: [HostTarget(
                    host: host, images: [image], issuer: IssuerTarget(kind: "ClusterIssuer", name: issuer),
                    secret: secret, listeners: [ListenerRef(gateway: gateway, name: lname)],
                    certificate: ObjectName(ns, "acme-\(svc)-web-cert"), source: "services/\(svc)/\(env)/resources.yaml")]))
            }
        }
        c.put(.gateways, .object(["apiVersion": .string("gateway.networking.k8s.io/v1"), "kind": .string("Gateway"),
                                  "metadata": .object(["name": .string(gateway.name), "namespace": .string(gateway.namespace)]),
                                  "spec": .object(["gatewayClassName": .string("traefik"), "listeners": .array(listeners)])]))
        var policy = RolloutPolicy(source: "seed-000 syncgate.yaml")
        policy.stages = [
            Stage(name: "canary", selector: ApplicationSelector(names: ["acme-*-sandbox"]), issuer: IssuerRequirement(name: "letsencrypt-staging"),
                  verification: VerificationOverride(minDaysValid: 7, soakSeconds: 120)),
            Stage(name: "production", selector: ApplicationSelector(names: ["acme-*-production"]), issuer: IssuerRequirement(name: "letsencrypt-prod"),
                  verification: VerificationOverride(minDaysValid: 30, soakSeconds: 120)),
        ]
        policy.ingress = IngressPolicy(addresses: [world.ingressAddress])
        policy.gateways = [gateway.description: GatewaySettings(blastRadius: .gateway)]
        return Seed000Scenario(world: world, inventory: RolloutInventory(applications: apps), policy: policy, newApplications: newApps)
    }

    /// The fix the incident needed: DNS records and images for the new services.
    public func publishPrerequisites() {
        for app in inventory.applications {
            for chain in app.hosts {
                world.setDNS(chain.host, [world.ingressAddress])
                for i in chain.images { world.pushImage(i) }
            }
        }
    }

    static func listener(_ name: String, host: String?, secret: ObjectName?) -> Value {
        var o = Object.of(["name": .string(name), "protocol": .string(secret == nil ? "HTTP" : "HTTPS"), "port": .int(secret == nil ? 8000 : 8443)])
        if let host { o["hostname"] = .string(host) }
        if let secret {
            o["tls"] = .object(["mode": .string("Terminate"), "certificateRefs": .array([.object(["kind": .string("Secret"), "name": .string(secret.name), "namespace": .string(secret.namespace)])])])
        }
        return .object(o)
    }

    static func tlsSecret(_ name: ObjectName, cert: String, key: String, ca: String) -> Value {
        .object(["apiVersion": .string("v1"), "kind": .string("Secret"), "type": .string("kubernetes.io/tls"),
                 "metadata": .object(["name": .string(name.name), "namespace": .string(name.namespace)]),
                 "data": .object(["tls.crt": .string(Data(cert.utf8).base64EncodedString()), "tls.key": .string(Data(key.utf8).base64EncodedString()),
                                  "ca.crt": .string(Data(ca.utf8).base64EncodedString())])])
    }

    /// An environment over this world with a virtual clock that runs the world's controllers as time passes.
    public func environment(events: any RolloutEventSink, runID: String = RolloutEnvironment.newRunID(), cluster: (any RolloutCluster)? = nil) -> RolloutEnvironment {
        let world = self.world
        let clock = SimClock(world: world)
        let c = cluster ?? world.cluster
        return RolloutEnvironment(cluster: c, autoSync: ClusterAutoSyncSwitch(cluster: c, clock: clock), live: SimEvidence(world: world),
                                  clock: clock, events: events, runID: runID)
    }
}

/// The world's time as a `RolloutClock`: sleeping advances the world (and runs its controllers).
public struct SimClock: RolloutClock {
    public let world: SimWorld
    public init(world: SimWorld) { self.world = world }
    public var now: Date { world.now }
    public func sleep(seconds: Double) async throws {
        try Task.checkCancellation()
        world.advance(seconds: seconds)
        await Task.yield()
    }
}
