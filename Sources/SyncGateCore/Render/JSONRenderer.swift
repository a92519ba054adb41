/// JSON: `applications[]`, `nodes[]`, `edges[]`, `chains[]`, `waves[]`, `applicationOrder[]`, `findings[]`,
/// `summary` (the README documents every field). Keys keep a fixed order; lists are sorted.
public struct JSONRenderer: PlanRenderer {
    public var pretty: Bool
    public init(pretty: Bool = true) { self.pretty = pretty }

    public func render(_ plan: Plan) -> String {
        String(decoding: renderBytes(plan), as: UTF8.self)
    }

    /// The same JSON as UTF-8 bytes, without the copy into a String.
    public func renderBytes(_ plan: Plan) -> [UInt8] {
        JSONEmitter.collecting(pretty: pretty) { emit(plan, into: &$0) }
    }

    /// Streams the JSON to `sink` in chunks of up to `chunkSize` bytes (1 MiB by default; a single longer string
    /// goes out as one chunk of its own), so that no copy of the whole document is ever held in memory (a large plan
    /// is over 100 MB). Each chunk is valid only during the call.
    /// The first error `sink` throws stops the writing and is rethrown.
    public func write(_ plan: Plan, chunkSize: Int = 1 << 20,
                      to sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        var failure: (any Error)?
        withoutActuallyEscaping(sink) { sink in
            var j = JSONEmitter(pretty: pretty, chunkSize: chunkSize) { chunk in
                guard failure == nil else { return }
                do { try sink(chunk) } catch { failure = error }
            }
            emit(plan, into: &j)
            j.finish()
        }
        if let failure { throw failure }
    }

    private func emit(_ plan: Plan, into j: inout JSONEmitter) {
        j.beginObject()
        j.field("repo", plan.repo)
        j.field("repoURL", plan.repoURL)
        j.key("applications")
        j.beginArray()
        for a in plan.applications {
            j.element()
            j.beginObject()
            j.field("name", a.name)
            j.field("namespace", a.namespace)
            j.field("path", a.path)
            j.field("rendered", a.rendered)
            j.field("rendering", a.rendering.rawValue)
            j.field("parent", a.parent)
            j.field("generatedBy", a.application.generatedBy)
            j.field("destinationNamespace", a.destinationNamespace)
            j.field("autoSync", a.application.autoSync)
            j.field("declaredWave", a.application.manifest.declaredWave)
            j.field("recommendedWave", plan.waves.applicationWaves[a.id] ?? 0)
            j.field("objects", a.objectCount)
            j.field("file", a.location.file)
            j.field("line", a.location.line)
            j.endObject()
        }
        j.endArray()
        j.key("nodes")
        j.beginArray()
        elements(plan.graph.sortedNodes, into: &j) { n, j in
            j.beginObject()
            j.field("id", n.id)
            j.field("kind", n.kind.rawValue)
            j.field("application", n.application)
            j.field("object", n.object)
            j.field("declared", n.declared)
            j.field("file", n.location.file)
            j.field("line", n.location.line)
            j.endObject()
        }
        j.endArray()
        j.key("edges")
        j.beginArray()
        elements(plan.graph.sortedEdges, into: &j) { e, j in
            j.beginObject()
            j.field("from", e.from)
            j.field("to", e.to)
            j.field("kind", e.kind.rawValue)
            j.field("reason", e.reason)
            j.field("file", e.location.file)
            j.field("line", e.location.line)
            j.endObject()
        }
        j.endArray()
        j.key("chains")
        j.beginArray()
        elements(plan.chains, into: &j) { c, j in
            j.beginObject()
            j.field("host", c.host)
            j.key("nodes")
            j.beginArray()
            for id in c.nodes { j.element(); j.string(id) }
            j.endArray()
            j.key("applications")
            j.beginArray()
            for a in c.applications { j.element(); j.string(a) }
            j.endArray()
            j.endObject()
        }
        j.endArray()
        j.key("waves")
        j.beginArray()
        elements(plan.waves.entries, into: &j) { w, j in
            j.beginObject()
            j.field("object", w.object)
            j.field("application", w.application)
            j.field("recommended", w.recommended)
            j.field("declared", w.declared)
            j.field("phase", w.phase.rawValue)
            j.field("file", w.location.file)
            j.field("line", w.location.line)
            j.endObject()
        }
        j.endArray()
        j.key("applicationOrder")
        j.beginArray()
        for d in plan.waves.applicationOrder {
            j.element()
            j.beginObject()
            j.field("before", d.before)
            j.field("after", d.after)
            j.field("reason", d.reason)
            j.field("file", d.location.file)
            j.field("line", d.location.line)
            j.endObject()
        }
        j.endArray()
        j.key("findings")
        j.beginArray()
        elements(plan.findings, into: &j) { f, j in
            j.beginObject()
            j.field("id", f.id)
            j.field("severity", f.severity.rawValue)
            j.field("message", f.message)
            j.field("object", f.object)
            j.field("application", f.application)
            j.field("file", f.location.file)
            j.field("line", f.location.line)
            j.field("remedy", f.remedy)
            j.field("node", f.node)
            j.endObject()
        }
        j.endArray()
        let s = plan.summary
        j.key("summary")
        j.beginObject()
        j.field("applications", s.applications)
        j.field("files", s.files)
        j.field("objects", s.objects)
        j.field("nodes", s.nodes)
        j.field("edges", s.edges)
        j.field("chains", s.chains)
        j.field("errors", s.errors)
        j.field("warnings", s.warnings)
        j.field("infos", s.infos)
        j.field("blocked", plan.isBlocked)
        j.field("exitCode", Int(plan.exitCode))
        j.endObject()
        j.endObject()
    }

    /// The elements of one array of the top-level object. A long array is rendered in runs on both cores, a few
    /// runs at a time (memory stays bounded), and the runs are spliced in order: the same bytes as one pass.
    private func elements<T: Sendable>(_ items: [T], into j: inout JSONEmitter,
                                       _ one: @escaping @Sendable (T, inout JSONEmitter) -> Void) {
        let run = 4096
        guard items.count > 2 * run else {
            for item in items {
                j.element()
                one(item, &j)
            }
            return
        }
        let pretty = self.pretty
        var start = 0
        while start < items.count {
            let ranges = stride(from: start, to: min(items.count, start + 4 * run), by: run).map { $0..<min(items.count, $0 + run) }
            let runs = [[UInt8]].concurrentMap(ranges.count, parallel: true) { r in
                var bytes: [UInt8] = []
                var e = JSONEmitter(pretty: pretty, insideArrayAtDepth: 2, afterItems: ranges[r].lowerBound > 0) {
                    bytes.append(contentsOf: $0)
                }
                for i in ranges[r] {
                    e.element()
                    one(items[i], &e)
                }
                e.flushRun()
                return bytes
            }
            for r in runs { r.withUnsafeBytes { j.splice($0) } }
            start = ranges.last!.upperBound
        }
    }
}
