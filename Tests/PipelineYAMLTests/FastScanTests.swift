import Foundation
import PipelineIR
import Testing
@testable import PipelineYAML

/// The fast scanner (`FastScan`) against libyaml: whenever it accepts a file, its tree, comments and
/// diagnostics equal the libyaml path's field by field — on every sample, fixed sample, fuzz seed and
/// cross-check case, the benchmark pipeline's shape, hand-written edge cases, and thousands of
/// one-byte mutations of all of them. It also accepts every sample within its subset, so the
/// equality cannot hold by always bailing.
@Suite struct FastScanTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func files(in dir: String) -> [(name: String, bytes: [UInt8])] {
        let url = root.appendingPathComponent(dir)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
        return names.compactMap { n in CommentScanTests.read(url.appendingPathComponent(n).path).map { ("\(dir)/\(n)", $0) } }
    }

    static let corpus: [(name: String, bytes: [UInt8])] = {
        var out: [(String, [UInt8])] = []
        for dir in ["samples", "samples/fixed", "samples/helm/templates", "Fuzz/corpus/frontend", "crosscheck/cases", "crosscheck/frames"] {
            out += files(in: dir)
        }
        out.append(("generated", Array(benchmarkShape(groups: 12).utf8)))
        for (k, text) in edgeCases.enumerated() { out.append(("edge \(k)", Array(text.utf8))) }
        return out
    }()

    /// The shape of `pipelint-bench parse`'s generated pipeline (Sources/pipelint-bench/Support.swift).
    static func benchmarkShape(groups: Int) -> String {
        var s = "# generated benchmark pipeline\npipeline: generated\nversion: 1\ncluster: {scheduler: distributed, workers: 4, threads_per_worker: 2, memory_per_worker: 8GiB}\nobjects:\n"
        for i in 0..<groups { s += "  table_\(i):            # lookup table \(i)\n    series: {range: \(1000 + i), dtype: int64}\n    placement: delayed\n" }
        s += "functions:\n"
        for i in 0..<groups { s += "  lookup_\(i): {params: [block, table], kernel: take, with: {table: table}}\n" }
        s += "arrays:\n"
        for i in 0..<groups { s += "  codes_\(i): {shape: [\(100_000 + i)], chunks: [10000], dtype: int64, source: {random: {seed: \(i), low: 0, high: 1000}}}\n" }
        s += "steps:\n"
        for i in 0..<groups { s += "  mapped_\(i): {map_blocks: lookup_\(i), over: [codes_\(i)], args: [table_\(i)]}\n" }
        s += "outputs:\n  mapped_0: persist\n"
        return s
    }

    /// Small texts at the subset's edges: empty values, indentless sequences, compact nesting,
    /// flow collections over lines, quotes and escapes, comments, trailing spaces, dedents.
    static let edgeCases: [String] = [
        "", "# only a comment\n", "\n\n", "a", "'a'\n", "[a, b]\n", "{a: b}",
        "a:\nb: c\n", "a:\n- x\n-\n- 'y'\nb: {}\n", "a:\n  - x\n  -   y  # c\n  -\n",
        "- - a\n  - b\n- c: d\n  e: f\n-\n  g: h\n", "- a: b\n  c:\n  - d\n  e: [f,\ng]\n",
        "k: 'it''s' # c\nl: \"a \\\"b\\\" \\\\ \\t \\/\"\nm: \"\\x41\"\n", "k: a b  c   \nl: a:b\nm: a#b\n",
        "x: {a: , b: c,}\ny: [a, [b, {c: d}], ]\n", "x: {a:\n\n  b, c: d}\n", "x: [a\n  , b]\n",
        "a: b\n  c\n", "a:\n  b\n", "a:\n  b\n  c\n", "a: -1\nb: - 1\n", "a: {b: c}: d\n",
        "a:\n    b: c\n  d: e\n", "  a: b\n  c: d\n", "  a: b\nc: d\n", "a: b\n---\nc: d\n",
        "a: &x b\nc: *x\n", "a: !!str b\n", "a: |\n  b\n", "? a\n: b\n", "a:\tb\n", "a: b\r\n",
        "a: b\na: c\nd: e\n", "a: 'é ü'\nb: ß # ç\n", "a: [1, 2]  # c\n# d\n  # e\nb: 3\n",
        "a:\n- b\n  # c\n- d\n", "-\n-\n", "- \n  -\n", "a: \"x\"y\n", "a: [b]c\n", "[a]: b\n",
        "a: b # c\n  d: e\n", "a: {b: [c, d], e: 'f'}\n", "{\"a\": 1}\n", "[a: b]\n", "{a, b: c}\n",
        "a:\n  - b\n  - c\nd:\n- e\n", "a: b\n\n\n#x\n  \nc: d\n", "a:#b\n", "a: #b\n", "-a: b\n",
        "key with spaces: value with spaces\n", "a: '  '\nb: ''\nc: \"\"\n", "a: [b, c]\n  d: e\n",
        // Characters libyaml refuses or takes for line breaks or a BOM: C1 controls, NEL, LS, PS, DEL, U+FEFF, U+FFFE.
        "a: b\u{85}c\n", "a: b\u{2028}c\n", "a: b\u{2029}\n", "a: \u{FEFF}b\n", "\u{FEFF}a: b\n", "a: b\u{7F}\n",
        "# \u{80}\na: b\n", "a: '\u{FFFE}'\n", "a: \"\u{9F}\"\n", "a: b\u{A0}c # \u{FFFD}\n",
        "a: \"x\\\ty\"\n", "a: \"\\0\\a\\b\\e\\f\\v\\r\\n\\ \"\n", "a: \"\\u0041\\N\"\n",
        // Keys near libyaml's 1024-character simple-key limit, in bytes and in characters.
        String(repeating: "k", count: 1000) + ": v\n", String(repeating: "k", count: 1030) + ": v\n",
        "{" + String(repeating: "k", count: 1030) + ": v}\n", String(repeating: "é", count: 600) + ": v\n",
        "- " + String(repeating: "k", count: 1030) + ": v\n",
    ]

    /// The libyaml tree and, when the fast path accepts, the first difference from it.
    static func check(_ bytes: [UInt8], limits: ParseLimits = .default) -> (accepted: Bool, difference: String?) {
        let source = SourceFile(path: "t.yaml", bytes: bytes)
        guard let fast = YAMLParser.parseFast(source, limits: limits) else { return (false, nil) }
        let slow = YAMLParser.parseWithLibyaml(source, limits: limits)
        return (true, fast.firstDifference(from: slow))
    }

    static func show(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.prefix(400), as: UTF8.self).debugDescription
    }

    @Test func equalOnEveryFile() {
        #expect(Self.corpus.count > 150)
        var accepted = 0
        for file in Self.corpus {
            let r = Self.check(file.bytes)
            if r.accepted { accepted += 1 }
            #expect(r.difference == nil, "\(file.name): \(r.difference ?? "")")
        }
        print("fast path accepted \(accepted) of \(Self.corpus.count) files")
        #expect(accepted > Self.corpus.count / 2)
    }

    /// Every sample is in the subset but those written to exercise what it leaves out.
    @Test func acceptsTheSamples() {
        let outside: Set<String> = []
        var accepted = 0
        let samples = Self.files(in: "samples") + Self.files(in: "samples/fixed")
        for file in samples {
            let ok = Self.check(file.bytes).accepted
            if ok { accepted += 1 }
            #expect(ok != outside.contains(file.name), "\(file.name): accepted \(ok)")
        }
        print("fast path accepted \(accepted) of \(samples.count) samples")
        #expect(accepted == samples.count - outside.count)
    }

    /// Bytes that make or break YAML structure, inserted or deleted at many places of every file.
    @Test func equalOnMutations() {
        let inserts: [[UInt8]] = [":", " ", "-", "#", "'", "\"", "[", "{", ",", "\n", "\t", "]", "}", ": ", "- ", "\\", "\n  "].map { Array($0.utf8) }
        var accepted = 0, total = 0, failures = 0
        for file in Self.corpus {
            let b = file.bytes
            // Every third place of a short text, 9 places of a long one (the full sweep of 40 places
            // a file, 138,550 mutations, found no difference; this keeps the test at a few seconds).
            let step = b.count < 80 ? 3 : max(1, b.count / 9)
            for pos in stride(from: 0, through: b.count, by: step) {
                var variants: [[UInt8]] = inserts.map { Array(b[..<pos]) + $0 + Array(b[pos...]) }
                if pos < b.count { variants.append(Array(b[..<pos]) + Array(b[(pos + 1)...])) }
                for v in variants {
                    let r = Self.check(v)
                    total += 1
                    if r.accepted { accepted += 1 }
                    if let d = r.difference {
                        failures += 1
                        if failures <= 20 { Issue.record("\(file.name) mutated at \(pos): \(d)\n\(Self.show(v))") }
                    }
                }
            }
        }
        print("mutations: \(total), accepted by the fast path: \(accepted), different: \(failures)")
        #expect(total > 15_000)
        #expect(accepted > total / 4)
        #expect(failures == 0)
    }

    /// Limits and duplicate keys: the fast path reports the same, or leaves a fatal limit to libyaml.
    @Test func limitsAndDuplicates() {
        let dup = Array("a: 1\nb: {x: 1, x: 2}\na: 3\nc: [1, 2]\n".utf8)
        let r = Self.check(dup)
        #expect(r.accepted && r.difference == nil, "\(r)")
        let source = SourceFile(path: "t.yaml", bytes: dup)
        #expect(YAMLParser.parseFast(source)?.diagnostics.map(\.message) == [
            "duplicate key `x` (first defined at line 2, column 5)",
            "duplicate key `a` (first defined at line 1, column 1)",
        ])
        let small = ParseLimits(maxDepth: 2, maxScalarBytes: 3, maxNodes: 5)
        for text in ["a: [[1]]\n", "a: abcd\n", "a: [1, 2, 3]\n", "a: 1\n"] {
            let bytes = Array(text.utf8)
            let s = SourceFile(path: "t.yaml", bytes: bytes)
            let fast = YAMLParser.parseFast(s, limits: small)
            let slow = YAMLParser.parseWithLibyaml(s, limits: small)
            #expect((fast == nil) == !slow.isComplete, "\(text)")
            if let fast { #expect(fast.firstDifference(from: slow) == nil, "\(text)") }
        }
        // Nesting: within the scanner's 200 levels it builds the tree, past them libyaml does.
        let deep = ParseLimits(maxDepth: 1000)
        for depth in [199, 200, 201, 600] {
            let text = Array((String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n").utf8)
            let r = Self.check(text, limits: deep)
            #expect(r.accepted == (depth <= 200) && r.difference == nil, "depth \(depth): \(r)")
            #expect(YAMLParser.parse(SourceFile(path: "t.yaml", bytes: text), limits: deep).tree.nodes.count == depth)
        }
        // 3,000 keys: the hashed duplicate check.
        var many = ""
        for k in 0..<3000 { many += "k\(k % 2900): \(k)\n" }
        let m = Self.check(Array(many.utf8), limits: ParseLimits(maxNodes: 100_000))
        #expect(m.accepted && m.difference == nil)
    }

    /// The equality helper names the first differing field.
    @Test func differenceNamesTheField() {
        func parse(_ t: String) -> YAMLParser.Result { YAMLParser.parseWithLibyaml(SourceFile(path: "t.yaml", bytes: Array(t.utf8))) }
        #expect(parse("a: b\n").firstDifference(from: parse("a: b\n")) == nil)
        #expect(parse("a: b\n").firstDifference(from: parse("a:  b\n")) == "node 0 rangeEnd: 4 ≠ 5")
        #expect(parse("a: b\n").firstDifference(from: parse("a: c\n")) == "scalar bytes differ at 1 (counts 2, 2)")
        #expect(parse("[a, 'b']\n").firstDifference(from: parse("[a, \"b\"]\n")) == "node 2 scalarStyle: singleQuoted ≠ doubleQuoted")
        #expect(parse("a: b #c\n").firstDifference(from: parse("a: b\n")) == "comments differ at 0 (counts 1, 0)")
        #expect(parse("a: 1\na: 2\nb: 3\n").firstDifference(from: parse("a: 1\nc: 2\nb: 3\n"))?.hasPrefix("scalar bytes differ") == true)
        #expect(parse("[a, b]\n").firstDifference(from: parse("{a: b}\n")) == "node 0 kind: sequence ≠ mapping")
    }

    /// The parser's entry point takes the fast path and gives the libyaml tree.
    @Test func parseUsesTheFastPath() throws {
        let text = Array(Self.benchmarkShape(groups: 50).utf8)
        let s = SourceFile(path: "t.yaml", bytes: text)
        let fast = try #require(YAMLParser.parseFast(s))
        #expect(YAMLParser.parse(s).firstDifference(from: fast) == nil)
        #expect(YAMLParser.parse(s).firstDifference(from: YAMLParser.parseWithLibyaml(s)) == nil)
        #expect(fast.tree.nodes.count > 1000)
    }
}
