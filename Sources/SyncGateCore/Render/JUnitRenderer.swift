/// JUnit XML for CI systems: one test suite per Application (and one for unowned objects); each error finding
/// is a failed test case, each warning a passing one with the message in system-out, and a clean Application
/// gets one passing case.
public struct JUnitRenderer: PlanRenderer {
    public init() {}

    public func render(_ plan: Plan) -> String {
        var groups: [String: [Finding]] = [:]
        for a in plan.applications { groups[a.id] = [] }
        for f in plan.findings where f.severity != .info { groups[f.application ?? "(unowned)", default: []].append(f) }
        if groups.isEmpty { groups["(repository)"] = [] }
        let totalTests = groups.values.reduce(0) { $0 + max(1, $1.count) }
        let totalFailures = plan.findings.filter { $0.severity == .error }.count
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"syncgate plan\" tests=\"\(totalTests)\" failures=\"\(totalFailures)\" errors=\"0\">\n"
        for name in groups.keys.sorted() {
            let findings = groups[name]!
            let failures = findings.filter { $0.severity == .error }.count
            out += "  <testsuite name=\"\(Escape.xml(name))\" tests=\"\(max(1, findings.count))\" failures=\"\(failures)\" errors=\"0\" skipped=\"0\">\n"
            if findings.isEmpty {
                out += "    <testcase classname=\"\(Escape.xml(name))\" name=\"no blocking findings\"/>\n"
            }
            for f in findings {
                let caseName = "\(f.id) \(f.object)"
                out += "    <testcase classname=\"\(Escape.xml(name))\" name=\"\(Escape.xml(caseName))\" file=\"\(Escape.xml(f.location.file))\" line=\"\(f.location.line)\">\n"
                let body = "\(f.location): \(f.message)\nFix: \(f.remedy)"
                if f.severity == .error {
                    out += "      <failure type=\"\(Escape.xml(f.id))\" message=\"\(Escape.xml(f.message))\">\(Escape.xml(body))</failure>\n"
                } else {
                    out += "      <system-out>\(Escape.xml("warning: " + body))</system-out>\n"
                }
                out += "    </testcase>\n"
            }
            out += "  </testsuite>\n"
        }
        out += "</testsuites>\n"
        return out
    }
}
