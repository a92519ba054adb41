/// One Prometheus metric family: a name, its help text, its type and its samples.
public struct MetricFamily: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case gauge, counter, untyped
    }

    public var name: String
    public var help: String
    public var kind: Kind
    public var samples: [Sample]

    public init(name: String, help: String, kind: Kind = .gauge, samples: [Sample] = []) {
        self.name = name
        self.help = help
        self.kind = kind
        self.samples = samples
    }

    public init(_ descriptor: MetricDescriptor, samples: [Sample] = []) {
        self.init(name: descriptor.name, help: descriptor.help, kind: descriptor.kind, samples: samples)
    }
}

/// One sample of a family: labels (in the order given) and a value.
public struct Sample: Sendable, Equatable {
    public var labels: [Label]
    public var value: Double

    public init(_ labels: [Label] = [], _ value: Double) {
        self.labels = labels
        self.value = value
    }

    public init(_ labels: KeyValuePairs<String, String>, _ value: Double) {
        self.labels = labels.map { Label($0.key, $0.value) }
        self.value = value
    }

    /// The value of one label, if present.
    public func label(_ name: String) -> String? { labels.first { $0.name == name }?.value }
}

public struct Label: Sendable, Equatable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// A metric's name, help and type, declared once in `MetricCatalog`.
public struct MetricDescriptor: Sendable, Equatable {
    public var name: String
    public var help: String
    public var kind: MetricFamily.Kind
    public var labels: [String]

    public init(_ name: String, _ kind: MetricFamily.Kind = .gauge, labels: [String], help: String) {
        self.name = name
        self.help = help
        self.kind = kind
        self.labels = labels
    }
}
