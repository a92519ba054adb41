import Testing
@testable import SyncGateYAML

@Suite struct DecoderTests {
    @Test func multiDocumentWithLines() throws {
        let text = "a: 1\nb: [x, 'y', \"2\"]\n---\nkind: Service\nmetadata:\n  name: web\n---\n"
        let (docs, diags) = try YAMLDecoder.decodeAll(text)
        #expect(diags.isEmpty)
        #expect(docs.count == 2)
        #expect(docs[0].root["a"]?.int == 1)
        #expect(docs[0].root["b"]?[1]?.string == "y")
        #expect(docs[0].root["b"]?[2]?.string == "2")
        #expect(docs[1].root[path: "metadata", "name"]?.string == "web")
        #expect(docs[1].root[path: "metadata", "name"]?.line == 6)
        #expect(docs[1].line == 3)
    }
}
