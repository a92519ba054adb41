/// One thing SyncGate found: a stable rule id, a severity, what and where, and what to do about it.
public struct Finding: Sendable, Hashable {
    /// Stable id such as `SG101-listener-secret-missing`.
    public var id: String
    public var severity: Severity
    public var message: String
    /// The object it is about (`Gateway traefik/traefik-gateway listener https-pay`), or the file.
    public var object: String
    public var location: SourceLocation
    public var remedy: String
    /// The Application (`namespace/name`) the object belongs to, when known.
    public var application: String?
    /// The graph node it is about (`listener:traefik/gw/https-pay`), when there is one: renderers show the
    /// finding on every hostname chain through that node.
    public var node: String?

    public init(id: String, severity: Severity, message: String, object: String, location: SourceLocation,
                remedy: String, application: String? = nil, node: String? = nil) {
        self.id = id
        self.severity = severity
        self.message = message
        self.object = object
        self.location = location
        self.remedy = remedy
        self.application = application
        self.node = node
    }

    public init(_ rule: Rule, message: String, object: String, location: SourceLocation, remedy: String? = nil,
                application: String? = nil, severity: Severity? = nil, node: String? = nil) {
        self.init(id: rule.id, severity: severity ?? rule.severity, message: message, object: object,
                  location: location, remedy: remedy ?? rule.remedy, application: application, node: node)
    }

    public var file: String { location.file }
    public var line: Int { location.line }

    /// Sort order of every renderer: severity (errors first), then file, line, id, object.
    public static func ordered(_ a: Finding, _ b: Finding) -> Bool {
        if a.severity != b.severity { return a.severity > b.severity }
        if a.location.file != b.location.file { return a.location.file < b.location.file }
        if a.location.line != b.location.line { return a.location.line < b.location.line }
        if a.id != b.id { return a.id < b.id }
        if a.object != b.object { return a.object < b.object }
        return a.message < b.message
    }
}
