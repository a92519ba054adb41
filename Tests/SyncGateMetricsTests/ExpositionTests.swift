import SyncGateMetrics
import Testing

@Suite struct ExpositionTests {
    @Test func escapesLabelValuesAndHelp() throws {
        let family = MetricFamily(name: "syncgate_test", help: "back\\slash\nnewline", kind: .gauge, samples: [
            Sample([Label("reason", "a \"quoted\" \\ path\nline two")], 1),
            Sample([Label("reason", "plain")], 0.25),
        ])
        let text = PrometheusText.render([family])
        #expect(text == """
        # HELP syncgate_test back\\\\slash\\nnewline
        # TYPE syncgate_test gauge
        syncgate_test{reason="a \\"quoted\\" \\\\ path\\nline two"} 1
        syncgate_test{reason="plain"} 0.25

        """)
        let parsed = try PrometheusTextParser.parse(text)
        #expect(parsed["syncgate_test"]?.help == "back\\slash\nnewline")
        #expect(parsed["syncgate_test"]?.samples.first?.labels["reason"] == "a \"quoted\" \\ path\nline two")
    }

    @Test func formatsSpecialValues() {
        #expect(PrometheusText.formatValue(3) == "3")
        #expect(PrometheusText.formatValue(-1_296_000) == "-1296000")
        #expect(PrometheusText.formatValue(1.5) == "1.5")
        #expect(PrometheusText.formatValue(.infinity) == "+Inf")
        #expect(PrometheusText.formatValue(-.infinity) == "-Inf")
        #expect(PrometheusText.formatValue(.nan) == "NaN")
        #expect(PrometheusTextParser.parseValue(PrometheusText.formatValue(1e300)) == 1e300)
    }

    @Test func catalogNamesAreValidAndUnique() {
        let names = MetricCatalog.all.map(\.name)
        #expect(Set(names).count == names.count)
        for d in MetricCatalog.all {
            #expect(PrometheusText.isValidMetricName(d.name) && d.name.hasPrefix("syncgate_"), "\(d.name)")
            #expect(d.labels.allSatisfy(PrometheusText.isValidLabelName), "\(d.labels)")
            #expect(!d.help.isEmpty)
        }
    }

    @Test func theParserRejectsMalformedText() {
        let bad = [
            "x{a=\"1\"} 1",                                  // no final line feed
            "x{a=\"1} 1\n",                                   // unterminated value
            "x{a=\"\\t\"} 1\n",                               // invalid escape
            "x 1\ny 1\nx 2\n",                                // family not contiguous
            "x{a=\"1\"} 1\nx{a=\"1\"} 2\n",                   // duplicate series
            "# TYPE x gauge\n# TYPE x gauge\nx 1\n",         // second TYPE
            "x one\n",                                        // bad value
            "1x 1\n",                                         // bad name
        ]
        for text in bad {
            #expect(throws: PrometheusTextParser.ParseError.self, "\(text.debugDescription)") { try PrometheusTextParser.parse(text) }
        }
    }
}
