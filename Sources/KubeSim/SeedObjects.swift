/// Objects the seed-000 scenarios share, as YAML for `KubeSim.apply(yaml:)`: the shared Traefik Gateway's class,
/// that Gateway with its plain HTTP listener (where HTTP-01 solver routes attach), and the Let's Encrypt
/// production ClusterIssuer solving HTTP-01 through it. Documents end with a newline; join them with `---`.
public enum SeedObjects {
    public static let traefikGatewayClass = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata: {name: traefik}
        spec: {controllerName: traefik.io/gateway-controller}

        """

    /// The plain HTTP listener where HTTP-01 solver routes attach, as an item of `spec.listeners`.
    public static let httpListener = "  - {name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}\n"

    /// The shared Gateway `traefik/traefik-gateway` (class `traefik`) with `listeners`: items of `spec.listeners`,
    /// each line indented by at least two spaces. More top-level fields (`status:`) may follow.
    public static func traefikGateway(listeners: String) -> String {
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: traefik-gateway, namespace: traefik}
        spec:
          gatewayClassName: traefik
          listeners:

        """ + listeners + (listeners.isEmpty || listeners.hasSuffix("\n") ? "" : "\n")
    }

    /// The GatewayClass and the Gateway `traefik/traefik-gateway` with only its `http` listener.
    public static let traefikGatewayWithHTTPListener = traefikGatewayClass + "---\n" + traefikGateway(listeners: httpListener)

    public static let letsencryptProdHTTP01 = """
        apiVersion: cert-manager.io/v1
        kind: ClusterIssuer
        metadata: {name: letsencrypt-prod}
        spec:
          acme:
            server: https://acme-v02.api.letsencrypt.org/directory
            email: ops@example.com
            privateKeySecretRef: {name: letsencrypt-prod-account}
            solvers:
            - http01:
                gatewayHTTPRoute:
                  parentRefs: [{name: traefik-gateway, namespace: traefik, kind: Gateway}]

        """
}
