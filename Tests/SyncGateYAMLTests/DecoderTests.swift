import Testing
@testable import SyncGateYAML

@Suite struct DecoderTests {
    @Test func multiDocumentWithLines() throws {
        let text = "a: 1\nb: [x, 'y', \"2\"]\n---\nkind: Service\nmetadata:\n  name: web\n---\n"
        let (docs, diags) = try YAMLDecoder.decodeAll(text)
        #expect(diags.isEmpty)
        #expect(docs.count == 2, "the trailing --- makes an empty document, which is skipped")
        #expect(docs[0].root["a"]?.int == 1)
        #expect(docs[0].root["b"]?[1]?.string == "y")
        #expect(docs[0].root["b"]?[2]?.string == "2")
        #expect(docs[1].root[path: "metadata", "name"]?.string == "web")
        #expect(docs[1].root[path: "metadata", "name"]?.line == 6)
        #expect(docs[1].root[path: "metadata", "name"]?.column == 9)
        #expect(docs[1].line == 3)
        #expect(docs[1].index == 1)
    }

    @Test func coreSchemaScalars() throws {
        let text = """
        n1: ~
        n2: null
        n3:
        b1: true
        b2: False
        yes: on
        i1: 42
        i2: -7
        i3: 0x1F
        i4: 0o17
        f1: 1.5
        f2: 6.02e23
        f3: .inf
        s1: "true"
        s2: '42'
        s3: 1.2.3
        s4: v1
        s5: 12:30
        big: 123456789012345678901234567890
        """
        let root = try #require(try YAMLDecoder.decodeAll(text).documents.first?.root)
        #expect(root["n1"]?.isNull == true)
        #expect(root["n2"]?.isNull == true)
        #expect(root["n3"]?.isNull == true)
        #expect(root["b1"]?.bool == true)
        #expect(root["b2"]?.bool == false)
        #expect(root["yes"]?.string == "on", "YAML 1.2: yes/on stay strings")
        #expect(root["i1"]?.int == 42)
        #expect(root["i2"]?.int == -7)
        #expect(root["i3"]?.int == 31)
        #expect(root["i4"]?.int == 15)
        #expect(root["f1"]?.double == 1.5)
        #expect(root["f2"]?.double == 6.02e23)
        #expect(root["f3"]?.double == .infinity)
        #expect(root["s1"]?.string == "true", "quoted scalars stay strings")
        #expect(root["s2"]?.string == "42")
        #expect(root["s3"]?.string == "1.2.3")
        #expect(root["s4"]?.string == "v1")
        #expect(root["s5"]?.string == "12:30")
        #expect(root["big"]?.double != nil)
        #expect(root["i1"]?.scalarText == "42")
    }

    @Test func tags() throws {
        let text = "a: !!str 8080\nb: !!int \"12\"\nc: !Env HOME\nd: !include other.yaml\n"
        let (docs, diags) = try YAMLDecoder.decodeAll(text)
        let root = try #require(docs.first?.root)
        #expect(root["a"]?.string == "8080")
        #expect(root["b"]?.int == 12)
        #expect(root["c"]?.string == "HOME")
        #expect(root["d"]?.string == "other.yaml")
        #expect(diags.count == 2)
        #expect(diags.allSatisfy { $0.severity == .info && $0.message.contains("custom tag") })
        #expect(diags.first?.line == 3)
    }

    @Test func anchorsAliasesAndMergeKeys() throws {
        let text = """
        base: &base
          replicas: 2
          image: web:1
        extra: &extra
          tier: backend
        a:
          <<: *base
          image: web:2
        b:
          <<: [*base, *extra]
        c: *base
        list: &l [1, 2]
        d: *l
        """
        let root = try #require(try YAMLDecoder.decodeAll(text).documents.first?.root)
        #expect(root[path: "a", "replicas"]?.int == 2)
        #expect(root[path: "a", "image"]?.string == "web:2", "explicit keys win over merged ones")
        #expect(root[path: "b", "tier"]?.string == "backend")
        #expect(root[path: "b", "image"]?.string == "web:1")
        #expect(root["a"]?.object?.keys.contains("<<") == false)
        #expect(root[path: "c", "replicas"]?.int == 2)
        #expect(root["d"]?.array?.count == 2)
    }

    @Test func unknownAliasIsReportedNotFatal() throws {
        // libyaml's parser accepts this; the composer would reject it. We read null and say so.
        let text = "a: *nowhere\nb: 1\n"
        let (docs, diags) = try YAMLDecoder.decodeAll(text)
        #expect(docs.first?.root["b"]?.int == 1)
        #expect(docs.first?.root["a"]?.isNull == true)
        #expect(diags.contains { $0.severity == .error && $0.message.contains("nowhere") })
    }

    @Test func duplicateKeysLastWins() throws {
        let text = "metadata:\n  name: a\n  name: b\n"
        let (docs, diags) = try YAMLDecoder.decodeAll(text)
        #expect(docs.first?.root[path: "metadata", "name"]?.string == "b")
        #expect(diags.count == 1)
        #expect(diags[0].severity == .warning)
        #expect(diags[0].line == 3)
        #expect(diags[0].message.contains("first at line 2"))
    }

    @Test("duplicates are found in large mappings too, and nested mappings keep their own entries and key lines")
    func duplicateKeysInLargeAndNestedMappings() throws {
        var lines = (0..<20).map { "k\($0): \($0)" }
        lines.insert("nested:\n  a: 1\n  inner: {x: 1, y: [1, {z: 2}]}\n  a: 2", at: 5)
        lines.append("k3: again")
        let (docs, diags) = try YAMLDecoder.decodeAll(lines.joined(separator: "\n") + "\n")
        let root = try #require(docs.first?.root.object)
        #expect(root.count == 21)
        #expect(root.keys.first == "k0" && root.keys.last == "k19")
        #expect(root["k3"]?.string == "again")
        #expect(root["k19"]?.int == 19)
        #expect(root["nested"]?["a"]?.int == 2)
        #expect(root["nested"]?.object?.keys == ["a", "inner"])
        #expect(root["nested"]?[path: "inner", "y"]?[1]?["z"]?.int == 2)
        #expect(diags.map(\.line) == [9, 25])
        #expect(diags[0].message.contains("first at line 7"))
        #expect(diags[1].message.contains("first at line 4"))
    }

    @Test func flowAndBlockStyles() throws {
        let text = """
        labels: {app: web, tier: "front"}
        ports: [{port: 80, name: http}, {port: 443}]
        script: |
          line one
          line two
        folded: >
          a
          b
        """
        let root = try #require(try YAMLDecoder.decodeAll(text).documents.first?.root)
        #expect(root[path: "labels", "tier"]?.string == "front")
        #expect(root["ports"]?[1]?["port"]?.int == 443)
        #expect(root["script"]?.string == "line one\nline two\n")
        #expect(root["folded"]?.string == "a b", "no final newline at the end of input")
        #expect(root["labels"]?.object?.keys == ["app", "tier"], "key order is kept")
    }

    @Test func syntaxErrorNamesFileLineAndColumn() throws {
        let text = "a: 1\n---\nkind: Service\nmetadata:\n  name: [unclosed\n  other: 2\n"
        var delivered: [YAMLDocument] = []
        var diags: [YAMLDiagnostic] = []
        let error = try #require(throws: YAMLSyntaxError.self) {
            try Array(text.utf8).withUnsafeBytes { raw in
                try YAMLDecoder.decode(raw, file: "apps/web.yaml", diagnostics: &diags) { delivered.append($0) }
            }
        }
        #expect(delivered.count == 1, "documents before the error were already delivered")
        #expect(error.file == "apps/web.yaml")
        #expect(error.line >= 5)
        #expect(error.description.hasPrefix("apps/web.yaml:"))
        #expect(error.description.contains("YAML syntax error"))
    }

    @Test func jsonGoesThroughTheSamePath() throws {
        let json = #"{"apiVersion": "v1", "kind": "Secret", "data": {"tls.crt": "AA=="}, "n": [1, 2.5, true, null]}"#
        let root = try YAMLDecoder.decodeOne(Array(json.utf8), file: "s.json")
        #expect(root["kind"]?.string == "Secret")
        #expect(root[path: "data", "tls.crt"]?.string == "AA==")
        #expect(root["n"]?[1]?.double == 2.5)
        #expect(root["n"]?[3]?.isNull == true)
    }

    @Test func crlfAndTopLevelLists() throws {
        let text = "- op: replace\r\n  path: /spec/replicas\r\n  value: 3\r\n"
        let root = try #require(try YAMLDecoder.decodeAll(text).documents.first?.root)
        #expect(root[0]?["path"]?.string == "/spec/replicas")
        #expect(root[0]?["value"]?.int == 3)
        #expect(root[0]?["value"]?.line == 3)
    }

    @Test func emptyInputHasNoDocuments() throws {
        #expect(try YAMLDecoder.decodeAll("").documents.isEmpty)
        #expect(try YAMLDecoder.decodeAll("# only a comment\n").documents.isEmpty)
        #expect(try YAMLDecoder.decodeAll("---\n---\n").documents.isEmpty)
    }

    @Test func deepNestingDoesNotRecurse() throws {
        let depth = 5000
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let root = try #require(try YAMLDecoder.decodeAll(text).documents.first?.root)
        #expect(root.array?.count == 1)
    }
}

@Suite struct JSONWriterTests {
    @Test func roundTrip() throws {
        let text = "a: \"x\\ny\"\nb: [1, 2.5, true, null]\nc: {d: \"q\\\"\"}\n"
        let value = try YAMLDecoder.decodeOne(Array(text.utf8))
        let json = JSONWriter.string(value)
        #expect(json == #"{"a":"x\ny","b":[1,2.5,true,null],"c":{"d":"q\""}}"#)
        #expect(try YAMLDecoder.decodeOne(Array(json.utf8)) == value)
        let pretty = JSONWriter.string(value, pretty: true)
        #expect(pretty.contains("\n  \"a\": "))
        #expect(try YAMLDecoder.decodeOne(Array(pretty.utf8)) == value)
    }

    @Test func controlCharactersAreEscaped() {
        let json = JSONWriter.string(.string("a\u{01}b\tc"))
        #expect(json == #""a\u0001b\tc""#)
    }
}

@Suite struct ObjectTests {
    @Test func orderedAndIndexedAboveThreshold() {
        var o = Object()
        for i in 0..<40 { o["k\(i)"] = .int(i) }
        #expect(o.count == 40)
        #expect(o["k33"]?.int == 33)
        o["k5"] = .string("five")
        #expect(o["k5"]?.string == "five")
        #expect(o.keys[5] == "k5")
        o["k0"] = nil
        #expect(o.count == 39)
        #expect(o["k39"]?.int == 39)
        #expect(o.keys.first == "k1")
    }

    @Test func equalityIgnoresPositionsAndKeyOrder() throws {
        let a = try YAMLDecoder.decodeOne(Array("x: 1\ny: 2\n".utf8))
        let b = try YAMLDecoder.decodeOne(Array("\n\ny: 2\nx: 1\n".utf8))
        #expect(a == b)
    }
}
