/// The output formats of `syncgate plan` (and `check`).
public enum OutputFormat: String, Sendable, CaseIterable {
    case text, json, mermaid, dot, junit, sarif, markdown

    /// The renderer for this format. `colour` applies to text only (ANSI, for terminals).
    public func renderer(colour: Bool = false) -> any PlanRenderer {
        switch self {
        case .text: return TextRenderer(colour: colour)
        case .json: return JSONRenderer()
        case .mermaid: return MermaidRenderer()
        case .dot: return DOTRenderer()
        case .junit: return JUnitRenderer()
        case .sarif: return SARIFRenderer()
        case .markdown: return MarkdownRenderer()
        }
    }
}

/// Turns a plan into text. Pure and deterministic.
public protocol PlanRenderer: Sendable {
    func render(_ plan: Plan) -> String
}

/// Escaping shared by every renderer (plan, check, metrics reports).
public enum Escape {
    /// Text for XML attributes and elements (JUnit); control characters other than tab and newlines become spaces.
    public static func xml(_ s: String) -> String {
        // Most text needs nothing replaced: return it as it is.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">")
            || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }) { return s }
        var out = ""
        out.reserveCapacity(s.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                if scalar.value < 0x20 && scalar != "\n" && scalar != "\t" && scalar != "\r" { out += " " }
                else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    public static func markdownCell(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == UInt8(ascii: "|") || $0 == 0x0A }) else { return s }
        return s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    static func quoted(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") }) else { return "\"" + s + "\"" }
        return "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

extension Optional where Wrapped == String {
    var jsonValue: Value { self.map { .string($0) } ?? .null }
}
