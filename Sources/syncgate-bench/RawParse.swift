import CYAML
import Foundation

/// libyaml's raw event parse of every YAML file under a directory: the floor any YAML-based planner pays.
enum RawParse {
    /// Returns the number of documents parsed.
    static func run(directory: URL) throws -> Int {
        var documents = 0
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        for file in yamlFiles(under: directory) {
            let data = try Data(contentsOf: file)
            data.withUnsafeBytes { raw in
                guard let base = raw.baseAddress, raw.count > 0 else { return }
                yaml_parser_initialize(parser)
                defer { yaml_parser_delete(parser) }
                yaml_parser_set_input_string(parser, base.assumingMemoryBound(to: UInt8.self), raw.count)
                var event = yaml_event_t()
                while yaml_parser_parse(parser, &event) == 1 {
                    let type = event.type
                    yaml_event_delete(&event)
                    if type == YAML_DOCUMENT_START_EVENT { documents += 1 }
                    if type == YAML_STREAM_END_EVENT { break }
                }
            }
        }
        return documents
    }

    static func yamlFiles(under directory: URL) -> [URL] {
        guard let e = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { return [] }
        var files: [URL] = []
        for case let url as URL in e where url.pathExtension == "yaml" || url.pathExtension == "yml" {
            files.append(url)
        }
        return files.sorted { $0.path < $1.path }
    }
}
