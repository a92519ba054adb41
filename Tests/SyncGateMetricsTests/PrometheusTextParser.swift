/// A strict reader of Prometheus text format 0.0.4, written independently of the renderer so the tests check
/// the exposition against the format, not against itself.
struct PrometheusTextParser {
    struct ParsedSample: Equatable {
        var labels: [String: String]
        var value: Double
    }

    struct ParsedFamily {
        var name: String
        var help: String?
        var type: String?
        var samples: [ParsedSample] = []

        func value(_ labels: [String: String]) -> Double? {
            samples.first { s in labels.allSatisfy { s.labels[$0.key] == $0.value } }?.value
        }
        func values(_ labels: [String: String]) -> [ParsedSample] {
            samples.filter { s in labels.allSatisfy { s.labels[$0.key] == $0.value } }
        }
    }

    struct ParseError: Error, CustomStringConvertible {
        var line: Int
        var message: String
        var description: String { "line \(line): \(message)" }
    }

    static func parse(_ text: String) throws -> [String: ParsedFamily] {
        guard text.isEmpty || text.hasSuffix("\n") else { throw ParseError(line: 0, message: "the exposition must end with a line feed") }
        var families: [String: ParsedFamily] = [:]
        var finished = Set<String>()
        var current: String?
        var seenSeries: [String: Set<String>] = [:]
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        for (index, raw) in lines.enumerated() {
            let n = index + 1
            let line = String(raw)
            if line.isEmpty { continue }
            func enter(_ name: String) throws {
                if current != name {
                    if let c = current { finished.insert(c) }
                    guard !finished.contains(name) else { throw ParseError(line: n, message: "family \(name) is not contiguous") }
                    current = name
                }
            }
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
                guard parts.count >= 3, parts[0] == "#", parts[1] == "HELP" || parts[1] == "TYPE" else { continue }
                let name = parts[2]
                guard isMetricName(name) else { throw ParseError(line: n, message: "bad metric name '\(name)'") }
                try enter(name)
                var family = families[name] ?? ParsedFamily(name: name)
                if parts[1] == "HELP" {
                    guard family.help == nil else { throw ParseError(line: n, message: "second HELP for \(name)") }
                    family.help = try unescape(parts.count > 3 ? parts[3] : "", quotes: false, line: n)
                } else {
                    guard family.type == nil else { throw ParseError(line: n, message: "second TYPE for \(name)") }
                    guard family.samples.isEmpty else { throw ParseError(line: n, message: "TYPE for \(name) after its samples") }
                    let type = parts.count > 3 ? parts[3] : ""
                    guard ["counter", "gauge", "histogram", "summary", "untyped"].contains(type) else {
                        throw ParseError(line: n, message: "unknown type '\(type)'")
                    }
                    family.type = type
                }
                families[name] = family
                continue
            }
            // name{labels} value [timestamp]
            var i = line.startIndex
            while i < line.endIndex, line[i] != "{", line[i] != " " { i = line.index(after: i) }
            let name = String(line[line.startIndex..<i])
            guard isMetricName(name) else { throw ParseError(line: n, message: "bad metric name '\(name)'") }
            try enter(name)
            var labels: [String: String] = [:]
            var labelOrder: [String] = []
            if i < line.endIndex, line[i] == "{" {
                i = line.index(after: i)
                while true {
                    guard i < line.endIndex else { throw ParseError(line: n, message: "unterminated label set") }
                    if line[i] == "}" { i = line.index(after: i); break }
                    if !labelOrder.isEmpty {
                        guard line[i] == "," else { throw ParseError(line: n, message: "expected ',' between labels") }
                        i = line.index(after: i)
                    }
                    var j = i
                    while j < line.endIndex, line[j] != "=" { j = line.index(after: j) }
                    let labelName = String(line[i..<j])
                    guard isLabelName(labelName) else { throw ParseError(line: n, message: "bad label name '\(labelName)'") }
                    guard j < line.endIndex, line.index(after: j) < line.endIndex, line[line.index(after: j)] == "\"" else {
                        throw ParseError(line: n, message: "label \(labelName) has no quoted value")
                    }
                    var k = line.index(j, offsetBy: 2)
                    var rawValue = ""
                    while true {
                        guard k < line.endIndex else { throw ParseError(line: n, message: "unterminated value of label \(labelName)") }
                        let c = line[k]
                        if c == "\\" {
                            let next = line.index(after: k)
                            guard next < line.endIndex else { throw ParseError(line: n, message: "dangling backslash") }
                            rawValue.append(c); rawValue.append(line[next]); k = line.index(after: next); continue
                        }
                        if c == "\"" { k = line.index(after: k); break }
                        rawValue.append(c); k = line.index(after: k)
                    }
                    guard labels[labelName] == nil else { throw ParseError(line: n, message: "label \(labelName) twice") }
                    labels[labelName] = try unescape(rawValue, quotes: true, line: n)
                    labelOrder.append(labelName)
                    i = k
                }
            }
            guard i < line.endIndex, line[i] == " " else { throw ParseError(line: n, message: "expected a space before the value") }
            let rest = line[line.index(after: i)...].split(separator: " ", omittingEmptySubsequences: false)
            guard rest.count == 1 || rest.count == 2 else { throw ParseError(line: n, message: "expected 'value [timestamp]'") }
            guard let value = parseValue(String(rest[0])) else { throw ParseError(line: n, message: "bad value '\(rest[0])'") }
            if rest.count == 2, Int64(rest[1]) == nil { throw ParseError(line: n, message: "bad timestamp '\(rest[1])'") }
            var family = families[name] ?? ParsedFamily(name: name)
            let seriesKey = labels.keys.sorted().map { "\($0)=\(labels[$0]!)" }.joined(separator: "\u{1}")
            guard seenSeries[name, default: []].insert(seriesKey).inserted else {
                throw ParseError(line: n, message: "duplicate series \(name){\(seriesKey)}")
            }
            family.samples.append(ParsedSample(labels: labels, value: value))
            families[name] = family
        }
        return families
    }

    static func parseValue(_ s: String) -> Double? {
        switch s {
        case "+Inf", "Inf": return .infinity
        case "-Inf": return -.infinity
        case "NaN": return .nan
        default: return Double(s)
        }
    }

    static func unescape(_ s: String, quotes: Bool, line: Int) throws -> String {
        var out = ""
        var it = s.makeIterator()
        while let c = it.next() {
            if c == "\\" {
                switch it.next() {
                case "\\": out.append("\\")
                case "n": out.append("\n")
                case "\"" where quotes: out.append("\"")
                case let other: throw ParseError(line: line, message: "invalid escape '\\\(other.map(String.init) ?? "")'")
                }
            } else if c == "\n" || (quotes && c == "\"") {
                throw ParseError(line: line, message: "unescaped \(c == "\n" ? "line feed" : "quote")")
            } else {
                out.append(c)
            }
        }
        return out
    }

    static func isMetricName(_ s: String) -> Bool { matches(s, colon: true) }
    static func isLabelName(_ s: String) -> Bool { matches(s, colon: false) }
    static func matches(_ s: String, colon: Bool) -> Bool {
        guard let f = s.unicodeScalars.first else { return false }
        let alpha: (Unicode.Scalar) -> Bool = { ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || $0 == "_" || (colon && $0 == ":") }
        return alpha(f) && s.unicodeScalars.dropFirst().allSatisfy { alpha($0) || ($0 >= "0" && $0 <= "9") }
    }
}
