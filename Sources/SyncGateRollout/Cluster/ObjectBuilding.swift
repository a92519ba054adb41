import SyncGateCore

extension Object {
    /// An object from literal pairs, in order.
    static func of(_ pairs: KeyValuePairs<String, Value>) -> Object {
        var o = Object()
        for (k, v) in pairs { o[k] = v }
        return o
    }

    static func of(_ pairs: [(String, Value)]) -> Object {
        var o = Object()
        for (k, v) in pairs { o[k] = v }
        return o
    }
}
