import CYAML

/// One document of a YAML stream (or the single document of a JSON file).
public struct YAMLDocument: Sendable {
    public var root: Value
    /// 0-based position of the document in its stream.
    public var index: Int
    /// 1-based line where the document starts.
    public var line: Int32
}

/// Something the decoder noticed but could read past: a duplicate key, a custom tag, an unknown alias.
public struct YAMLDiagnostic: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case info, warning, error }
    public var severity: Severity
    public var line: Int32
    public var column: Int32
    public var message: String
    public var description: String { "\(line):\(column): \(severity.rawValue): \(message)" }
}

/// libyaml could not parse the input. Documents before the error were already delivered.
public struct YAMLSyntaxError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int32
    public var column: Int32
    public var problem: String
    public var context: String?
    public var description: String {
        let ctx = context.map { " (\($0))" } ?? ""
        return "\(file):\(line):\(column): YAML syntax error: \(problem)\(ctx)"
    }
}

/// A streaming decoder over libyaml's event parser into `Value`, keeping the line of every node.
///
/// Plain scalars resolve by the YAML 1.2 core schema (so `on` and `yes` stay strings, as Kubernetes users
/// expect); quoted and block scalars are always strings; `!!str`, `!!int`, `!!float`, `!!bool`, `!!null` are
/// honoured; other tags (`!Env`, `!include`) keep the scalar as a string with an info diagnostic. Anchors,
/// aliases and merge keys (`<<`) are resolved. Duplicate keys keep the last value, with a warning.
public enum YAMLDecoder {
    /// Decodes every document in `bytes`, handing each to `body` as soon as it is complete.
    public static func decode(
        _ bytes: UnsafeRawBufferPointer,
        file: String = "<input>",
        diagnostics: inout [YAMLDiagnostic],
        each body: (YAMLDocument) throws -> Void
    ) throws {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else {
            throw YAMLSyntaxError(file: file, line: 0, column: 0, problem: "libyaml could not initialise", context: nil)
        }
        defer { yaml_parser_delete(parser) }
        if let base = bytes.baseAddress, bytes.count > 0 {
            yaml_parser_set_input_string(parser, base.assumingMemoryBound(to: UInt8.self), bytes.count)
        } else {
            return
        }
        var builder = TreeBuilder()
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(parser, &event) == 1 else {
                throw syntaxError(parser, file: file)
            }
            defer { yaml_event_delete(&event) }
            let type = event.type
            if type == YAML_STREAM_END_EVENT { break }
            if let document = builder.consume(&event) {
                try body(document)
            }
        }
        diagnostics.append(contentsOf: builder.diagnostics)
    }

    /// Decodes a whole buffer into documents, skipping empty ones (a trailing `---`).
    public static func decodeAll(_ bytes: [UInt8], file: String = "<input>") throws -> (documents: [YAMLDocument], diagnostics: [YAMLDiagnostic]) {
        var documents: [YAMLDocument] = []
        var diagnostics: [YAMLDiagnostic] = []
        try bytes.withUnsafeBytes { raw in
            try decode(raw, file: file, diagnostics: &diagnostics) { doc in
                if !doc.root.isNull { documents.append(doc) }
            }
        }
        return (documents, diagnostics)
    }

    public static func decodeAll(_ text: String, file: String = "<input>") throws -> (documents: [YAMLDocument], diagnostics: [YAMLDiagnostic]) {
        try decodeAll(Array(text.utf8), file: file)
    }

    /// The single document of a JSON (or YAML) text; `.null` for empty input.
    public static func decodeOne(_ bytes: [UInt8], file: String = "<input>") throws -> Value {
        try decodeAll(bytes, file: file).documents.first?.root ?? .null
    }

    private static func syntaxError(_ parser: UnsafeMutablePointer<yaml_parser_t>, file: String) -> YAMLSyntaxError {
        let p = parser.pointee
        let problem = p.problem.map { String(cString: $0) } ?? "unknown error"
        let context = p.context.map { String(cString: $0) }
        return YAMLSyntaxError(
            file: file,
            line: Int32(p.problem_mark.line) + 1,
            column: Int32(p.problem_mark.column) + 1,
            problem: problem,
            context: context
        )
    }
}

/// Builds values from events with an explicit stack (no recursion, so deep input cannot overflow).
/// The entries of open collections wait on three shared scratch stacks (keys, their lines, values); a collection
/// that ends takes its entries off the top into arrays of exactly their size, so no array grows entry by entry.
struct TreeBuilder {
    private struct Frame {
        var isMapping: Bool
        var line: Int32
        var column: Int32
        var anchor: String?
        /// Where this frame's keys (and their lines) and values start on the scratch stacks.
        var keyBase: Int
        var valueBase: Int
        var pendingKey: String? = nil
        var pendingKeyLine: Int32 = 0
        var pendingKeyIsMerge = false
        var mergeSources: [Object] = []
        /// Key -> position among this mapping's entries, once it has more than `indexThreshold` keys.
        var lookup: [String: Int]? = nil

        var expectsKey: Bool { isMapping && pendingKey == nil }
    }

    private static let indexThreshold = 16
    private var stack: [Frame] = []
    private var keys: [String] = []
    private var keyLines: [Int32] = []
    private var values: [Value] = []
    private var anchors: [String: Value] = [:]
    private var documentIndex = 0
    private var documentLine: Int32 = 1
    private var root: Value? = nil
    private(set) var diagnostics: [YAMLDiagnostic] = []

    mutating func consume(_ event: inout yaml_event_t) -> YAMLDocument? {
        let line = Int32(event.start_mark.line) + 1
        let column = Int32(event.start_mark.column) + 1
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documentLine = line
            root = nil
            anchors.removeAll(keepingCapacity: true)
        case YAML_DOCUMENT_END_EVENT:
            let doc = YAMLDocument(root: root ?? .null, index: documentIndex, line: documentLine)
            documentIndex += 1
            root = nil
            return doc
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: s.value, count: s.length), as: UTF8.self)
            let plain = s.style == YAML_PLAIN_SCALAR_STYLE
            if let top = stack.indices.last, stack[top].expectsKey {
                // A key: remember it until its value arrives.
                stack[top].pendingKey = text
                stack[top].pendingKeyLine = line
                stack[top].pendingKeyIsMerge = plain && s.tag == nil && text == "<<"
                if let anchor = s.anchor {
                    anchors[String(cString: anchor)] = Value(.string(text), line: line, column: column)
                }
                break
            }
            let tag = s.tag.map { String(cString: $0) }
            let value = resolve(text, plain: plain, tag: tag, line: line, column: column)
            if let anchor = s.anchor { anchors[String(cString: anchor)] = value }
            attach(value)
        case YAML_ALIAS_EVENT:
            let name = String(cString: event.data.alias.anchor)
            var value: Value
            if let found = anchors[name] {
                value = found
            } else {
                diagnostics.append(.init(severity: .error, line: line, column: column, message: "alias *\(name) refers to no anchor; read as null"))
                value = Value(.null, line: line, column: column)
            }
            if let top = stack.indices.last, stack[top].expectsKey {
                stack[top].pendingKey = value.scalarText ?? ""
                stack[top].pendingKeyLine = line
            } else {
                attach(value)
            }
        case YAML_SEQUENCE_START_EVENT:
            let anchor = event.data.sequence_start.anchor.map { String(cString: $0) }
            stack.append(Frame(isMapping: false, line: line, column: column, anchor: anchor, keyBase: keys.count, valueBase: values.count))
        case YAML_MAPPING_START_EVENT:
            let anchor = event.data.mapping_start.anchor.map { String(cString: $0) }
            stack.append(Frame(isMapping: true, line: line, column: column, anchor: anchor, keyBase: keys.count, valueBase: values.count))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { break }
            let value: Value
            let items = Array(values[frame.valueBase...])
            values.removeLast(values.count - frame.valueBase)
            if frame.isMapping {
                var object = Object(keys: Array(keys[frame.keyBase...]), values: items)
                keys.removeLast(keys.count - frame.keyBase)
                keyLines.removeLast(keyLines.count - frame.keyBase)
                for source in frame.mergeSources {
                    for (k, v) in source.pairs where object.position(of: k) == nil { object.append(k, v) }
                }
                value = Value(.object(object), line: frame.line, column: frame.column)
            } else {
                value = Value(.array(items), line: frame.line, column: frame.column)
            }
            if let anchor = frame.anchor { anchors[anchor] = value }
            if let top = stack.indices.last, stack[top].expectsKey {
                // A collection used as a key (rare, complex keys).
                stack[top].pendingKey = JSONWriter.string(value)
                stack[top].pendingKeyLine = value.line
                diagnostics.append(.init(severity: .warning, line: value.line, column: value.column, message: "a collection used as a mapping key; read as its JSON text"))
            } else {
                attach(value)
            }
        default:
            break
        }
        return nil
    }

    private mutating func attach(_ value: Value) {
        guard let top = stack.indices.last else {
            root = value
            return
        }
        if !stack[top].isMapping {
            values.append(value)
            return
        }
        let key = stack[top].pendingKey ?? ""
        let keyLine = stack[top].pendingKeyLine
        stack[top].pendingKey = nil
        if stack[top].pendingKeyIsMerge {
            stack[top].pendingKeyIsMerge = false
            if let o = value.object {
                stack[top].mergeSources.append(o)
            } else if let list = value.array {
                stack[top].mergeSources.append(contentsOf: list.compactMap(\.object))
            } else {
                diagnostics.append(.init(severity: .warning, line: keyLine, column: value.column, message: "merge key << needs a mapping or a list of mappings; ignored"))
            }
            return
        }
        let base = stack[top].keyBase
        if let i = position(of: key, in: top) {
            let first = keyLines[base + i]
            diagnostics.append(.init(severity: .warning, line: keyLine, column: value.column, message: "duplicate key '\(key)' (first at line \(first)); the last value wins"))
            values[stack[top].valueBase + i] = value
            return
        }
        keys.append(key)
        keyLines.append(keyLine)
        values.append(value)
        let count = keys.count - base
        if stack[top].lookup != nil {
            stack[top].lookup![key] = count - 1
        } else if count > Self.indexThreshold {
            var lookup: [String: Int] = [:]
            for i in 0..<count { lookup[keys[base + i]] = i }
            stack[top].lookup = lookup
        }
    }

    /// Position of `key` among the entries of mapping frame `frame` so far.
    private func position(of key: String, in frame: Int) -> Int? {
        if let lookup = stack[frame].lookup { return lookup[key] }
        let base = stack[frame].keyBase
        var i = base
        while i < keys.count {
            if keys[i] == key { return i - base }
            i += 1
        }
        return nil
    }

    private mutating func resolve(_ text: String, plain: Bool, tag: String?, line: Int32, column: Int32) -> Value {
        if let tag, tag != "!" {
            switch tag {
            case "tag:yaml.org,2002:str":
                return Value(.string(text), line: line, column: column)
            case "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null":
                let resolved = ScalarResolver.resolve(text)
                return Value(resolved, line: line, column: column)
            default:
                diagnostics.append(.init(severity: .info, line: line, column: column, message: "custom tag \(tag) is not interpreted; the value is read as the string '\(text)'"))
                return Value(.string(text), line: line, column: column)
            }
        }
        guard plain, tag == nil else { return Value(.string(text), line: line, column: column) }
        return Value(ScalarResolver.resolve(text), line: line, column: column)
    }
}

/// YAML 1.2 core schema resolution of plain scalars.
enum ScalarResolver {
    static func resolve(_ text: String) -> Value.Content {
        var utf8 = text.utf8
        guard let first = utf8.first else { return .null }
        // Fast path: most Kubernetes scalars start with a letter that no special value starts with.
        switch first {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
             UInt8(ascii: "~"), UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "t"), UInt8(ascii: "T"),
             UInt8(ascii: "f"), UInt8(ascii: "F"):
            break
        default:
            return .string(text)
        }
        switch text {
        case "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .double(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .double(-.infinity)
        case ".nan", ".NaN", ".NAN": return .double(.nan)
        default: break
        }
        if isDecimalInteger(&utf8) {
            if let i = Int(text) { return .int(i) }
            if let d = Double(text) { return .double(d) }
        }
        if text.hasPrefix("0x"), let i = Int(text.dropFirst(2), radix: 16) { return .int(i) }
        if text.hasPrefix("0o"), let i = Int(text.dropFirst(2), radix: 8) { return .int(i) }
        if isFloat(text), let d = Double(text) { return .double(d) }
        return .string(text)
    }

    private static func isDecimalInteger(_ utf8: inout String.UTF8View) -> Bool {
        var i = utf8.startIndex
        if utf8[i] == UInt8(ascii: "-") || utf8[i] == UInt8(ascii: "+") { i = utf8.index(after: i) }
        guard i < utf8.endIndex else { return false }
        while i < utf8.endIndex {
            let c = utf8[i]
            guard c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") else { return false }
            i = utf8.index(after: i)
        }
        return true
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
    private static func isFloat(_ text: String) -> Bool {
        var digitsBefore = 0, digitsAfter = 0, sawDot = false, sawExp = false, expDigits = 0
        var index = 0
        for c in text.utf8 {
            defer { index += 1 }
            switch c {
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                if index == 0 { continue }
                if sawExp && expDigits == 0 { continue }
                return false
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if sawExp { expDigits += 1 } else if sawDot { digitsAfter += 1 } else { digitsBefore += 1 }
            case UInt8(ascii: "."):
                if sawDot || sawExp { return false }
                sawDot = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                if sawExp || (digitsBefore + digitsAfter) == 0 { return false }
                sawExp = true
            default:
                return false
            }
        }
        if sawExp && expDigits == 0 { return false }
        if digitsBefore == 0 && digitsAfter == 0 { return false }
        return sawDot || sawExp
    }
}
