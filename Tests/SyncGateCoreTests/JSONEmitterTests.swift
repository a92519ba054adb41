import Foundation
import Testing
@testable import SyncGateCore

@Suite("JSON emitter")
struct JSONEmitterTests {
    /// A small document that exercises every emitter call, escaping and integer formatting.
    func document(_ j: inout JSONEmitter) {
        j.beginObject()
        j.field("plain", "Service/infra/web")
        j.field("escaped", "a \"quoted\" back\\slash\nnew\rret\ttab \u{01}\u{1F} del\u{7F}")
        j.field("unicode", "café ✓ 日本 🚀")
        j.field("empty", "")
        j.field("missing", nil as String?)
        j.field("yes", true)
        j.field("no", false)
        j.key("ints")
        j.beginArray()
        for i in [0, 7, -1, 10, -10, 1234567890, Int.max, Int.min] { j.element(); j.int(i) }
        j.endArray()
        j.key("none")
        j.beginArray()
        j.endArray()
        j.key("nested")
        j.beginObject()
        j.key("inner")
        j.beginArray()
        j.element(); j.beginObject(); j.endObject()
        j.element(); j.string(String(repeating: "x\"", count: 300))
        j.endArray()
        j.endObject()
        j.endObject()
    }

    /// `{"items": [...], "after": 1}` with the items written in one pass, or in runs rendered apart and spliced.
    func items(_ j: inout JSONEmitter, count: Int, runs: [Range<Int>]?, pretty: Bool) {
        func item(_ i: Int, _ e: inout JSONEmitter) {
            e.beginObject()
            e.field("n", i)
            e.key("tags")
            e.beginArray()
            for t in 0..<(i % 3) { e.element(); e.string("t\(t)") }
            e.endArray()
            e.endObject()
        }
        j.beginObject()
        j.key("items")
        j.beginArray()
        if let runs {
            for r in runs {
                var bytes: [UInt8] = []
                var e = JSONEmitter(pretty: pretty, chunkSize: 64, insideArrayAtDepth: 2, afterItems: r.lowerBound > 0) {
                    bytes.append(contentsOf: $0)
                }
                for i in r { e.element(); item(i, &e) }
                e.flushRun()
                bytes.withUnsafeBytes { j.splice($0) }
            }
        } else {
            for i in 0..<count { j.element(); item(i, &j) }
        }
        j.endArray()
        j.field("after", 1)
        j.endObject()
    }

    @Test("runs of array elements rendered apart and spliced in order give the same bytes as one pass")
    func splicedRuns() {
        for pretty in [true, false] {
            for runs in [[0..<1], [0..<3, 3..<4, 4..<10], [0..<5, 5..<10]] {
                let count = runs.last!.upperBound
                let whole = JSONEmitter.collecting(pretty: pretty) { items(&$0, count: count, runs: nil, pretty: pretty) }
                let spliced = JSONEmitter.collecting(pretty: pretty) { items(&$0, count: count, runs: runs, pretty: pretty) }
                #expect(spliced == whole, "pretty \(pretty), runs \(runs)")
            }
        }
    }

    @Test("a tiny chunk size streams the same bytes as one large chunk")
    func chunkSizes() throws {
        for pretty in [true, false] {
            let whole = JSONEmitter.collecting(pretty: pretty, chunkSize: 1 << 20) { document(&$0) }
            for size in [1, 7, 64, 100, 4096] {
                var chunks = 0
                var bytes: [UInt8] = []
                var j = JSONEmitter(pretty: pretty, chunkSize: size) { chunk in
                    chunks += 1
                    bytes.append(contentsOf: chunk)
                }
                document(&j)
                j.finish()
                #expect(bytes == whole, "chunk size \(size), pretty \(pretty)")
                if size <= 100 { #expect(chunks > 1) }
            }
        }
    }

    @Test("strings, escapes, integers and layout")
    func exactBytes() throws {
        let text = String(decoding: JSONEmitter.collecting(pretty: true) { document(&$0) }, as: UTF8.self)
        let expected = """
        {
          "plain": "Service/infra/web",
          "escaped": "a \\"quoted\\" back\\\\slash\\nnew\\rret\\ttab \\u0001\\u001f del\u{7F}",
          "unicode": "café ✓ 日本 🚀",
          "empty": "",
          "missing": null,
          "yes": true,
          "no": false,
          "ints": [
            0,
            7,
            -1,
            10,
            -10,
            1234567890,
            9223372036854775807,
            -9223372036854775808
          ],
          "none": [],
          "nested": {
            "inner": [
              {},
              "\(String(repeating: "x\\\"", count: 300))"
            ]
          }
        }

        """
        #expect(text == expected)
        let compact = String(decoding: JSONEmitter.collecting(pretty: false) { document(&$0) }, as: UTF8.self)
        #expect(compact.hasPrefix(#"{"plain":"Service/infra/web","escaped":"a \"quoted\""#))
        #expect(compact.hasSuffix("]}}\n"))
        // Both parse, and the strings come back as they went in.
        let root = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(root["escaped"] as? String == "a \"quoted\" back\\slash\nnew\rret\ttab \u{01}\u{1F} del\u{7F}")
        #expect(root["unicode"] as? String == "café ✓ 日本 🚀")
        #expect(try JSONSerialization.jsonObject(with: Data(compact.utf8)) is [String: Any])
    }

    @Test("JSONRenderer.write streams the same bytes as renderBytes, and stops at the sink's first error")
    func rendererWrite() throws {
        let plan = try Planner(options: PlanOptions(renderer: NoSourceRenderer())).plan(repo: Paths.example("incident-2026-03-22"))
        let whole = JSONRenderer().renderBytes(plan)
        var streamed: [UInt8] = []
        try JSONRenderer().write(plan, chunkSize: 1000) { streamed.append(contentsOf: $0) }
        #expect(streamed == whole)
        #expect(JSONRenderer().render(plan) == String(decoding: whole, as: UTF8.self))

        struct Stop: Error {}
        var calls = 0
        #expect(throws: Stop.self) {
            try JSONRenderer().write(plan, chunkSize: 1000) { _ in calls += 1; throw Stop() }
        }
        #expect(calls == 1)
    }
}
