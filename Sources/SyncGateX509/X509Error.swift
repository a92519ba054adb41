import COpenSSL

/// An error from SyncGateX509: what failed, plus OpenSSL's own error queue text when it has any.
public struct X509Error: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    /// Builds an error from `what` and drains OpenSSL's thread-local error queue into the message.
    static func openSSL(_ what: String) -> X509Error {
        let detail = OpenSSLErrorQueue.drain()
        return X509Error(detail.isEmpty ? what : "\(what): \(detail)")
    }
}

/// OpenSSL keeps a per-thread queue of errors; every failing call path drains it so that later calls start clean.
enum OpenSSLErrorQueue {
    static func drain() -> String {
        var parts: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            buffer.withUnsafeMutableBufferPointer { ERR_error_string_n(code, $0.baseAddress, $0.count) }
            let text = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            parts.append(text)
        }
        return parts.joined(separator: "; ")
    }

    static func clear() { ERR_clear_error() }
}
