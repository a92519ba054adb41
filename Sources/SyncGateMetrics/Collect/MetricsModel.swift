/// The metric families of one observation at one time: a pure function, tested from fixtures.
public enum MetricsModel {
    public static func families(_ observation: ClusterObservation, now: Double, settings: MetricsSettings = MetricsSettings()) -> [MetricFamily] {
        CertificateFamilies(observation: observation, now: now, settings: settings).families()
            + AcmeFamilies(observation: observation, settings: settings).families()
            + ApplicationFamilies(observation: observation).families()
            + RateLimitFamilies(observation: observation, now: now, settings: settings).families()
            + RolloutFamilies(observation: observation).families()
            + GatewayFamilies(observation: observation).families()
    }

    /// The collector's own health: when it last succeeded, how long it took, which reads failed.
    public static func collectorFamilies(_ observation: ClusterObservation, finishedAt: Double, duration: Double) -> [MetricFamily] {
        var errors = MetricFamily(MetricCatalog.collectorErrors)
        var resources = Set(ResourceKind.listed.map(\.description) + [ResourceKind.secret.description, MetricsCollector.endpointResource])
        resources.formUnion(observation.errors.keys)
        errors.samples = resources.sorted().map { Sample([Label("resource", $0)], Double(observation.errors[$0] ?? 0)) }
        return [
            MetricFamily(MetricCatalog.collectorLastSuccess, samples: [Sample([], finishedAt)]),
            MetricFamily(MetricCatalog.collectorDuration, samples: [Sample([], duration)]),
            errors,
        ]
    }
}
