/// What loading produced: objects in file order, and findings about what could not be read as objects.
public struct LoadOutput: Sendable {
    public var manifests: [Manifest] = []
    public var findings: [Finding] = []

    public init(manifests: [Manifest] = [], findings: [Finding] = []) {
        self.manifests = manifests
        self.findings = findings
    }

    public mutating func append(_ other: LoadOutput) {
        manifests.append(contentsOf: other.manifests)
        findings.append(contentsOf: other.findings)
    }
}
