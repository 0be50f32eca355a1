import Analysis
import Foundation
@testable import Lint
import PipelineIR
import PipelineYAML
import Rules
import Testing

/// `check` and `fix` stay linear in the file's size, caught without timing: the
/// same shape of pipeline at two sizes, the work counted through `WorkCounter`
/// (YAML path probes, suppression comparisons, fix-conflict comparisons, object
/// uses visited by the estimate). Four times the file may cost a little over four
/// times the work (binary searches add a logarithm); a quadratic path costs sixteen.
@Suite struct ScalingTests {
    /// Like pipelint-bench's scaling pipeline: embedded objects (PL001 with safe fixes),
    /// suppressions in data and in comments, and definitions no output needs (PL009).
    static func pipeline(groups: Int) -> String {
        var s = "pipeline: scaling\nversion: 1\ncluster: {scheduler: distributed, workers: 4, threads_per_worker: 2, memory_per_worker: 8GiB}\nobjects:\n"
        for i in 0..<groups {
            s += "  table_\(i):            # lookup table \(i)\n    series: {range: \(30000 + i % 5000), dtype: int64}\n"
            if i % 10 == 9 { s += "    placement: delayed\n" }
            if i % 13 == 0 { s += "    lint: {ignore: [PL001], reason: measured on the cluster}\n" }
        }
        s += "functions:\n"
        for i in 0..<groups { s += "  lookup_\(i): {params: [block, table], kernel: take, with: {table: table}}\n" }
        s += "arrays:\n"
        for i in 0..<groups {
            s += "  codes_\(i): {shape: [\(100_000 + i)], chunks: [10000], dtype: int64, source: {random: {seed: \(i), low: 0, high: 1000}}}"
            s += i % 11 == 5 ? "  # pipelint: ignore[PL009] scratch input\n" : "\n"
        }
        s += "steps:\n"
        for i in 0..<groups {
            s += "  mapped_\(i): {map_blocks: lookup_\(i), over: [codes_\(i)], args: [table_\(i)]}"
            s += i % 7 == 3 ? "  # pipelint: ignore[PL001] small on purpose\n" : "\n"
        }
        s += "outputs:\n"
        for i in stride(from: 0, to: groups, by: 10) { s += "  mapped_\(i): persist\n" }
        return s
    }

    /// The work of one `check` and one `fix` of the pipeline with `groups` groups.
    func work(groups: Int) -> (counter: WorkCounter, findings: Int, fixes: Int) {
        let counter = WorkCounter()
        let source = SourceFile(path: "scaling.yaml", text: Self.pipeline(groups: groups))
        let linter = Linter(rules: makeAllRules())
        var findings = 0, fixes = 0
        WorkCounter.$current.withValue(counter) {
            findings = linter.lint(source).findings.count
            fixes = FixEngine(linter: linter).fix(source).applied.count
        }
        return (counter, findings, fixes)
    }

    @Test func workGrowsLinearlyWithTheFile() {
        let small = work(groups: 60), large = work(groups: 240)
        #expect(small.fixes > 30 && large.fixes > 3 * small.fixes)
        #expect(large.findings > 3 * small.findings)
        for kind in [WorkCounter.Kind.estimateUseVisits, .pathProbes, .suppressionProbes, .fixConflictProbes, .routeVisits] {
            let a = small.counter[kind], b = large.counter[kind]
            #expect(a > 0, "\(kind) is not counted")
            #expect(b <= 6 * a, "\(kind): \(a) at 60 groups, \(b) at 240 groups — more than linear")
        }
    }

    @Test func theEstimateIsComputedOncePerFile() {
        let counter = WorkCounter()
        let source = SourceFile(path: "scaling.yaml", text: Self.pipeline(groups: 60))
        let report = WorkCounter.$current.withValue(counter) { Linter(rules: makeAllRules()).lint(source) }
        // PL001 and PL002 fire, PL003 stays silent: all three read the estimate.
        #expect(Set(report.findings.map(\.code.id)).isSuperset(of: ["PL001", "PL002"]))
        #expect(counter[.estimateRuns] == 1)
    }

    // MARK: The indexes answer what the scans they replace answered

    static let samples: [String] = {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("samples")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
        return names.compactMap { try? String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8) } + [
            pipeline(groups: 12),
            "a: &x {k: [1, 2, {m: }]}\nb: *x\n? [c, d]\n: e\nf:\ng: [[], {}, '']\n",
            "objects:\n  m: &m {series: {range: 10}}\n  n: *m\n  o: {bytes: {size: 1}}\n  p: *m\n  q: {}\n",
        ]
    }()

    /// The path search before the index: every sibling scanned from the root for each offset.
    static func scannedPath(of offset: Int, in tree: SyntaxTree) -> String {
        guard var node = tree.root else { return "" }
        var parts: [String] = []
        var depth = 0
        descend: while depth < 256 {
            depth += 1
            switch tree[node].kind {
            case .mapping:
                for (k, v) in tree.entries(node) {
                    if tree[k].range.start <= offset, offset < max(tree[k].range.end, tree[k].range.start + 1) {
                        parts.append(tree.scalar(k) ?? "?")
                        break descend
                    }
                    if tree[v].range.start <= offset, offset < max(tree[v].range.end, tree[v].range.start + 1) {
                        parts.append(tree.scalar(k) ?? "?")
                        node = v
                        continue descend
                    }
                }
                break descend
            case .sequence:
                for (i, item) in tree.items(node).enumerated() where tree[item].range.start <= offset && offset < max(tree[item].range.end, tree[item].range.start + 1) {
                    if let last = parts.popLast() { parts.append(last + "[\(i)]") } else { parts.append("[\(i)]") }
                    node = item
                    continue descend
                }
                break descend
            case .scalar, .alias:
                break descend
            }
        }
        return parts.joined(separator: ".")
    }

    @Test func pathFinderMatchesTheSiblingScanAtEveryOffset() {
        for text in Self.samples {
            let source = SourceFile(path: "p.yaml", text: text)
            let tree = YAMLParser.parse(source).tree
            var finder = YAMLPathFinder(tree)
            for offset in 0...source.bytes.count {
                let expected = Self.scannedPath(of: offset, in: tree)
                let found = finder.path(of: offset)
                #expect(found == expected, "offset \(offset): \(found) ≠ \(expected) in\n\(text)")
                if found != expected { return }
            }
        }
    }

    @Test func indexedObjectDefinitionsMatchTheScan() {
        for text in Self.samples {
            let source = SourceFile(path: "p.yaml", text: text)
            let tree = YAMLParser.parse(source).tree
            let index = DefinitionIndex(tree)
            let names = tree.root.flatMap { root in
                tree.entries(tree.resolved(root)).first { tree.scalar($0.key) == "objects" }.map { tree.entries(tree.resolved($0.value)).compactMap { tree.scalar($0.key) } }
            } ?? []
            for name in names + ["missing"] {
                let scanned = YAMLEdits.objectDefinition(tree, name: name)
                let indexed = YAMLEdits.objectDefinition(tree, name: name, definitions: index)
                switch (scanned, indexed) {
                case (.success(let a), .success(let b)):
                    #expect(a.mapping == b.mapping && a.sharedBy == b.sharedBy && a.owner == b.owner, "object \(name)")
                case (.failure(let a), .failure(let b)):
                    #expect(a == b, "object \(name)")
                default:
                    Issue.record("object \(name): \(scanned) vs \(indexed)")
                }
            }
        }
    }

    @Test func objectRoutesAnswerWhatTheScansAnswered() {
        var checked = 0
        for text in Self.samples {
            let loaded = LoadedPipeline.load(SourceFile(path: "p.yaml", text: text))
            guard let pipeline = loaded.pipeline, let graph = loaded.graph else { continue }
            let routes = ObjectRoutes(pipeline: pipeline, graph: graph)
            for obj in pipeline.objects {
                let carrier = pipeline.functions.first { $0.carried.contains { $0.object == obj.name } }?.name
                #expect(routes.firstCarrier[obj.name] == carrier, "object \(obj.name)")
                let futures = graph.layers.contains { l in
                    guard let form = l.perItem?.form, form != .delayed else { return false }
                    return l.inputs.contains { graph[$0.source].name == obj.name && graph[$0.source].object != nil }
                }
                #expect(routes.reachingFutures.contains(obj.name) == futures, "object \(obj.name)")
                checked += carrier != nil || futures ? 1 : 0
            }
        }
        // The samples carry objects in functions and pass some to `submit`/`map` steps.
        #expect(checked >= 2)
    }

    @Test func takenEditsFindTheConflictsAScanFinds() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var taken = TakenEdits()
            var scanned: [Edit] = []
            for _ in 0..<40 {
                let fix = (0..<Int.random(in: 1...3, using: &rng)).map { _ -> Edit in
                    let start = Int.random(in: 0..<60, using: &rng)
                    return Edit(range: SourceRange(start: start, end: start + Int.random(in: 0...4, using: &rng)), replacement: Bool.random(using: &rng) ? "a" : "b")
                }
                let new = fix.filter { !scanned.contains($0) }
                #expect(new == fix.filter { !taken.contains($0) })
                let expected = new.contains { e in scanned.contains { YAMLEdits.conflict($0, e) } }
                #expect(new.contains { taken.conflicts(with: $0) } == expected)
                if expected { continue }
                scanned += new
                taken.add(new)
                #expect(taken.edits == scanned)
            }
        }
    }
}
