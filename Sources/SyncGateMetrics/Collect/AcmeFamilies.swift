import SyncGateCore

/// Per namespace: Orders and Challenges by state, and the cm-acme-http-solver HTTPRoutes that leak on retries.
struct AcmeFamilies {
    let observation: ClusterObservation
    let settings: MetricsSettings

    func families() -> [MetricFamily] {
        var orders = MetricFamily(MetricCatalog.acmeOrders)
        orders.samples = countByState(observation.orders)
        var challenges = MetricFamily(MetricCatalog.acmeChallenges)
        challenges.samples = countByState(observation.challenges)

        // Every namespace with a Certificate or a solver route gets a series, so a rise from 0 is visible.
        var routes: [String: Int] = [:]
        for certificate in observation.certificates { routes[certificate.namespaceName, default: 0] += 0 }
        for route in observation.httpRoutes where isSolverRoute(route) { routes[route.namespaceName, default: 0] += 1 }
        var solver = MetricFamily(MetricCatalog.acmeSolverRoutes)
        solver.samples = routes.keys.sorted().map { Sample([Label("namespace", $0)], Double(routes[$0]!)) }
        return [orders, challenges, solver]
    }

    func isSolverRoute(_ route: Value) -> Bool {
        route.objectName.hasPrefix(settings.solverRoutePrefix) || route.label("acme.cert-manager.io/http01-solver") == "true"
    }

    func countByState(_ objects: [Value]) -> [Sample] {
        var counts: [String: [String: Int]] = [:]
        for object in objects {
            let state = object[path: "status", "state"]?.string.flatMap { $0.isEmpty ? nil : $0 } ?? "none"
            counts[object.namespaceName, default: [:]][state, default: 0] += 1
        }
        return counts.keys.sorted().flatMap { ns in
            counts[ns]!.keys.sorted().map { state in
                Sample([Label("namespace", ns), Label("state", state)], Double(counts[ns]![state]!))
            }
        }
    }
}
