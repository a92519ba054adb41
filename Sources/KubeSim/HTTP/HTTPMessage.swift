import Foundation

/// One parsed HTTP/1.1 request.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The path without the query, percent-decoded.
    public var path: String
    public var query: [String: String]
    /// Header names lower-cased.
    public var headers: [String: String]
    public var body: [UInt8]

    public func header(_ name: String) -> String? { headers[name.lowercased()] }
    public func queryFlag(_ name: String) -> Bool {
        guard let v = query[name] else { return false }
        return v == "1" || v == "true" || v.isEmpty
    }
}

/// A complete response.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status; self.headers = headers; self.body = body
    }

    public static func json(_ status: Int, _ text: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json")], body: Array(text.utf8))
    }

    static func reason(_ code: Int) -> String {
        switch code {
        case 200: return "OK"
        case 201: return "Created"
        case 202: return "Accepted"
        case 204: return "No Content"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 406: return "Not Acceptable"
        case 409: return "Conflict"
        case 410: return "Gone"
        case 415: return "Unsupported Media Type"
        case 422: return "Unprocessable Entity"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return "Status \(code)"
        }
    }
}

/// Incremental request parser over a connection's bytes.
struct HTTPRequestReader {
    var buffer: [UInt8] = []

    enum Outcome { case request(HTTPRequest), needMore, malformed(String) }

    mutating func next() -> Outcome {
        guard let headerEnd = find([13, 10, 13, 10]) else {
            return buffer.count > 1 << 20 ? .malformed("header too large") : .needMore
        }
        let head = String(decoding: buffer[0..<headerEnd], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return .malformed("bad request line") }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if let existing = headers[name] { headers[name] = existing + "," + value } else { headers[name] = value }
        }
        var bodyStart = headerEnd + 4
        var body: [UInt8] = []
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            var pos = bodyStart
            while true {
                guard let lineEnd = find([13, 10], from: pos) else { return .needMore }
                let sizeText = String(decoding: buffer[pos..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
                guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { return .malformed("bad chunk size") }
                pos = lineEnd + 2
                if size == 0 {
                    guard let trailerEnd = find([13, 10], from: pos) else { return .needMore }
                    pos = trailerEnd + 2
                    break
                }
                guard buffer.count >= pos + size + 2 else { return .needMore }
                body.append(contentsOf: buffer[pos..<(pos + size)])
                pos += size + 2
            }
            bodyStart = pos
        } else {
            let length = Int(headers["content-length"] ?? "0") ?? 0
            guard buffer.count >= bodyStart + length else { return .needMore }
            body = Array(buffer[bodyStart..<(bodyStart + length)])
            bodyStart += length
        }
        buffer.removeFirst(bodyStart)
        let target = String(requestLine[1])
        var path = target
        var query: [String: String] = [:]
        if let q = target.firstIndex(of: "?") {
            path = String(target[..<q])
            for pair in target[target.index(after: q)...].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let k = Self.decode(String(kv[0]))
                query[k] = kv.count > 1 ? Self.decode(String(kv[1])) : ""
            }
        }
        return .request(HTTPRequest(method: String(requestLine[0]), path: Self.decode(path), query: query, headers: headers, body: body))
    }

    static func decode(_ s: String) -> String {
        s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? s
    }

    private func find(_ needle: [UInt8], from: Int = 0) -> Int? {
        guard buffer.count >= needle.count + from else { return nil }
        var i = from
        let last = buffer.count - needle.count
        while i <= last {
            if buffer[i] == needle[0] {
                var ok = true
                for j in 1..<needle.count where buffer[i + j] != needle[j] { ok = false; break }
                if ok { return i }
            }
            i += 1
        }
        return nil
    }
}
