/// What a request wants to do, in RBAC's terms.
public struct RequestAttributes: Sendable, Equatable {
    public var verb: String
    public var group: String
    public var resource: String
    public var subresource: String?
    public var namespace: String?
    public var name: String?
    public var isResourceRequest: Bool
    public var path: String
}
