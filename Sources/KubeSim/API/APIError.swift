import SyncGateCore

/// A Kubernetes API error, rendered as a `Status` object (kind Status, reason, code, details).
public struct APIError: Error, Sendable, CustomStringConvertible {
    public var code: Int
    public var reason: String
    public var message: String
    public var name: String?
    public var group: String?
    public var kind: String?
    public var causes: [Value] = []

    public init(code: Int, reason: String, message: String, name: String? = nil, group: String? = nil, kind: String? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.name = name
        self.group = group
        self.kind = kind
    }

    public var description: String { "\(code) \(reason): \(message)" }

    public var status: Value {
        var details: [(String, Value)] = []
        if let name { details.append(("name", .string(name))) }
        if let group, !group.isEmpty { details.append(("group", .string(group))) }
        if let kind { details.append(("kind", .string(kind))) }
        if !causes.isEmpty { details.append(("causes", .array(causes))) }
        var pairs: [(String, Value)] = [
            ("kind", .string("Status")), ("apiVersion", .string("v1")), ("metadata", .obj([])),
            ("status", .string("Failure")), ("message", .string(message)), ("reason", .string(reason)),
        ]
        if !details.isEmpty { pairs.append(("details", .obj(details))) }
        pairs.append(("code", .int(code)))
        return .obj(pairs)
    }

    public static func notFound(_ type: ResourceType, _ name: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "\(type.qualifiedName) \"\(name)\" not found",
                 name: name, group: type.group, kind: type.plural)
    }
    public static func alreadyExists(_ type: ResourceType, _ name: String) -> APIError {
        APIError(code: 409, reason: "AlreadyExists", message: "\(type.qualifiedName) \"\(name)\" already exists",
                 name: name, group: type.group, kind: type.plural)
    }
    public static func conflict(_ type: ResourceType, _ name: String, _ why: String = "the object has been modified; please apply your changes to the latest version and try again") -> APIError {
        APIError(code: 409, reason: "Conflict", message: "Operation cannot be fulfilled on \(type.qualifiedName) \"\(name)\": \(why)",
                 name: name, group: type.group, kind: type.plural)
    }
    public static func invalid(_ type: ResourceType, _ name: String, _ why: String, field: String? = nil) -> APIError {
        var e = APIError(code: 422, reason: "Invalid", message: "\(type.kind).\(type.group.isEmpty ? "" : type.group) \"\(name)\" is invalid: \(why)",
                         name: name, group: type.group, kind: type.kind)
        if type.group.isEmpty { e.message = "\(type.kind) \"\(name)\" is invalid: \(why)" }
        e.causes = [.obj([("reason", .string("FieldValueInvalid")), ("message", .string(why)), ("field", .string(field ?? ""))])]
        return e
    }
    public static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }
    public static func methodNotAllowed(_ message: String) -> APIError {
        APIError(code: 405, reason: "MethodNotAllowed", message: message)
    }
    public static func unsupportedMediaType(_ contentType: String) -> APIError {
        APIError(code: 415, reason: "UnsupportedMediaType", message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml (got \(contentType))")
    }
    public static func unauthorized() -> APIError {
        APIError(code: 401, reason: "Unauthorized", message: "Unauthorized")
    }
    public static func forbidden(user: String, verb: String, type: ResourceType?, resource: String, group: String, namespace: String?, name: String?) -> APIError {
        var scope = namespace.map { " in the namespace \"\($0)\"" } ?? " at the cluster scope"
        if type != nil && type?.namespaced == false { scope = " at the cluster scope" }
        let what = group.isEmpty ? "resource \"\(resource)\" in API group \"\"" : "resource \"\(resource)\" in API group \"\(group)\""
        let subject = name.map { "\(resource).\(group) \"\($0)\"" } ?? (group.isEmpty ? resource : "\(resource).\(group)")
        return APIError(code: 403, reason: "Forbidden",
                        message: "\(subject) is forbidden: User \"\(user)\" cannot \(verb) \(what)\(scope)",
                        name: name, group: group, kind: resource)
    }
    public static func gone(_ message: String) -> APIError {
        APIError(code: 410, reason: "Expired", message: message)
    }
    public static func internalError(_ message: String) -> APIError {
        APIError(code: 500, reason: "InternalError", message: "Internal error occurred: \(message)")
    }
}
