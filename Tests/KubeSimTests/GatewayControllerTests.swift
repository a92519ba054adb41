import Foundation
import KubeSim
import SyncGateCore
import Testing

@Suite("Gateway controller")
struct GatewayControllerTests {
    static func tlsSecret(_ name: String, _ ns: String) -> String {
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: \(name), namespace: \(ns)}
        type: kubernetes.io/tls
        data: {tls.crt: \(Data("cert".utf8).base64EncodedString()), tls.key: \(Data("key".utf8).base64EncodedString())}
        """
    }

    static func gateway(extraListeners: String = "") -> String {
        SeedObjects.traefikGatewayClass + """
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: traefik}
        ---

        """ + SeedObjects.traefikGateway(listeners: """
          - {name: web, protocol: HTTP, port: 80, allowedRoutes: {namespaces: {from: All}}}
          - name: catalog-https
            protocol: HTTPS
            port: 443
            hostname: catalog.example.com
            allowedRoutes: {namespaces: {from: All}}
            tls: {mode: Terminate, certificateRefs: [{kind: Secret, name: catalog-tls}]}
          - name: orders-https
            protocol: HTTPS
            port: 443
            hostname: orders.example.com
            allowedRoutes: {namespaces: {from: All}}
            tls: {mode: Terminate, certificateRefs: [{kind: Secret, name: orders-tls}]}
        \(extraListeners)
        """)
    }

    static let payListener = """
          - name: pay-https
            protocol: HTTPS
            port: 443
            hostname: pay.example.com
            allowedRoutes: {namespaces: {from: All}}
            tls: {mode: Terminate, certificateRefs: [{kind: Secret, name: pay-prod-tls-secret}]}
        """

    static func listener(_ gw: Value?, _ name: String) -> Value? {
        gw?[path: "status", "listeners"]?.elements.first { $0["name"]?.string == name }
    }
    static func condition(_ v: Value?, _ type: String) -> Value? {
        v?["conditions"]?.elements.first { $0["type"]?.string == type }
    }

    @Test("healthy Gateway: every listener Accepted, ResolvedRefs and Programmed; attachedRoutes counted")
    func healthy() throws {
        let sim = try KubeSim.start()
        defer { sim.stop() }
        try sim.apply(yaml: Self.gateway() + "\n---\n" + Self.tlsSecret("catalog-tls", "traefik") + "\n---\n" + Self.tlsSecret("orders-tls", "traefik"))
        try sim.apply(yaml: """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: catalog, namespace: default}
            spec:
              parentRefs: [{name: traefik-gateway, namespace: traefik}]
              hostnames: [catalog.example.com]
            """)
        sim.reconcile()
        let gw = sim.get("Gateway", "traefik", "traefik-gateway")
        #expect(Self.condition(gw?["status"], "Programmed")?["status"]?.string == "True")
        #expect(Self.condition(gw?["status"], "Accepted")?["status"]?.string == "True")
        #expect(gw?[path: "status", "addresses"]?[0]?["value"]?.string == "203.0.113.10")
        for name in ["web", "catalog-https", "orders-https"] {
            let l = Self.listener(gw, name)
            #expect(Self.condition(l, "Programmed")?["status"]?.string == "True", "\(name)")
            #expect(Self.condition(l, "ResolvedRefs")?["status"]?.string == "True", "\(name)")
        }
        #expect(Self.listener(gw, "catalog-https")?["attachedRoutes"]?.int == 1)
        #expect(Self.listener(gw, "orders-https")?["attachedRoutes"]?.int == 0)
        #expect(Self.listener(gw, "web")?["attachedRoutes"]?.int == 1)
        #expect(Self.condition(sim.get("GatewayClass", "", "traefik")?["status"], "Accepted")?["status"]?.string == "True")
    }

    @Test("one listener with a missing Secret: the whole Gateway goes Programmed=False (gateway blast radius, seed 000)")
    func gatewayBlastRadius() throws {
        let sim = try KubeSim.start()
        defer { sim.stop() }
        try sim.apply(yaml: Self.gateway(extraListeners: Self.payListener) + "\n---\n" + Self.tlsSecret("catalog-tls", "traefik") + "\n---\n" + Self.tlsSecret("orders-tls", "traefik"))
        sim.reconcile()
        var gw = sim.get("Gateway", "traefik", "traefik-gateway")
        let programmed = Self.condition(gw?["status"], "Programmed")
        #expect(programmed?["status"]?.string == "False")
        #expect(programmed?["reason"]?.string == "InvalidCertificateRef")
        #expect(programmed?["message"]?.string == "Error while retrieving certificate: getting secret: secret \"pay-prod-tls-secret\" not found")
        for name in ["web", "catalog-https", "orders-https", "pay-https"] {
            #expect(Self.condition(Self.listener(gw, name), "Programmed")?["status"]?.string == "False", "\(name) should be down")
        }
        #expect(Self.condition(Self.listener(gw, "pay-https"), "ResolvedRefs")?["reason"]?.string == "InvalidCertificateRef")
        #expect(Self.condition(Self.listener(gw, "catalog-https"), "ResolvedRefs")?["status"]?.string == "True")

        // A placeholder Secret under the expected name brings everything back.
        try sim.apply(yaml: Self.tlsSecret("pay-prod-tls-secret", "traefik"))
        sim.reconcile()
        gw = sim.get("Gateway", "traefik", "traefik-gateway")
        #expect(Self.condition(gw?["status"], "Programmed")?["status"]?.string == "True")
        for name in ["web", "catalog-https", "orders-https", "pay-https"] {
            #expect(Self.condition(Self.listener(gw, name), "Programmed")?["status"]?.string == "True", "\(name) should be back")
        }
    }

    @Test("listener blast radius (the spec): only that listener is down; switching at run time")
    func listenerBlastRadius() throws {
        var options = KubeSimOptions()
        options.blastRadius = .listener
        let sim = try KubeSim.start(options)
        defer { sim.stop() }
        try sim.apply(yaml: Self.gateway(extraListeners: Self.payListener) + "\n---\n" + Self.tlsSecret("catalog-tls", "traefik") + "\n---\n" + Self.tlsSecret("orders-tls", "traefik"))
        sim.reconcile()
        var gw = sim.get("Gateway", "traefik", "traefik-gateway")
        #expect(Self.condition(gw?["status"], "Programmed")?["status"]?.string == "True")
        #expect(Self.condition(Self.listener(gw, "pay-https"), "Programmed")?["status"]?.string == "False")
        #expect(Self.condition(Self.listener(gw, "web"), "Programmed")?["status"]?.string == "True")
        #expect(Self.condition(Self.listener(gw, "catalog-https"), "Programmed")?["status"]?.string == "True")

        sim.setBlastRadius(.gateway)
        sim.reconcile()
        gw = sim.get("Gateway", "traefik", "traefik-gateway")
        #expect(Self.condition(gw?["status"], "Programmed")?["status"]?.string == "False")
        #expect(Self.condition(Self.listener(gw, "web"), "Programmed")?["status"]?.string == "False")
    }

    @Test("a certificateRef to another namespace needs a ReferenceGrant (RefNotPermitted)")
    func referenceGrant() throws {
        var options = KubeSimOptions()
        options.blastRadius = .listener
        let sim = try KubeSim.start(options)
        defer { sim.stop() }
        try sim.apply(yaml: Self.gateway(extraListeners: """
              - name: shared-https
                protocol: HTTPS
                port: 443
                hostname: shared.example.com
                tls: {certificateRefs: [{name: shared-tls, namespace: certs}]}
            """) + "\n---\n" + Self.tlsSecret("catalog-tls", "traefik") + "\n---\n" + Self.tlsSecret("orders-tls", "traefik")
            + "\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: certs}\n---\n" + Self.tlsSecret("shared-tls", "certs"))
        sim.reconcile()
        var l = Self.listener(sim.get("Gateway", "traefik", "traefik-gateway"), "shared-https")
        #expect(Self.condition(l, "ResolvedRefs")?["reason"]?.string == "RefNotPermitted")
        #expect(Self.condition(l, "Programmed")?["status"]?.string == "False")
        try sim.apply(yaml: """
            apiVersion: gateway.networking.k8s.io/v1beta1
            kind: ReferenceGrant
            metadata: {name: traefik-to-certs, namespace: certs}
            spec:
              from: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: traefik}]
              to: [{group: "", kind: Secret}]
            """)
        sim.reconcile()
        l = Self.listener(sim.get("Gateway", "traefik", "traefik-gateway"), "shared-https")
        #expect(Self.condition(l, "ResolvedRefs")?["status"]?.string == "True")
        #expect(Self.condition(l, "Programmed")?["status"]?.string == "True")
    }
}

@Suite("HTTPRoute status and workloads")
struct RouteAndWorkloadTests {
    @Test("HTTPRoute status.parents: Accepted, and ResolvedRefs=False BackendNotFound until the Service exists")
    func routeStatus() throws {
        let sim = try KubeSim.start()
        defer { sim.stop() }
        try sim.apply(yaml: GatewayControllerTests.gateway() + "\n---\n" + GatewayControllerTests.tlsSecret("catalog-tls", "traefik") + "\n---\n" + GatewayControllerTests.tlsSecret("orders-tls", "traefik"))
        try sim.apply(yaml: """
            apiVersion: v1
            kind: Namespace
            metadata: {name: acme-pay-production}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: acme-pay-route, namespace: acme-pay-production}
            spec:
              parentRefs: [{name: traefik-gateway, namespace: traefik}]
              hostnames: [pay.example.com]
              rules: [{backendRefs: [{name: acme-pay-web, port: 80}]}]
            """)
        sim.reconcile()
        var parent = sim.get("HTTPRoute", "acme-pay-production", "acme-pay-route")?[path: "status", "parents"]?[0]
        #expect(parent?[path: "parentRef", "name"]?.string == "traefik-gateway")
        #expect(parent?["controllerName"]?.string == "traefik.io/gateway-controller")
        #expect(GatewayControllerTests.condition(parent, "Accepted")?["status"]?.string == "True")
        let refs = GatewayControllerTests.condition(parent, "ResolvedRefs")
        #expect(refs?["reason"]?.string == "BackendNotFound")
        #expect(refs?["message"]?.string?.contains("service \"acme-pay-web\" not found") == true)
        try sim.apply(yaml: "apiVersion: v1\nkind: Service\nmetadata: {name: acme-pay-web, namespace: acme-pay-production}\nspec: {ports: [{port: 80}]}\n")
        sim.reconcile()
        parent = sim.get("HTTPRoute", "acme-pay-production", "acme-pay-route")?[path: "status", "parents"]?[0]
        #expect(GatewayControllerTests.condition(parent, "ResolvedRefs")?["status"]?.string == "True")
    }

    @Test("a Deployment whose image cannot be pulled stays unavailable; Argo CD health follows")
    func workloads() throws {
        var options = KubeSimOptions()
        options.imageAvailable = { !$0.contains("pay-web") }
        let sim = try KubeSim.start(options)
        defer { sim.stop() }
        try sim.apply(yaml: """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: pay-web, namespace: default}
            spec:
              replicas: 2
              selector: {matchLabels: {app: pay-web}}
              template:
                metadata: {labels: {app: pay-web}}
                spec: {containers: [{name: web, image: registry.example.com/acme/pay-web:1.0.0}]}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: catalog, namespace: default}
            spec:
              replicas: 1
              selector: {matchLabels: {app: catalog}}
              template:
                metadata: {labels: {app: catalog}}
                spec: {containers: [{name: web, image: registry.example.com/acme/catalog:2.1.0}]}
            """)
        sim.reconcile()
        let pay = try #require(sim.get("Deployment", "default", "pay-web"))
        #expect(pay[path: "status", "availableReplicas"] == nil)
        #expect(pay[path: "status", "conditions"]?.elements.first { $0["type"]?.string == "Available" }?["status"]?.string == "False")
        #expect(sim.get("Deployment", "default", "catalog")?[path: "status", "availableReplicas"]?.int == 1)
    }
}
